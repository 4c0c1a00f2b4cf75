"""Real credentials for scripts/fuzz.sh, against its private stack.

    fuzz_credentials.py BASE_URL PLATFORM_BIN OUT_DIR

Creates, through the APIs and the operator CLI: users (Accounts API, so no
email step) with a cookie session each, an OAuth client with every scope
and access tokens from the authorization-code grant, an API key with
read and write, a social network, a site with an invitation. Writes one
schemathesis config per surface, OUT_DIR/<surface>.toml (real path, query
and body values, tried beside generated ones), and the header sets the
passes send, OUT_DIR/<name>.headers (one `Name: value` a line).
"""

import json
import os
import secrets
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import platform_client  # noqa: E402

BASE, PLATFORM, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
REDIRECT = "http://127.0.0.1:8080/cb"
PASSWORD = "s3cret-pass"
SCOPES = [
    "delegated:profile:read", "delegated:profile:write", "admin:profile:write",
    "delegated:roles:read", "delegated:profile:search", "delegated:social:block:write",
    "delegated:social:follow:read", "delegated:social:follow:write",
    "delegated:social:invite-code:read", "user_sites",
]


def call(method, path, body=None, headers=None, form=False):
    """(status, headers, parsed JSON body or None)."""
    return platform_client.call(BASE, method, path, body, headers, form)


def ok(result, what):
    status, headers, body = result
    if status >= 400:
        sys.exit(f"fuzz credentials: {what} answered {status}: {body}")
    return status, headers, body


def platform(*args):
    out = subprocess.run([PLATFORM, *args], check=True, capture_output=True, text=True)
    return out.stdout


def account(username):
    """A user made through the Accounts API, and its ids (platform user show)."""
    ok(call("POST", "/api/v1/accounts/", {
        "username": username, "password": PASSWORD, "firstName": "Fuzz",
        "lastName": "Tester", "email": f"{username}@example.com"}), f"create {username}")
    return json.loads(platform("user", "show", username))


def session(username):
    return platform_client.session(ok(call("POST", "/user/login", {
        "username": username, "password": PASSWORD, "userAgent": "fuzz"}), f"login {username}"))


def access_token(sid, client_id):
    return platform_client.access_token(
        BASE, sid, client_id, " ".join(SCOPES), REDIRECT,
        lambda why: sys.exit(f"fuzz credentials: {why}"))


def social(users_tokens, sites_tokens, app_tokens, ids):
    """Follow entries, so the lists have records: the sites user follows the
    users user, who follows the sites user back, goes private and has a
    pending request from the app user. Answers the request's and the
    following entry's ids."""
    def as_(tokens):
        return {"Authorization": f"Bearer {tokens['access_token']}"}
    def follow(tokens, whom):
        ok(call("POST", "/user/follow", {"target": ids[whom]["_id"]}, as_(tokens)), "follow")
    follow(sites_tokens, "users")
    follow(users_tokens, "sites")
    ok(call("POST", "/user/private", {"state": True}, as_(users_tokens)), "private")
    follow(app_tokens, "users")
    first = lambda path: ok(call("GET", path, headers=as_(users_tokens)), path)[2]["data"]["records"][0]["_id"]
    return first("/user/follow-requests"), first("/user/following")


def toml_value(v):
    return json.dumps(v)  # a JSON string or number is a TOML one


def write(surface, bindings):
    """bindings: {"path.token": [values…]}, each tried beside generated values."""
    lines = []
    for i, values in enumerate(bindings.values()):
        lines += [f"[dictionaries.d{i}]", f"values = [{', '.join(toml_value(v) for v in values)}]"]
    lines.append("[parameters]")
    for i, key in enumerate(bindings):
        lines.append(f'{toml_value(key)} = {{ dictionary = "d{i}", probability = 0.8 }}')
    with open(f"{OUT}/{surface}.toml", "w") as f:
        f.write("\n".join(lines) + "\n")


def headers(name, values):
    """One `Name: value` a line, for schemathesis's -H."""
    with open(f"{OUT}/{name}.headers", "w") as f:
        f.write("".join(f"{k}: {v}\n" for k, v in values.items()))


