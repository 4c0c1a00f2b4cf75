"""Passkeys on the hosted pages in a real Chromium, with Chrome's virtual
authenticator (the DevTools protocol's WebAuthn domain): a platform
authenticator with resident keys that verifies its user, as a phone or
laptop's screen lock does.

WebAuthn refuses IP addresses as RP IDs, and the passkeys function maps a
loopback issuer to the RP ID `localhost`: these scenarios browse
`http://localhost:<port>`, not `127.0.0.1`. They run under the pages' real
CSP (no bypass), and fail on any CSP refusal the console reports.

Run by pages.py (scripts/browser.sh); alone, with the same environment,
`python tests/browser/passkeys.py`.
"""

import random
import sys
import time

from common import BASE, CHROMIUM, ARGS, PASSWORD, check, checked
from common import set_up_totp, sign_in, sign_out, sign_up, totp

LOCAL = BASE.replace("://127.0.0.1:", "://localhost:")


def authenticator(page, verifies=True):
    """A virtual authenticator for `page` (CDP WebAuthn, per page)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": verifies,
        "isUserVerified": verifies,
        "automaticPresenceSimulation": True,
    }
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, found["authenticatorId"]


CONDITIONAL_SWITCH = """
if (window.PublicKeyCredential && localStorage.getItem("conditional") !== "on") {
  PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
}
"""


def strict_page(browser, **context):
    """A page under the pages' real CSP, whose refusals are collected."""
    page = browser.new_context(**context).new_page()
    # The virtual authenticator answers a conditional request by itself (no
    # autofill to pick from): conditional UI is off unless a step turns it
    # on, so the button is what signs in (a browser without conditional UI).
    page.add_init_script(CONDITIONAL_SWITCH)
    page.csp_refusals = []
    page.on(
        "console",
        lambda m: page.csp_refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: page.csp_refusals.append(f"script error: {e}"))
    page.on("console", lambda m: print(f"  console: {m.text}", file=sys.stderr) if m.type == "warning" else None)
    return page


def message(page, selector):
    """The text a live region came to say (polled: the CSP forbids the
    string evaluation `wait_for_function` would use)."""
    region = page.locator(selector)
    for _ in range(100):
        text = region.inner_text().strip()
        if text:
            return text
        time.sleep(0.1)
    sys.exit(f"nothing said in {selector} after 10 s ({page.url})")


def signed_up_with_authenticator(browser, name):
    """A new account signed in on a strict page with its own authenticator."""
    page = strict_page(browser)
    cdp, auth_id = authenticator(page)
    sign_up(page, name, f"{name.replace('_', '.')}@example.com", base=LOCAL)
    sign_in(page, name, PASSWORD, base=LOCAL)
    page.wait_for_url("**/account")
    return page, cdp, auth_id


def scenario_passkey_lifecycle(browser, n):
    """Add a passkey on the account page, sign in with it without a
    username, rename it, remove it; then it signs in nowhere."""
    name = f"pk_{n}"
    page, cdp, auth_id = signed_up_with_authenticator(browser, name)
    section = page.locator("#passkeys")
    add = section.get_by_role("button", name="Add a passkey")
    add.wait_for(state="visible")
    section.get_by_text("You have no passkeys yet.").wait_for(state="visible")
    assert page.locator("#passkeys-nojs").is_hidden()
    check(page, "account-passkeys-none")

    section.get_by_label("Passkey name").fill("Work laptop")
    add.click()
    said = message(page, "#passkeys-message")
    assert said == "Passkey added.", said
    row = section.locator("ul.passkeys li")
    assert row.count() == 1 and "Work laptop" in row.inner_text() and "never used" in row.inner_text()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": auth_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"], credentials
    check(page, "account-passkey-added")

    sign_out(page, base=LOCAL)
    # Signed out: the sign-in page offers the passkey; conditional UI (the
    # username field's autofill) is started when the browser has it.
    button = page.get_by_role("button", name="Sign in with a passkey")
    button.wait_for(state="visible")
    assert page.get_by_label("Username or email").get_attribute("autocomplete") == "username webauthn"
    check(page, "signin-passkey")
    button.click()
    page.wait_for_url("**/account")
    row = page.locator("#passkeys ul.passkeys li")
    row.first.wait_for()
    assert "last used" in row.inner_text(), row.inner_text()

    # Conditional UI: started on load, answered by the authenticator.
    sign_out(page, base=LOCAL)
    page.evaluate("localStorage.setItem('conditional', 'on')")
    page.goto(f"{LOCAL}/signin?return_to=%2Faccount%3Fvia%3Dconditional")
    page.wait_for_url("**/account?via=conditional")
    page.evaluate("localStorage.removeItem('conditional')")
    row.first.wait_for()

    page.get_by_role("button", name="Rename Work laptop").click()
    page.get_by_label("New name").fill("Home desktop")
    page.get_by_role("button", name="Save name").click()
    said = message(page, "#passkeys-message")
    assert said == "Passkey renamed.", said
    assert "Home desktop" in row.inner_text()
    check(page, "account-passkey-renamed")

    page.once("dialog", lambda d: d.accept() if "Home desktop" in d.message else d.dismiss())
    page.get_by_role("button", name="Remove Home desktop").click()
    said = message(page, "#passkeys-message")
    assert said == "Passkey removed.", said
    page.locator("#passkeys-none").wait_for(state="visible")

    # The authenticator still holds it; the platform no longer knows it.
    sign_out(page, base=LOCAL)
    page.get_by_role("button", name="Sign in with a passkey").click()
    said = message(page, "#passkey-message")
    assert said == "This passkey is not registered here. Sign in another way.", said
    assert page.url.startswith(f"{LOCAL}/signin")
    check(page, "signin-passkey-unknown")
    assert not page.csp_refusals, page.csp_refusals


