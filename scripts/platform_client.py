"""A client of a running stack, for the scripts that drive one over HTTP
(scripts/fuzz_credentials.py, tools/bench/scripts/follow-burst.py): JSON and
form requests that never follow redirects, a cookie session from
`POST /user/login`, and an access token from the authorization-code grant
with PKCE. Standard library only."""

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(base, method, path, body=None, headers=None, form=False, timeout=30):
    """(status, headers, parsed JSON body or None) of one request."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        res = OPENER.open(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        res = e
    text = res.read().decode()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return res.status, res.headers, parsed


def session(result):
    """The `sid` cookie a successful `POST /user/login` answer sets."""
    _, headers, _ = result
    return headers.get("set-cookie", "").split(";", 1)[0].split("=", 1)[1]


def access_token(base, sid, client_id, scope, redirect, fail):
    """Tokens (the token endpoint's JSON) for the session's user; `fail`
    gets a message and must not return when a step is refused."""
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect,
        "scope": scope, "state": "script", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    status, headers, body = call(base, "GET", f"/oauth/authorize?{query}", headers={"cookie": f"sid={sid}"})
    if status != 302:
        fail(f"authorize answered {status}: {body}")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(headers["location"]).query)["code"][0]
    status, _, tokens = call(base, "POST", "/oauth/token", {
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "redirect_uri": redirect, "code_verifier": verifier}, form=True)
    if status >= 400:
        fail(f"token exchange answered {status}: {tokens}")
    return tokens