def people():
    """The users, their sessions and tokens (one OAuth client with every scope)."""
    suffix = secrets.token_hex(3)
    names = {k: f"fz{k}_{suffix}" for k in ("acct", "other", "users", "sites", "app")}
    ids = {k: account(v) for k, v in names.items()}
    platform("set-role", "--username", names["acct"], "--role", "moderator")
    _, _, auth = ok(call("POST", "/api/v1/accounts/auth", {
        "username": names["acct"], "password": PASSWORD}), "accounts auth")
    sids = {k: session(names[k]) for k in ("users", "sites", "app")}
    client = json.loads(platform("oauth-client", "create", "--name", "fuzz", "--type", "public", "--first-party",
                                 "--redirect-uri", REDIRECT, "--scopes", " ".join(SCOPES)))
    tokens = {k: access_token(sids[k], client["client_id"]) for k in sids}
    return {"names": names, "ids": ids, "account_token": auth["result"]["token"], "sids": sids,
            "client_id": client["client_id"], "tokens": tokens}


def things(p):
    """What the operations act on: follow entries, a site and two invitations,
    a network with a linked account, a notification."""
    ids, names = p["ids"], p["names"]
    request, entry = social(p["tokens"]["users"], p["tokens"]["sites"], p["tokens"]["app"], ids)
    key = json.loads(platform("api-key", "create", "--name", "fuzz", "--permissions", "read,write"))["key"]
    site = json.loads(platform("site", "create", "--title", "Fuzz", "--type", "shop",
                               "--url", "https://fuzz.example.com", "--admin", names["sites"]))
    bearer = {"Authorization": f"Bearer {p['tokens']['sites']['access_token']}"}
    invite = f"/unet/sites/{site['id']}/invitations/add/"
    _, _, invitation = ok(call("POST", invite, {
        "identifier": names["other"], "label": "Fuzz"}, bearer), "invitation")
    # A second one for the link: fuzzing the first may delete it.
    _, _, linked = ok(call("POST", invite, {
        "identifier": f"{names['other']}@example.org", "label": "Fuzz"}, bearer), "invitation")
    api_key = {"X-API-Key": key}
    _, _, network = ok(call("POST", "/api/social-networks", {
        "key": "steam", "settings": "{}", "icon": "<svg/>", "cooldown_time": 0}, api_key), "network")
    net_id = network["social_network"]["id"]
    ok(call("POST", f"/api/social-networks/{net_id}/links", {
        "user_id": ids["other"]["id"], "value": "fuzz1", "login": "fuzz", "name": "Fuzz",
        "url": "https://example.com/fuzz"}, api_key), "link")
    ok(call("POST", "/api/user/notification/", {
        "user_id": ids["app"]["id"], "title": "Fuzz", "message": "A notification to list",
        "type": "system", "data": '{"k": 1}'}, api_key, form=True), "notification")
    _, _, webhook = ok(call("POST", "/api/webhooks", {
        "url": "https://hooks.example.com/fuzz", "events": ["*"]}, api_key), "webhook")
    return {"request": request, "entry": entry, "key": key, "site": site["id"],
            "invitation": invitation["id"], "link": linked["link"].rsplit("/", 1)[1],
            "network": net_id, "webhook": webhook["webhook"]["id"]}


def main():
    p = people()
    t = things(p)
    ids, sids = p["ids"], p["sids"]
    write("accounts", {
        "path.token": [p["account_token"]],
        "query.username": [p["names"]["other"]],
        "body.accountId": [ids["other"]["_id"]],
    })
    write("users", {
        "path.userId": [ids["other"]["_id"], ids["users"]["_id"]],
        "body.target": [ids["other"]["_id"]],
        "body.request": [t["request"]],
        "body.entry": [t["entry"]],
    })
    write("oauth", {
        "query.client_id": [p["client_id"]],
        "query.redirect_uri": [REDIRECT],
        "body.client_id": [p["client_id"]],
    })
    write("socialnetworks", {
        "path.id": [t["network"]],
        "path.user_id": [ids["other"]["id"]],
        "body.user_id": [ids["sites"]["id"]],
        "body.value": ["fuzz1"],
    })
    write("sites", {"path.site": [t["site"]], "path.id": [t["invitation"]], "path.link": [t["link"]]})
    write("app", {"body.user_id": [ids["other"]["id"]]})
    write("webhooks", {"path.id": [t["webhook"]]})
    write("passkeys", {})
    bearer = lambda who: f"Bearer {p['tokens'][who]['access_token']}"
    headers("none", {})
    headers("users", {"Authorization": bearer("users"), "Cookie": f"sid={sids['users']}"})
    headers("oauth", {"Cookie": f"sid={sids['users']}"})
    headers("key", {"X-API-Key": t["key"]})
    headers("sites", {"Authorization": bearer("sites"), "Cookie": f"sid={sids['sites']}"})
    headers("app", {"Cookie": f"sid={sids['app']}"})
    headers("app_key", {"Cookie": f"sid={sids['app']}", "X-API-Key": t["key"]})


main()
