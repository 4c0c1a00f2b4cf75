"""The values of the events' {{PLACEHOLDERS}}, made in the running stack.

Each placeholder has a maker (registered with @makes) that creates what the
event needs through the HTTP APIs and the `platform` CLI: its own users,
sites, networks, clients, codes and tokens, with new names on every run, so
that the events answer as events/expected.json says on any stack, fresh or
used. Only what the chosen events name is made (`need`).
events/README.md lists the placeholders; tests/tests/api/events.rs fills the
same names from the tests' seed.
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

API = os.environ.get("API", "http://127.0.0.1:3000").rstrip("/")
EMULATOR = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
PLATFORM = os.environ["PLATFORM_BIN"]
PASSWORD = "events-pass"  # the password the event bodies send
MODERATOR_PASSWORD = "moderator-pass"  # accounts/auth.json's
LINK_CODE = r"([a-z0-9]{3}(?:-[a-z0-9]{3}){5})"
REDIRECT = "http://127.0.0.1/events-callback"
# The events' OAuth client (oauth/*): its redirect URI and RFC 7636
# appendix B's PKCE pair, which the files carry.
CLIENT_REDIRECT = "https://client.example.com/callback"
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
USERS_SCOPES = "delegated:profile:read delegated:profile:write admin:profile:write delegated:roles:read"
SOCIAL_SCOPES = ("delegated:profile:read delegated:profile:write delegated:profile:search "
                 "delegated:social:block:write delegated:social:follow:read "
                 "delegated:social:follow:write delegated:social:invite-code:read")
# functions/socialnetworks/src/network_key.rs: a network's key is one of
# these and unique, so each run takes free ones and gives them back (cleanup).
NETWORK_KEYS = ["steam", "discord", "vk", "twitch", "github", "gitlab", "reddit", "spotify",
                "telegram", "twitter", "yandex", "mailru", "apple", "battlenet", "bitbucket",
                "epicgames", "facebook", "google", "instagram", "linkedin", "microsoft",
                "odnoklassniki"]
# The account id socialnetworks/authorize.json sends (scoped by the
# network each run makes, so it can stay fixed).
LINKED_ACCOUNT = "76561198000000001"

MAKERS = {}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method, path, body=None, headers=None, form=False):
    """(status, headers, body text); `body` is JSON unless `form`."""
    headers = dict(headers or {})
    data = None
    if isinstance(body, (bytes, str)):
        data = body.encode() if isinstance(body, str) else body
    elif body is not None and form:
        data = urllib.parse.urlencode(body).encode()
        headers.setdefault("content-type", "application/x-www-form-urlencoded")
    elif body is not None:
        data = json.dumps(body).encode()
        headers.setdefault("content-type", "application/json")
    url = path if path.startswith("http") else API + path
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=30) as res:
            return res.status, res.headers, res.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(errors="replace")


def makes(*names):
    def register(maker):
        for name in names:
            MAKERS[name] = maker
        return maker
    return register


def log(what):
    print(f"events: {what}", file=sys.stderr)


def need(values, name):
    """The value of placeholder `name`, made (with the ones made beside it)
    if `values` does not hold it yet; None if nothing makes it."""
    if name not in values and name in MAKERS:
        MAKERS[name](values)
    return values.get(name)


def must(what, result, ok=(200, 201)):
    status, _, text = result
    if status not in ok:
        sys.exit(f"events: {what} answered {status}: {text[:300]}")
    return json.loads(text) if text.strip().startswith(("{", "[")) else text


def platform(*args):
    """What `platform ARGS` prints, parsed (every command prints JSON)."""
    out = subprocess.run([PLATFORM, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"events: platform {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def mails(address):
    q = urllib.parse.urlencode({"to": address})
    return json.loads(http("GET", f"{EMULATOR}/_emulator/ses/messages?{q}")[2])


def mail_match(address, pattern, seen=0, deadline=10.0):
    """The first group of `pattern` in the newest email to `address` that
    matches it, among those after the first `seen`, waiting for one (mail
    leaves through an outbox, a moment after the request)."""
    end = time.time() + deadline
    while True:
        for message in reversed(mails(address)[seen:]):
            found = re.search(pattern, message.get("body") or "")
            if found:
                return found.group(1)
        if time.time() > end:
            sys.exit(f"events: no email to {address} matching {pattern} after {deadline:.0f} s")
        time.sleep(0.2)


@makes("RUN")
def run_suffix(values):
    """A suffix no earlier run used, for the names the creates send (short:
    the Accounts API takes usernames of up to 16 characters)."""
    values["RUN"] = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=6))


def name(values, role):
    return f"ev{role}_{need(values, 'RUN')}"


def account(values, role, password=PASSWORD):
    """A user made through the Accounts API: {"id", "token", "username", ...}."""
    user = name(values, role)
    return must(f"creating {user}", http("POST", "/api/v1/accounts/", {
        "username": user, "password": password, "firstName": "Event",
        "lastName": "Replay", "email": f"{user}@example.com"}), ok=(201,))["result"]


def verified(values, role):
    """A user made through the Users API, its address verified (what a
    password reset and the 2FA email need): its `platform user show`."""
    code = signed_up(values, role)
    must(f"verifying {name(values, role)}", http("POST", "/user/verify-email", {"code": code}))
    return platform("user", "show", name(values, role))


def signed_up(values, role):
    """A sign-up through the Users API; returns its verification code."""
    user = name(values, role)
    must(f"POST /user/create {user}", http("POST", "/user/create", {
        "username": user, "firstName": "Event", "lastName": "Replay",
        "email": f"{user}@example.com", "password": PASSWORD}))
    return mail_match(f"{user}@example.com", LINK_CODE)


def seq(username):
    """The integer id (the App Users and Social Networks APIs' user_id)."""
    return str(platform("user", "show", username)["id"])


def login(username, password=PASSWORD):
    status, headers, text = http("POST", "/user/login", {
        "username": username, "password": password, "userAgent": "events.sh"})
    for cookie in headers.get_all("set-cookie") or []:
        if status == 200 and cookie.startswith("sid="):
            return cookie.split(";", 1)[0][len("sid="):]
    sys.exit(f"events: login of {username} answered {status} with no session: {text[:300]}")


def oauth_client(label, scopes, redirect=REDIRECT):
    """A first-party public client (its codes need no consent)."""
    return platform("oauth-client", "create", "--name", f"events-{label}", "--type", "public",
                    "--first-party", "--redirect-uri", redirect, "--scopes", scopes)["client_id"]


def auth_code(session, client, scopes, redirect=REDIRECT, challenge=None):
    """A code of `client` for `session`'s user; `challenge` defaults to a
    fresh S256 PKCE pair. Returns (code, verifier)."""
    verifier = None
    if challenge is None:
        verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client, "redirect_uri": redirect,
        "scope": scopes, "state": "events", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    status, headers, text = http("GET", f"/oauth/authorize?{query}", headers={"cookie": f"sid={session}"})
    location = headers.get("location") or ""
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code")
    if status != 302 or not code:
        sys.exit(f"events: authorize answered {status} {location} {text[:300]}")
    return code[0], verifier


def tokens(client, code, verifier, redirect=REDIRECT):
    return must("token exchange", http("POST", "/oauth/token", {
        "grant_type": "authorization_code", "code": code, "client_id": client,
        "redirect_uri": redirect, "code_verifier": verifier}, form=True))


def access_token(values, username, scopes):
    """A bearer token of `username` with `scopes`, through the OAuth flow."""
    client = oauth_client(username, scopes)
    return tokens(client, *auth_code(login(username), client, scopes))["access_token"]


def bearer(token):
    return {"authorization": f"Bearer {token}"}


@makes("API_KEY")
def api_key(values):
    log("an API key (platform api-key create)")
    values["API_KEY"] = platform("api-key", "create", "--name", name(values, "key"),
                                 "--permissions", "read,write")["key"]


@makes("ACCOUNTS_TOKEN", "ACCOUNTS_MODERATOR", "ACCOUNTS_OTHER", "ACCOUNTS_OTHER_ID")
def accounts(values):
    log("a moderator (platform set-role) and a ghost, through the Accounts API")
    moderator = account(values, "mod", MODERATOR_PASSWORD)
    platform("set-role", "--username", moderator["username"], "--role", "moderator")
    other = account(values, "ghost")
    values.update(ACCOUNTS_TOKEN=moderator["token"], ACCOUNTS_MODERATOR=moderator["username"],
                  ACCOUNTS_OTHER=other["username"], ACCOUNTS_OTHER_ID=other["id"])


@makes("USERS_USERNAME", "USERS_EMAIL", "USERS_SESSION", "USERS_SESSION_LOGOUT",
       "USERS_ACCESS_TOKEN", "USERS_SOCIAL_TOKEN", "users_a_id")
def users_a(values):
    log("user A of the Users API: two sessions, a token of its scopes and one of the social scopes")
    a = account(values, "a")
    user = a["username"]
    values.update(USERS_USERNAME=user, USERS_EMAIL=f"{user}@example.com", users_a_id=a["id"],
                  USERS_SESSION=login(user), USERS_SESSION_LOGOUT=login(user),
                  USERS_ACCESS_TOKEN=access_token(values, user, USERS_SCOPES),
                  USERS_SOCIAL_TOKEN=access_token(values, user, SOCIAL_SCOPES))


@makes("USERS_SESSION_B", "USERS_OTHER_ID")
def users_b(values):
    log("user B (looked up, followed; logout-all ends its session)")
    b = account(values, "b")
    values.update(USERS_SESSION_B=login(b["username"]), USERS_OTHER_ID=b["id"])


@makes("USERS_FOLLOW_REQUEST", "USERS_FOLLOW_ENTRY", "USERS_BLOCK_ID")
def follow_requests(values):
    log("A private, and two follow requests to A (one accepted, one deleted; its sender blocked)")
    token, a_id = need(values, "USERS_SOCIAL_TOKEN"), need(values, "users_a_id")
    must("POST /user/private", http("POST", "/user/private", {"state": True}, bearer(token)))
    followers = [account(values, role) for role in ("fa", "fb")]
    for f in followers:
        follower = access_token(values, f["username"], SOCIAL_SCOPES)
        must("POST /user/follow", http("POST", "/user/follow", {"target": a_id}, bearer(follower)))
    records = must("GET /user/follow-requests",
                   http("GET", "/user/follow-requests", headers=bearer(token)))["data"]["records"]
    entry = {r["source"]["_id"]: r["_id"] for r in records}
    values.update(USERS_FOLLOW_REQUEST=entry[followers[0]["id"]], USERS_BLOCK_ID=followers[0]["id"],
                  USERS_FOLLOW_ENTRY=entry[followers[1]["id"]])


@makes("USERS_RESET_CODE")
def reset_code(values):
    log("a password reset code (a verified user C, GET /user/code, then its email)")
    email = verified(values, "c")["email"]
    seen = len(mails(email))
    must("GET /user/code", http("GET", "/user/code?" + urllib.parse.urlencode({"email": email})))
    values["USERS_RESET_CODE"] = mail_match(email, LINK_CODE, seen)


@makes("USERS_VERIFY_CODE")
def verify_code(values):
    log("a verification code (POST /user/create of user D, then its email)")
    values["USERS_VERIFY_CODE"] = signed_up(values, "d")


@makes("USERS_2FA_HASH", "USERS_2FA_CODE", "USERS_2FA_USER")
def two_factor(values):
    log("a 2FA challenge (2FA on for a verified user E, then a login and its email)")
    e = verified(values, "e")
    must("POST /user/2fa/enable", http("POST", "/user/2fa/enable", {"password": PASSWORD},
                                      headers={"cookie": f"sid={login(e['username'])}"}))
    seen = len(mails(e["email"]))
    challenge = must("2FA login", http("POST", "/user/login", {
        "username": e["username"], "password": PASSWORD, "userAgent": "events.sh"}))
    values.update(USERS_2FA_USER=e["_id"], USERS_2FA_HASH=challenge["data"]["sessionHash"],
                  USERS_2FA_CODE=mail_match(e["email"], r"login code is (\d{6})", seen))


@makes("OAUTH_CLIENT_ID", "OAUTH_SESSION", "OAUTH_CODE", "OAUTH_REFRESH_TOKEN", "OAUTH_REVOKE_TOKEN")
def oauth(values):
    log("an OAuth client (platform oauth-client create), a session, a code and two refresh tokens")
    session = login(account(values, "o")["username"])
    client = oauth_client(name(values, "client"), "delegated:profile:read delegated:profile:write",
                          CLIENT_REDIRECT)

    def code():
        return auth_code(session, client, "delegated:profile:read", CLIENT_REDIRECT, RFC_CHALLENGE)[0]

    def refresh():
        return tokens(client, code(), RFC_VERIFIER, CLIENT_REDIRECT)["refresh_token"]
    values.update(OAUTH_CLIENT_ID=client, OAUTH_SESSION=session, OAUTH_CODE=code(),
                  OAUTH_REFRESH_TOKEN=refresh(), OAUTH_REVOKE_TOKEN=refresh())


@makes("SITE_ID", "SITES_ADMIN_TOKEN", "SITES_GUEST_TOKEN", "SITES_INVITATION",
       "SITES_INVITATION_DELETE", "SITES_LINK")
def sites(values):
    log("a shop (platform site create), its admin and a guest, three invitations")
    admin, guest = (account(values, role)["username"] for role in ("sadmin", "sguest"))
    run = need(values, "RUN")
    site = platform("site", "create", "--title", f"Events {run}", "--type", "shop",
                    "--url", f"https://events-{run}.example.com", "--admin", admin)["id"]
    token = access_token(values, admin, "user_sites")
    made = [must(f"adding invitation {identifier}", http(
        "POST", f"/unet/sites/{site}/invitations/add/", {"identifier": identifier, "label": "Events"},
        bearer(token)), ok=(201,)) for identifier in ("+14155550100", "+14155550101", "vk:events_guest")]
    values.update(SITE_ID=str(site), SITES_ADMIN_TOKEN=token,
                  SITES_GUEST_TOKEN=access_token(values, guest, "user_sites"),
                  SITES_INVITATION=str(made[0]["id"]), SITES_INVITATION_DELETE=str(made[1]["id"]),
                  SITES_LINK=made[2]["link"].rsplit("/", 1)[1])


@makes("APP_SESSION", "APP_SESSION_LOGOUT", "APP_USERNAME", "APP_EMAIL", "APP_USER_ID",
       "APP_OTHER_ID", "APP_NOTIFICATION_ID")
def app_users(values):
    log("App Users API users A (two sessions, a notification) and B (banned, forced out)")
    a, b = (account(values, role)["username"] for role in ("pa", "pb"))
    session = login(a)
    a_seq = seq(a)
    must("POST /api/user/notification/", http("POST", "/api/user/notification/", {
        "user_id": a_seq, "title": "Events", "message": "A notification", "type": "campaign"},
        {"x-api-key": need(values, "API_KEY")}, form=True))
    history = must("notifications history", http("POST", "/api/get/notifications/history/", {
        "page": 1, "limit": 1}, {"cookie": f"sid={session}"}, form=True))
    values.update(APP_SESSION=session, APP_SESSION_LOGOUT=login(a), APP_USERNAME=a,
                  APP_EMAIL=f"{a}@example.com", APP_USER_ID=a_seq, APP_OTHER_ID=seq(b),
                  APP_NOTIFICATION_ID=str(history["notifications"][0]["id"]))


NETWORK_SETTINGS = json.dumps({"keys": {"client_id": "events", "client_secret": "events-secret"}})


def network_headers(values):
    return {"x-api-key": need(values, "API_KEY")}


def network_ids(values):
    """{key: id} of every network the stack holds."""
    listed = must("listing networks", http("GET", "/api/social-networks?page=1&per_page=100",
                                           headers=network_headers(values)))
    return {n["key"]: n["id"] for n in listed["social_networks"]}


@makes("NETWORK_ID", "NETWORK_KEY", "NETWORK_DELETE_ID", "NETWORK_NEW_KEY", "NETWORK_USER",
       "NETWORK_LINKED_USER")
def networks(values):
    log("two networks on free keys, a third key free, users to link (one linked)")
    h = network_headers(values)
    free = [k for k in NETWORK_KEYS if k not in network_ids(values)]
    if len(free) < 3:
        sys.exit("events: fewer than 3 social network keys are free: delete some networks")
    made = [must(f"creating network {key}", http("POST", "/api/social-networks", {
        "key": key, "settings": NETWORK_SETTINGS, "cooldown_time": 3600, "allow_to_register": True,
        "icon": "<svg>...</svg>", "enabled": True}, h), ok=(201,))["social_network"]["id"]
        for key in free[:2]]
    linked, other = (seq(account(values, role)["username"]) for role in ("n1", "n2"))
    must("linking a user", http("POST", f"/api/social-networks/{made[0]}/links", {
        "user_id": int(linked), "value": LINKED_ACCOUNT, "login": "john123", "name": "John Doe",
        "url": f"https://steamcommunity.com/profiles/{LINKED_ACCOUNT}"}, h), ok=(201,))
    values.update(NETWORK_ID=str(made[0]), NETWORK_KEY=free[0], NETWORK_DELETE_ID=str(made[1]),
                  NETWORK_NEW_KEY=free[2], NETWORK_LINKED_USER=linked, NETWORK_USER=other)


def cleanup(values):
    """Gives back what a replay took for good: the network keys (a network
    goes once its users are unlinked). Run after the events."""
    if "NETWORK_ID" not in values:
        return
    h = network_headers(values)
    ids = network_ids(values)
    first = values["NETWORK_ID"]
    for user in (values["NETWORK_USER"], values["NETWORK_LINKED_USER"]):
        http("DELETE", f"/api/social-networks/{first}/links/{user}", headers=h)
    made = {ids.get(values["NETWORK_KEY"]), ids.get(values["NETWORK_NEW_KEY"]),
            int(values["NETWORK_DELETE_ID"])}
    for network in made & set(ids.values()):
        http("DELETE", f"/api/social-networks/{network}", headers=h)


def fill(names):
    """The values of `names` (and of what they are made with)."""
    values = {}
    for placeholder in names:
        need(values, placeholder)
    return values
