"""A third-party client and a site invitation, as people meet them.

The relying party is authlib (a registry library nobody here wrote): it
builds the authorization request (PKCE, state, nonce), redeems the code
and validates the id_token's signature and OIDC claims. Its redirect
URIs are a small HTTP server of the test's own, on a free loopback port.
"""

import json
import os
import subprocess
import threading
import time
import urllib.parse
import urllib.error
import urllib.request
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from common import BASE, PASSWORD, check, fill_sign_in, mail_link, set_up_totp, sign_in, sign_out, sign_up, totp

# authlib 1.9 points authlib.jose users at joserfc; CodeIDToken (the OIDC
# claim rules) still lives on authlib.jose until 2.0.
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from authlib.oidc.core import CodeIDToken  # noqa: E402

PLATFORM = os.environ["PLATFORM"]


class RelyingParty(BaseHTTPRequestHandler):
    """The app's redirect URIs: a page that says where the browser landed."""

    def do_GET(self):
        body = b"<!doctype html><html lang=en><title>RP</title><h1>Back at the app</h1></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


_server = ThreadingHTTPServer(("127.0.0.1", 0), RelyingParty)
threading.Thread(target=_server.serve_forever, daemon=True).start()
RP = f"http://127.0.0.1:{_server.server_address[1]}"
SCOPE = "openid profile email user_sites"


def platform(*args):
    """The operator CLI's answer (its last JSON line)."""
    out = subprocess.run([PLATFORM, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def get_json(url, token=None, body=None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers)) as r:
        return json.load(r)


def id_claims(token, meta, client_id, nonce):
    jwks = JsonWebKey.import_key_set(get_json(meta["jwks_uri"]))
    claims = jwt.decode(
        token["id_token"],
        jwks,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": meta["issuer"]}},
        claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate()
    return claims


def scenario_third_party(browser, n):
    """authorize → sign in → TOTP → consent → code → tokens → id_token,
    and the app on the account page. Returns the page, the provider's
    metadata, the user and the tokens (for the invitation's admin, then
    the relying party's logout)."""
    client = platform(
        "oauth-client", "create", "--name", "Photo Book", "--type", "confidential",
        "--redirect-uri", f"{RP}/cb", "--post-logout-redirect-uri", f"{RP}/bye", "--scopes", SCOPE)
    meta = get_json(f"{BASE}/.well-known/openid-configuration")
    name, email = f"pwo_{n}", f"pwo.{n}@example.com"
    page = browser.new_context(bypass_csp=True).new_page()
    sign_up(page, name, email)
    sign_in(page, name, PASSWORD)
    page.wait_for_url("**/account")
    secret = set_up_totp(page)
    sign_out(page)

    rp = OAuth2Session(client["client_id"], client["client_secret"], redirect_uri=f"{RP}/cb",
                       scope=SCOPE, code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = rp.create_authorization_url(meta["authorization_endpoint"],
                                             code_verifier=verifier, nonce=nonce)
    page.goto(url)
    page.wait_for_url("**/signin?**")
    check(page, "signin-for-client")
    fill_sign_in(page, email, PASSWORD)
    page.wait_for_selector("input[name=challenge]", state="attached")
    page.get_by_label("Code").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/consent?**")
    check(page, "consent")
    assert "Photo Book" in page.locator("main").inner_text()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{RP}/cb?**")
    assert f"state={state}" in page.url, page.url

    token = rp.fetch_token(meta["token_endpoint"], authorization_response=page.url,
                           code_verifier=verifier)
    claims = id_claims(token, meta, client["client_id"], nonce)
    assert claims["acr"] == "urn:platform:acr:mfa" and "otp" in claims["amr"], claims
    assert claims["sid"] and claims["at_hash"], claims
    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["email"] == email, info

    page.goto(f"{BASE}/account")
    check(page, "account-apps")
    assert "Photo Book" in page.locator("ul.apps").inner_text()

    return page, meta, name, token


def scenario_invitation(browser, n, admin, token):
    """A site's admin invites by email; the invitee opens the link signed
    out, signs in from the page, comes back and accepts."""
    site = platform("site", "create", "--title", "Browser Club", "--type", "community",
                    "--url", "https://club.example.com", "--admin", admin)
    guest, email = f"pwi_{n}", f"pwi.{n}@example.com"
    page = browser.new_context(bypass_csp=True).new_page()
    sign_up(page, guest, email)
    get_json(f"{BASE}/unet/sites/{site['id']}/invitations/add/", token,
             {"identifier": email, "label": "Club night"})
    # The invitation email's link opens the invitation page.
    invite_url = mail_link(email, "/join/")
    link = invite_url.split("/join/", 1)[1]
    page.goto(invite_url)
    check(page, "join-signed-out")
    assert "Browser Club" in page.locator("main").inner_text()
    page.get_by_role("link", name="Sign in to accept").click()
    page.wait_for_url("**/signin?**")
    fill_sign_in(page, guest, PASSWORD)
    page.wait_for_url(f"**/join/{link}")
    check(page, "join")
    page.get_by_role("button", name="Accept the invitation").click()
    page.get_by_text("You are now a member of").wait_for()
    check(page, "joined")
    members = get_json(f"{BASE}/unet/sites/{site['id']}/info/", token)["members_count"]
    assert members == 2, members


def scenario_rp_logout(page, meta, token):
    """The relying party signs the user out: the session and the grants
    made through it end, and the browser goes back to the app."""
    query = urllib.parse.urlencode({"id_token_hint": token["id_token"],
                                    "post_logout_redirect_uri": f"{RP}/bye", "state": "bye-1"})
    page.goto(f"{meta['end_session_endpoint']}?{query}")
    page.wait_for_url(f"{RP}/bye?**")
    assert "state=bye-1" in page.url, page.url
    page.goto(f"{BASE}/account")
    page.wait_for_url("**/signin?return_to=%2Faccount**")
    try:
        get_json(meta["userinfo_endpoint"], token["access_token"])
        raise AssertionError("the access token outlived the logout")
    except urllib.error.HTTPError as e:
        assert e.code == 401, e.code