def scenario_passkey_unverified_refused_in_words(browser, n):
    """A TOTP account's passkey whose authenticator then fails to verify
    its user. The API would take such an assertion as one factor and ask
    for the code (tests/tests/api/passkeys.rs,
    `a_passkey_that_did_not_verify_its_user_is_one_factor`), but Chrome
    gives up on a username-less request it cannot verify, whatever the
    RP prefers: the page must say so in words and stay usable, and the
    password sign-in with its code still works."""
    name = f"pk2_{n}"
    page, cdp, auth_id = signed_up_with_authenticator(browser, name)
    secret = set_up_totp(page)
    page.goto(f"{LOCAL}/account")
    page.get_by_role("button", name="Add a passkey").click()
    said = message(page, "#passkeys-message")
    assert said == "Passkey added.", said
    sign_out(page, base=LOCAL)

    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": auth_id, "isUserVerified": False})
    page.get_by_role("button", name="Sign in with a passkey").click()
    said = message(page, "#passkey-message")
    assert said == "The passkey request was cancelled or timed out. Try again.", said
    assert "/signin" in page.url
    check(page, "signin-passkey-unverified")
    sign_in(page, name, PASSWORD, base=LOCAL)
    page.wait_for_selector("input[name=challenge]", state="attached")
    page.get_by_label("Code").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")
    assert not page.csp_refusals, page.csp_refusals


def scenario_passkey_as_second_factor(browser, n):
    """A password sign-in of a TOTP account answered with its passkey on the
    code step, remembering the device: the next password sign-in in this
    browser asks for no second factor; another browser still does."""
    name = f"pk3_{n}"
    page, _, _ = signed_up_with_authenticator(browser, name)
    set_up_totp(page)
    page.goto(f"{LOCAL}/account")
    page.get_by_role("button", name="Add a passkey").click()
    said = message(page, "#passkeys-message")
    assert said == "Passkey added.", said
    sign_out(page, base=LOCAL)

    sign_in(page, name, PASSWORD, base=LOCAL)
    page.wait_for_selector("input[name=challenge]", state="attached")
    page.get_by_role("button", name="Use a passkey instead").wait_for()
    check(page, "second-factor-with-passkey")
    page.get_by_label("Remember this device for 30 days").check()
    page.get_by_role("button", name="Use a passkey instead").click()
    page.wait_for_url("**/account")
    sign_out(page, base=LOCAL)
    sign_in(page, name, PASSWORD, base=LOCAL)
    page.wait_for_url("**/account")

    other = strict_page(browser)
    sign_in(other, name, PASSWORD, base=LOCAL)
    other.wait_for_selector("input[name=challenge]", state="attached")
    # No passkey on this browser's authenticator: said in words.
    authenticator(other)
    other.get_by_role("button", name="Use a passkey instead").click()
    said = message(other, "#passkey-factor-message")
    assert said == "The passkey request was cancelled or timed out. Try again.", said
    check(other, "second-factor-passkey-missing")
    assert not page.csp_refusals and not other.csp_refusals, (page.csp_refusals, other.csp_refusals)
    other.context.close()


def scenario_passkey_spanish(browser):
    """The sign-in page's passkey button and words in Spanish."""
    page = strict_page(browser, locale="es-ES")
    authenticator(page)
    page.goto(f"{LOCAL}/signin")
    page.get_by_role("button", name="Iniciar sesión con una llave de acceso").wait_for()
    check(page, "signin-passkey-es")
    assert not page.csp_refusals, page.csp_refusals


def run(browser, n):
    scenario_passkey_lifecycle(browser, n)
    scenario_passkey_unverified_refused_in_words(browser, n)
    scenario_passkey_as_second_factor(browser, n)
    scenario_passkey_spanish(browser)


def main():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            run(browser, f"{random.randrange(10**9)}")
        finally:
            browser.close()
    print(f"passkeys: every scenario passed; axe clean on {', '.join(checked)}", file=sys.stderr)


if __name__ == "__main__":
    main()
