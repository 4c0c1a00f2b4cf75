"""Replays the API Gateway events of events/ against a running `make dev`.

Run through scripts/events.sh (which sets the environment and builds the
CLI); events/README.md explains the placeholders and what to expect.

    scripts/events.sh                      every event
    scripts/events.sh users/get-me.json    one event (or several; paths under events/)
    scripts/events.sh --fill               only print the placeholder values (NAME=value)
    scripts/events.sh --print users/get-me.json   print the filled event (for `sam local invoke -e -`)
"""

import base64
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENTS = os.path.join(ROOT, "events")
API = os.environ.get("API", "http://127.0.0.1:3000").rstrip("/")
EMULATOR = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
PLATFORM = os.environ["PLATFORM_BIN"]
PASSWORD = "events-pass"  # the password the event bodies send
LINK_CODE = re.compile(r"[a-z0-9]{3}(?:-[a-z0-9]{3}){5}")
REDIRECT = "http://127.0.0.1/events-callback"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method, path, body=None, headers=None, form=False):
    """(status, headers, body text); `body` is JSON unless `form`."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
        elif form:
            data = urllib.parse.urlencode(body).encode()
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
        else:
            data = json.dumps(body).encode()
            headers.setdefault("content-type", "application/json")
    url = path if path.startswith("http") else API + path
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=30) as res:
            return res.status, res.headers, res.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(errors="replace")


def must(what, result, ok=(200, 201)):
    status, _, text = result
    if status not in ok:
        sys.exit(f"events: {what} answered {status}: {text[:300]}")
    return result


def platform(*args):
    out = subprocess.run([PLATFORM, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"events: platform {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def mail_match(address, pattern, deadline=10.0):
    """The first group of `pattern` in the newest email to `address` that
    matches it, waiting for one (mail leaves through an outbox, a moment
    after the request)."""
    end = time.time() + deadline
    q = urllib.parse.urlencode({"to": address})
    while True:
        with urllib.request.urlopen(f"{EMULATOR}/_emulator/ses/messages?{q}", timeout=10) as res:
            messages = json.load(res)
        for message in reversed(messages):
            found = re.search(pattern, message.get("body") or "")
            if found:
                return found.group(1)
        if time.time() > end:
            sys.exit(f"events: no email to {address} matching {pattern} after {deadline:.0f} s")
        time.sleep(0.2)


def link_code(address):
    return mail_match(address, f"({LINK_CODE.pattern})")


def accounts_user(name):
    """A verified-enough user (the Accounts API sends no code) with PASSWORD."""
    email = f"{name}@example.com"
    must(f"creating {name}", http("POST", "/api/v1/accounts/", {
        "username": name, "password": PASSWORD, "firstName": "Event",
        "lastName": "Replay", "email": email}), ok=(201,))
    return email


def login(name):
    status, headers, text = must(f"login of {name}", http("POST", "/user/login", {
        "username": name, "password": PASSWORD, "userAgent": "events.sh"}))
    for cookie in headers.get_all("set-cookie") or []:
        if cookie.startswith("sid="):
            return cookie.split(";", 1)[0][len("sid="):]
    sys.exit(f"events: login of {name} set no session cookie: {text[:300]}")


USERS_SCOPES = "delegated:profile:read delegated:profile:write admin:profile:write delegated:roles:read"


def access_token(session, n, scopes=USERS_SCOPES):
    """A bearer token of `scopes` (the Users API's by default), through the OAuth flow."""
    client = json.loads(platform("oauth-client", "create", "--name", f"events-{n}",
                                 "--type", "public", "--first-party", "--redirect-uri", REDIRECT,
                                 "--scopes", scopes))["client_id"]
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client, "redirect_uri": REDIRECT,
        "scope": scopes, "state": "events", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    status, headers, text = http("GET", f"/oauth/authorize?{query}", headers={"cookie": f"sid={session}"})
    location = headers.get("location") or ""
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code")
    if status != 302 or not code:
        sys.exit(f"events: authorize answered {status} {location} {text[:300]}")
    _, _, text = must("token exchange", http("POST", "/oauth/token", {
        "grant_type": "authorization_code", "code": code[0], "client_id": client,
        "redirect_uri": REDIRECT, "code_verifier": verifier}, form=True))
    return json.loads(text)["access_token"]


def fill():
    """Every placeholder's value, made for the purpose in the running stack."""
    n = f"{random.randrange(10**9):09d}"
    log = lambda what: print(f"events: {what}", file=sys.stderr)
    values = {}
    log("an API key (platform api-key create)")
    values["API_KEY"] = json.loads(platform("api-key", "create", "--name", f"events-{n}",
                                            "--permissions", "read,write"))["key"]
    a, b, c, e = (f"ev{x}_{n}" for x in "abce")
    for name in (a, b, c, e):
        accounts_user(name)
    log(f"users {a}, {b}, {c}, {e} (password {PASSWORD}) and their sessions")
    values["USERS_SESSION"] = login(a)
    values["USERS_SESSION_LOGOUT"] = login(a)
    values["USERS_SESSION_B"] = login(b)
    log("an access token (platform oauth-client create, /oauth/authorize, /oauth/token)")
    values["USERS_ACCESS_TOKEN"] = access_token(values["USERS_SESSION"], n)
    log(f"a site with {a} as its admin (platform site create); {a}'s token and sessions for the Sites and App Users APIs")
    platform("site", "create", "--title", f"Events {n}", "--type", "community",
             "--url", f"https://events-{n}.example.com", "--admin", a)
    values["SITES_ADMIN_TOKEN"] = access_token(values["USERS_SESSION"], f"{n}-sites", "user_sites")
    values["APP_SESSION"] = login(a)
    values["APP_SESSION_LOGOUT"] = login(a)
    log("a password reset code (GET /user/code, then its email)")
    must("GET /user/code", http("GET", "/user/code?" + urllib.parse.urlencode({"email": f"{c}@example.com"})))
    values["USERS_RESET_CODE"] = link_code(f"{c}@example.com")
    d = f"events_d_{n}"
    log(f"a verification code (POST /user/create {d}, then its email)")
    must("POST /user/create", http("POST", "/user/create", {
        "username": d, "firstName": "Event", "lastName": "Replay",
        "email": f"{d}@example.com", "password": PASSWORD}))
    values["USERS_VERIFY_CODE"] = link_code(f"{d}@example.com")
    log(f"a 2FA challenge (2FA on for {e}, then a login and its email)")
    session_e = login(e)
    must("POST /user/2fa/enable", http("POST", "/user/2fa/enable", {"password": PASSWORD},
                                      headers={"cookie": f"sid={session_e}"}))
    _, _, text = must("2FA login", http("POST", "/user/login", {
        "username": e, "password": PASSWORD, "userAgent": "events.sh"}))
    values["USERS_2FA_HASH"] = json.loads(text)["data"]["sessionHash"]
    values["USERS_2FA_CODE"] = mail_match(f"{e}@example.com", r"login code is (\d{6})")
    return values


def placeholders(text):
    return sorted(set(re.findall(r"\{\{([A-Z0-9_]+)\}\}", text)))


def filled(rel, values):
    """The event's text with every placeholder filled, or the names left.
    A placeholder this script does not make can come from the environment
    (`NAME=value scripts/events.sh ...`)."""
    text = open(os.path.join(EVENTS, rel)).read()
    for name in placeholders(text):
        value = os.environ.get(name, values.get(name))
        if value is not None:
            text = text.replace("{{" + name + "}}", value)
    return text, placeholders(text)


def replay(rel, text):
    event = json.loads(text)
    http_ctx = event["requestContext"]["http"]
    path = event.get("rawPath") or http_ctx["path"]
    if event.get("rawQueryString"):
        path += "?" + event["rawQueryString"]
    headers = {k: v for k, v in (event.get("headers") or {}).items()
               if k.lower() not in ("host", "content-length")}
    if event.get("cookies"):
        headers["cookie"] = "; ".join(event["cookies"])
    body = event.get("body")
    if body is not None and event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    return http(http_ctx["method"], path, body, headers)


def event_files():
    return sorted(json.load(open(os.path.join(EVENTS, "expected.json"))))


def main(args):
    expected = json.load(open(os.path.join(EVENTS, "expected.json")))
    if args[:1] == ["--fill"]:
        for name, value in fill().items():
            print(f"{name}={value}")
        return 0
    if args[:1] == ["--print"]:
        if len(args) != 2:
            sys.exit("usage: scripts/events.sh --print GROUP/EVENT.json")
        text, left = filled(args[1].removeprefix("events/"), fill())
        if left:
            sys.exit(f"events: set {', '.join(left)} in the environment to fill {args[1]}")
        print(text)
        return 0
    wanted = [a.removeprefix("events/") for a in args] or event_files()
    for rel in wanted:
        if rel not in expected:
            sys.exit(f"events: no events/{rel} (see events/expected.json for the list)")
    values = fill()
    broken = 0
    skipped = 0
    for rel in wanted:
        event, left = filled(rel, values)
        if left:
            skipped += 1
            print(f"- ---  {rel}   (skipped: set {', '.join(left)} in the environment to fill it)")
            continue
        status, _, text = replay(rel, event)
        seeded = expected[rel]
        mark = "  " if status == seeded else "~ "
        if status >= 500:
            mark, broken = "! ", broken + 1
        note = "" if status == seeded else f"   (tests' seeded table: {seeded})"
        print(f"{mark}{status}  {rel}{note}")
        print("      " + " ".join(text.split())[:200])
    print(f"events: replayed {len(wanted) - skipped} of {len(wanted)} against {API}; '~' differs from the tests' seeded table "
          "(events/README.md says which and why), '!' is a server error", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
