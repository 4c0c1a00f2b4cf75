"""Signing in through a social network, as people do it: the sign-in
page's "Sign in with OpenID Connect" (make dev's network at a real OpenID
provider, oidc-provider-mock), the provider's own form, and back.

Registration, signing in again, unlinking and linking from the account
page; a network closed to registration, a disabled one, a tampered
`state`, an `id_token` for another sign-in's nonce and a response naming
another issuer, each refused on a page that says why.
"""

import json
import os
import subprocess
import urllib.parse
import urllib.request

from common import BASE, check

PLATFORM = os.environ["PLATFORM"]
IDP = os.environ["IDP"]


def vouch(sub, email):
    """The provider will assert `email`, verified, for `sub`."""
    body = json.dumps({"email": email, "email_verified": True, "name": "Robin Vale"}).encode()
    req = urllib.request.Request(f"{IDP}/users/{urllib.parse.quote(sub)}", data=body, method="PUT",
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req).close()


def at_provider(page, sub):
    """On the provider's form: `sub` authorizes."""
    page.wait_for_url(f"{IDP}/**")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def network_api(method, path, body=None):
    """The Social Networks API with a key made for the call."""
    out = subprocess.run([PLATFORM, "api-key", "create", "--name", "browser", "--permissions", "read,write"],
                         check=True, capture_output=True, text=True).stdout
    key = json.loads(out.strip().splitlines()[-1])["key"]
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{BASE}/api/social-networks{path}", data=data, method=method,
                                 headers={"x-api-key": key, "content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def scenario_network_sign_up_link_unlink(browser, n):
    sub = f"robin.{n}@example.com"
    vouch(sub, sub)
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{BASE}/signin")
    check(page, "signin-with-networks")
    page.get_by_role("link", name="Sign in with OpenID Connect").click()
    at_provider(page, sub)
    page.wait_for_url(f"{BASE}/account")
    check(page, "account-networks")
    assert "linked" in page.locator("#networks-h + ul").inner_text()

    # Another browser signs in again through the network: the same account.
    other = browser.new_context(bypass_csp=True).new_page()
    other.goto(f"{BASE}/signin")
    other.get_by_role("link", name="Sign in with OpenID Connect").click()
    at_provider(other, sub)
    other.wait_for_url(f"{BASE}/account")
    assert sub in other.content()

    page.get_by_role("button", name="Unlink OpenID Connect").click()
    page.wait_for_url("**/account?**notice=network_unlinked**")
    check(page, "account-network-unlinked")
    page.get_by_role("button", name="Link OpenID Connect").click()
    at_provider(page, sub)
    page.wait_for_url("**/account?**notice=network_linked**")
    assert "Unlink" in page.locator("#networks-h + ul").inner_text()


def refused(page, name, words):
    page.wait_for_selector("p[role=alert]")
    text = page.locator("p[role=alert]").inner_text()
    assert words in text, (name, text)
    check(page, name)


def scenario_network_refusals(browser, n):
    page = browser.new_context(bypass_csp=True).new_page()

    # A tampered state: the provider's answer is not this browser's sign-in.
    page.goto(f"{BASE}/signin")
    page.get_by_role("link", name="Sign in with OpenID Connect").click()
    page.wait_for_url(f"{IDP}/**")
    redirect = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["redirect_uri"][0]
    page.goto(f"{redirect}?code=forged&state=tampered")
    refused(page, "network-tampered-state", "not started in this browser")

    # An id_token bound to another sign-in's nonce.
    page.goto(f"{BASE}/signin")
    page.get_by_role("link", name="Sign in with OpenID Connect").click()
    page.wait_for_url(f"{IDP}/**")
    url = urllib.parse.urlparse(page.url)
    query = dict(urllib.parse.parse_qsl(url.query))
    query["nonce"] = "another-sign-ins-nonce"
    page.goto(url._replace(query=urllib.parse.urlencode(query)).geturl())
    at_provider(page, f"nonce.{n}@example.com")
    refused(page, "network-wrong-nonce", "could not be trusted")

    # A response naming another issuer (RFC 9207).
    page.goto(f"{BASE}/signin")
    page.get_by_role("link", name="Sign in with OpenID Connect").click()
    page.wait_for_url(f"{IDP}/**")
    answer = page.request.post(page.url, form={"sub": f"issuer.{n}@example.com"}, max_redirects=0)
    page.goto(answer.headers["location"] + "&iss=https%3A%2F%2Fevil.example")
    refused(page, "network-wrong-issuer", "could not be trusted")

    # A network closed to registration, then turned off.
    settings = json.dumps({"keys": {"client_id": "closed", "client_secret": "closed-network-secret", "authorization_endpoint": f"{IDP}/oauth2/authorize",
                                    "token_endpoint": f"{IDP}/oauth2/token", "userinfo_endpoint": f"{IDP}/userinfo",
                                    "scope": "openid email"}})
    created = network_api("POST", "", {"key": "oauth2", "settings": settings, "icon": "x",
                                       "allow_to_register": False, "enabled": True})
    closed = created["social_network"]["id"]
    try:
        page.goto(f"{BASE}/signin")
        page.get_by_role("link", name="Sign in with OAuth 2.0").click()
        at_provider(page, f"closed.{n}@example.com")
        refused(page, "network-registration-closed", "cannot be used to create new accounts")
        network_api("PATCH", f"/{closed}/toggle")
        page.goto(f"{BASE}/signin/network/{closed}")
        refused(page, "network-disabled", "turned off")
    finally:
        network_api("DELETE", f"/{closed}")
