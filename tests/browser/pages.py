"""The hosted pages in a real headless Chromium (scripts/browser.sh runs it).

Scenarios, each in a fresh browser context: sign-up with the code read
from the emulator's mailbox; signing in, setting up TOTP on the account
page and signing in again through the TOTP step; a password reset;
signing another browser out from the account page's sessions list, and
signing out everywhere; a third-party client's authorization (sign-in,
TOTP, consent, code, tokens, the id_token checked by authlib) and its
RP-initiated logout; accepting a site invitation; signing up, in,
linking and unlinking through a social network and its refusals;
passkeys (tests/browser/passkeys.py: added on the account page, signing
in without a username by the button and by conditional UI, renamed,
removed, the code step after a passkey of a 2FA account). Every
page visited is checked with axe-core (no serious or critical violation)
and screenshotted; a pass without CSP bypass checks that no page makes
the browser refuse anything.
"""

import random
import sys
import time

from playwright.sync_api import sync_playwright

from common import BASE, CHROMIUM, ARGS, PASSWORD, SHOTS, check, checked, mail_codes
from common import set_up_totp, sign_in, sign_out, sign_up, totp
from networks import scenario_network_refusals, scenario_network_sign_up_link_unlink
from passkeys import run as scenarios_passkeys
from third_party import scenario_invitation, scenario_rp_logout, scenario_third_party


def scenario_sign_up_totp(browser, n):
    name, email = f"pw_{n}", f"pw.{n}@example.com"
    page = browser.new_context(bypass_csp=True).new_page()
    sign_up(page, name, email)

    # A wrong password is said in words, on the page.
    sign_in(page, name, "not-the-password")
    assert "wrong" in page.locator("p[role=alert]").inner_text(timeout=5000)
    check(page, "signin-wrong-password")

    sign_in(page, name, PASSWORD)
    page.wait_for_url("**/account")
    # The security activity lists the refusal and the sign-in (axe checks the table).
    events = page.get_by_role("table", name="Latest security events of your account, newest first")
    assert events.is_visible()
    assert "Sign-in refused (wrong password)" in events.inner_text()
    check(page, "account")
    secret = set_up_totp(page)
    sign_out(page)
    sign_in(page, email, PASSWORD)
    page.wait_for_selector("input[name=challenge]", state="attached")
    check(page, "second-factor")
    # The next step's code (the current one was spent by the setup).
    page.get_by_label("Code").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")
    assert "An authenticator app protects your account." in page.content()


def scenario_reset(browser, n):
    name, email = f"pwr_{n}", f"pwr.{n}@example.com"
    page = browser.new_context(bypass_csp=True).new_page()
    sign_up(page, name, email)
    page.goto(f"{BASE}/reset-password")
    check(page, "reset-request")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send the code").click()
    page.wait_for_selector("#f-code")
    check(page, "reset")
    code = mail_codes(email, r"code is ([a-z0-9]{3}(?:-[a-z0-9]{3}){5})", n=2)[-1]
    page.get_by_label("Code").fill(code)
    page.get_by_label("New password").fill(PASSWORD + "-new")
    page.get_by_role("button", name="Set the new password").click()
    page.wait_for_url("**/signin?notice=password_reset**")
    sign_in(page, name, PASSWORD + "-new")
    page.wait_for_url("**/account")


def scenario_sessions(browser, n):
    """One browser signs another out from the account page's sessions list,
    then signs out everywhere, which ends a third."""
    name, email = f"pws_{n}", f"pws.{n}@example.com"
    one = browser.new_context(bypass_csp=True).new_page()
    sign_up(one, name, email)
    two = browser.new_context(bypass_csp=True).new_page()
    for page in (two, one):
        sign_in(page, name, PASSWORD)
        page.wait_for_url("**/account")
    check(one, "account-sessions")
    assert one.locator("ul.sessions li").count() == 2
    one.locator("ul.sessions li form button").click()
    one.wait_for_url("**/account?**")
    assert one.locator("ul.sessions li").count() == 1
    two.goto(f"{BASE}/account")
    two.wait_for_url("**/signin?return_to=%2Faccount**")

    three = browser.new_context(bypass_csp=True).new_page()
    sign_in(three, name, PASSWORD)
    three.wait_for_url("**/account")
    one.get_by_role("button", name="Sign out everywhere").click()
    one.wait_for_url("**/signin?notice=signed_out**")
    three.goto(f"{BASE}/account")
    three.wait_for_url("**/signin?return_to=%2Faccount**")


def scenario_spanish_and_errors(browser):
    page = browser.new_context(bypass_csp=True, locale="es-ES").new_page()
    page.goto(f"{BASE}/signin")
    assert page.evaluate("document.documentElement.lang") == "es"
    check(page, "signin-es")
    page.goto(f"{BASE}/signup?ui_locales=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(f"{BASE}/verify-email?code=nope&ui_locales=en")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("#e-code")
    check(page, "verify-email-error")


def scenario_csp_holds(browser):
    """Without the bypass the tests use for axe: nothing refused, nothing fetched elsewhere."""
    context = browser.new_context()
    page = context.new_page()
    refused, requests = [], []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: requests.append(r.url))
    for path in ("/signin", "/signup", "/reset-password", "/verify-email", "/nope"):
        page.goto(BASE + path)
    assert not refused, refused
    outside = [u for u in requests if not u.startswith(BASE)]
    assert not outside, outside


def main():
    n = f"{random.randrange(10**9)}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            scenario_sign_up_totp(browser, n)
            scenario_reset(browser, n)
            scenario_sessions(browser, n)
            page, meta, admin, token = scenario_third_party(browser, n)
            scenario_invitation(browser, n, admin, token["access_token"])
            scenario_rp_logout(page, meta, token)
            scenario_network_sign_up_link_unlink(browser, n)
            scenario_network_refusals(browser, n)
            scenario_spanish_and_errors(browser)
            scenarios_passkeys(browser, n)
            scenario_csp_holds(browser)
        except Exception:
            # Where each open page stood, for the failure's report.
            for i, page in enumerate(pg for c in browser.contexts for pg in c.pages):
                page.screenshot(path=f"{SHOTS}/failure-{i}.png", full_page=True)
                print(f"browser: page {i} at {page.url} (failure-{i}.png)", file=sys.stderr)
            raise
        finally:
            browser.close()
    print(f"browser: every scenario passed; axe clean on {len(checked)} pages: {', '.join(checked)}")


if __name__ == "__main__":
    main()
