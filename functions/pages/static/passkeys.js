// Passkeys on the hosted pages (docs/pages.md, "Passkeys"): sign-in with a
// passkey (button and conditional UI) and the account page's list, add,
// rename and remove, all through the passkeys JSON API (/user/passkeys…)
// with the cookie session. Served by the pages function itself (CSP
// `script-src 'self'`): no inline script, no eval, nothing from elsewhere.
// Without it (or without WebAuthn) the pages work as they do without JS.
"use strict";
(function () {
  var PKC = window.PublicKeyCredential;

  // base64url <-> ArrayBuffer, for browsers without the JSON helpers.
  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function withBuffers(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: fromB64url(c.id) });
    });
  }
  function creationOptions(json) {
    if (PKC.parseCreationOptionsFromJSON) return PKC.parseCreationOptionsFromJSON(json);
    return Object.assign({}, json, {
      challenge: fromB64url(json.challenge),
      user: Object.assign({}, json.user, { id: fromB64url(json.user.id) }),
      excludeCredentials: withBuffers(json.excludeCredentials)
    });
  }
  function requestOptions(json) {
    if (PKC.parseRequestOptionsFromJSON) return PKC.parseRequestOptionsFromJSON(json);
    return Object.assign({}, json, {
      challenge: fromB64url(json.challenge),
      allowCredentials: withBuffers(json.allowCredentials)
    });
  }
  function credentialJSON(cred) {
    if (typeof cred.toJSON === "function") return cred.toJSON();
    var r = cred.response, out = {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) out.response.userHandle = toB64url(r.userHandle);
    }
    return out;
  }

  // One call of the passkeys API: its `data`, or an Error with its `code`.
  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (res.ok && json.ok === 1) return json.data;
        var e = new Error(json.error || "HTTP " + res.status);
        e.code = json.code || "HTTP" + res.status;
        e.field = json.field;
        throw e;
      });
    });
  }

  // The words for a failure, from the page's data-msg-* attributes.
  function words(box, error) {
    var d = box.dataset;
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) return d.msgCancelled;
    var code = error && error.code;
    if (code === "InvalidCredentials") return d.msgUnknown;
    if (code === "PasskeyExists" || code === "InvalidStateError") return d.msgExists;
    if (code === "PasskeyCounter") return d.msgCounter;
    if (code === "NoPasskey") return d.msgNone;
    if (code === "InvalidCode") return d.msgStale;
    if (error && error.field === "name") return d.msgName;
    return d.msgFailed;
  }
  function failure(region, box, error) {
    // The details, for whoever opens the console; the words, for everyone.
    if (window.console) console.warn("passkeys:", error && error.name, error && error.message);
    say(region, words(box, error), true);
  }
  function say(region, text, isError) {
    region.textContent = text || "";
    region.className = text ? (isError ? "alert" : "notice") : "";
  }

  // Sign-in page ---------------------------------------------------------
  function signIn(box) {
    var button = document.getElementById("passkey-button");
    var region = document.getElementById("passkey-message");
    var returnTo = box.dataset.returnTo || "/account";
    var pending = null;

    // The second factor is still due: the existing step page, by a form
    // POST so the challenge stays out of the URL and history.
    function toSecondFactor(data) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = box.dataset.challengeAction;
      var fields = { csrf: box.dataset.csrf, target: data.user.id, challenge: data.sessionHash, return_to: returnTo };
      Object.keys(fields).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = fields[name];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    }
    function finish(cred) {
      return api("POST", "/user/passkeys/login/verify", { credential: credentialJSON(cred) })
        .then(function (data) {
          if (data["2faEnabled"]) return toSecondFactor(data);
          window.location.assign(returnTo);
        });
    }
    function ceremony(mediation) {
      if (pending) pending.abort();
      var controller = new AbortController();
      pending = controller;
      return api("POST", "/user/passkeys/login/options").then(function (options) {
        var ask = { publicKey: requestOptions(options), signal: controller.signal };
        if (mediation) ask.mediation = mediation;
        return navigator.credentials.get(ask);
      }).then(function (cred) {
        if (pending === controller) pending = null;
        return cred && finish(cred).catch(function (e) {
          e.picked = true;
          throw e;
        });
      });
    }

    box.hidden = false;
    button.addEventListener("click", function () {
      say(region, "");
      button.disabled = true;
      ceremony(null).catch(function (e) {
        failure(region, box, e);
      }).then(function () { button.disabled = false; });
    });
    // Conditional UI: passkeys offered in the username field's autofill.
    if (PKC.isConditionalMediationAvailable) {
      PKC.isConditionalMediationAvailable().then(function (yes) {
        if (!yes) return;
        ceremony("conditional").catch(function (e) {
          // Said only once a passkey was picked: before that, nothing was
          // asked of anyone (aborted by the button, no passkey for this
          // site, a page on an IP address), and the button is still there.
          if (e.picked) failure(region, box, e);
        });
      });
    }
  }

  // Second-factor step: a passkey of the account answers its challenge --
  function secondFactor(box) {
    var button = document.getElementById("passkey-factor-button");
    var region = document.getElementById("passkey-factor-message");
    var remember = document.getElementById("remember");
    var asked = { target: box.dataset.target, sessionHash: box.dataset.challenge };
    box.hidden = false;
    button.addEventListener("click", function () {
      say(region, "");
      button.disabled = true;
      api("POST", "/user/passkeys/second-factor/options", asked).then(function (options) {
        return navigator.credentials.get({ publicKey: requestOptions(options) });
      }).then(function (cred) {
        var body = { target: asked.target, sessionHash: asked.sessionHash,
          credential: credentialJSON(cred), remember: !!(remember && remember.checked) };
        return api("POST", "/user/passkeys/second-factor/verify", body);
      }).then(function () {
        window.location.assign(box.dataset.returnTo || "/account");
      }).catch(function (e) {
        failure(region, box, e);
        button.disabled = false;
      });
    });
  }

  // Account page ---------------------------------------------------------
  function when(iso) {
    return iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : null;
  }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function account(box) {
    var d = box.dataset;
    var list = document.getElementById("passkeys-list");
    var none = document.getElementById("passkeys-none");
    var region = document.getElementById("passkeys-message");
    var add = document.getElementById("passkey-add");
    var nameInput = document.getElementById("passkey-name");

    function failed(e) { failure(region, box, e); }
    function refresh(notice) {
      return api("GET", "/user/passkeys").then(function (data) {
        list.textContent = "";
        data.passkeys.forEach(function (p) { list.appendChild(row(p)); });
        list.hidden = data.passkeys.length === 0;
        none.hidden = data.passkeys.length !== 0;
        if (notice) say(region, notice, false);
      }).catch(failed);
    }
    function row(p) {
      var item = el("li");
      var text = el("span");
      text.appendChild(el("strong", p.name));
      var facts = d.labelCreated + " " + when(p.createdAt) + ", " +
        (p.lastUsedAt ? d.labelUsed + " " + when(p.lastUsedAt) : d.labelNeverUsed);
      text.appendChild(document.createTextNode(": " + facts));
      var rename = el("button", d.renameButton, { type: "button", "class": "secondary", "aria-label": d.renameButton + " " + p.name });
      var remove = el("button", d.removeButton, { type: "button", "class": "secondary", "aria-label": d.removeButton + " " + p.name });
      rename.addEventListener("click", function () { renameForm(item, p); });
      remove.addEventListener("click", function () {
        if (!window.confirm(d.removeConfirm.replace("{name}", p.name))) return;
        say(region, "");
        api("DELETE", "/user/passkeys/" + encodeURIComponent(p.id))
          .then(function () { return refresh(d.msgRemoved); }).catch(failed);
      });
      item.appendChild(text);
      item.appendChild(rename);
      item.appendChild(remove);
      return item;
    }
    function renameForm(item, p) {
      if (item.querySelector("form")) return item.querySelector("input").focus();
      var form = el("form", null, { "class": "inline" });
      var id = "rename-" + p.id;
      form.appendChild(el("label", d.newNameLabel, { "for": id }));
      var input = el("input", null, { id: id, type: "text", required: "", maxlength: "64" });
      input.value = p.name;
      form.appendChild(input);
      form.appendChild(el("button", d.saveButton, { type: "submit" }));
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        say(region, "");
        api("PATCH", "/user/passkeys/" + encodeURIComponent(p.id), { name: input.value })
          .then(function () { return refresh(d.msgRenamed); }).catch(failed);
      });
      item.appendChild(form);
      input.focus();
    }

    add.addEventListener("submit", function (ev) {
      ev.preventDefault();
      say(region, "");
      var name = nameInput.value.trim();
      api("POST", "/user/passkeys/register/options").then(function (options) {
        return navigator.credentials.create({ publicKey: creationOptions(options) });
      }).then(function (cred) {
        var body = { credential: credentialJSON(cred) };
        if (name) body.name = name;
        return api("POST", "/user/passkeys/register/verify", body);
      }).then(function () {
        nameInput.value = "";
        return refresh(d.msgAdded);
      }).catch(failed);
    });
    document.getElementById("passkeys-nojs").hidden = true;
    add.hidden = false;
    refresh();
  }

  function start() {
    var signin = document.getElementById("passkey-signin");
    var mine = document.getElementById("passkeys");
    var factor = document.getElementById("passkey-factor");
    if (!PKC || !navigator.credentials) return;
    if (signin) signIn(signin);
    if (factor) secondFactor(factor);
    if (mine) account(mine);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
