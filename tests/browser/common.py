"""What the browser scenarios share: the stack's addresses, the mailbox,
an authenticator app, axe-core on every page, and the sign-up and sign-in
forms as a person fills them."""

import base64
import hashlib
import hmac
import json
import os
import random
import re
import struct
import sys
import time
import urllib.parse
import urllib.request

BASE = os.environ["BASE"]
MAILBOX = os.environ["MAILBOX"]
AXE = os.environ["AXE"]
SHOTS = os.environ["SHOTS"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "Browser-passw0rd-1"
with open(AXE, encoding="utf-8") as f:
    # A statement list ending in an expression: Runtime.evaluate runs it whole.
    AXE_SOURCE = f.read() + "\n;0"
checked = []


def mail_codes(to, pattern, n=1):
    """The codes (matching `pattern`) in the emails to `to`, once `n` arrived."""
    url = MAILBOX + "?" + urllib.parse.urlencode({"to": to})
    for _ in range(100):
        with urllib.request.urlopen(url) as r:
            mails = json.load(r)
        if len(mails) >= n:
            return [m for mail in mails for m in re.findall(pattern, mail["body"])]
        time.sleep(0.1)
    sys.exit(f"no email #{n} to {to} after 10 s")


def mail_link(to, path):
    """The first link to `BASE` + `path` in the plain-text emails to `to`."""
    url = MAILBOX + "?" + urllib.parse.urlencode({"to": to})
    pattern = re.escape(BASE + path) + r"\S+"
    for _ in range(100):
        with urllib.request.urlopen(url) as r:
            found = [m for mail in json.load(r) for m in re.findall(pattern, mail.get("text") or "")]
        if found:
            return found[-1]
        time.sleep(0.1)
    sys.exit(f"no email to {to} with a link to {path} after 10 s")


def totp(secret_b32, at):
    """RFC 6238: what an authenticator app shows (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def check(page, name):
    """axe-core on the page: no serious or critical violation; a screenshot.
    axe is evaluated through the DevTools protocol, which the page's CSP
    does not govern, so pages under their real CSP can be checked too."""
    size = page.evaluate("document.documentElement.outerHTML.length")
    assert size < 50 * 1024, f"{name}: under 50 KB ({size})"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.screenshot(path=f"{SHOTS}/{len(checked) + 1:02d}-{name}.png", full_page=True)
    if bad:
        for v in bad:
            print(f"  {name}: {v['impact']} {v['id']}: {v['help']}", file=sys.stderr)
            for node in v["nodes"][:3]:
                print(f"    {node['target']}", file=sys.stderr)
        sys.exit(f"axe: {len(bad)} serious or critical violation(s) on {name} ({page.url})")
    assert page.evaluate("document.documentElement.lang") in ("en", "es"), name
    assert page.locator("h1").count() == 1, f"{name}: one h1"
    checked.append(name)


def sign_up(page, name, email, base=BASE):
    page.goto(f"{base}/signup")
    check(page, "signup")
    page.get_by_label("Username").fill(name)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/verify-email?**")
    check(page, "verify-email")
    code = mail_codes(email, r"code is ([a-z0-9]{3}(?:-[a-z0-9]{3}){5})")[-1]
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/signin?notice=verified**")
    check(page, "signin-verified")


def sign_in(page, login, password, base=BASE):
    page.goto(f"{base}/signin")
    fill_sign_in(page, login, password)


def fill_sign_in(page, login, password):
    """The sign-in form of the page the browser is on."""
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def set_up_totp(page):
    """On the account page: an authenticator app turned on (the current
    step's code spent); its secret."""
    page.locator("#f-totpPassword").fill(PASSWORD)
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.wait_for_selector("img.qr")
    check(page, "totp-setup")
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("Code").fill(totp(secret, time.time()))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_selector("ul.codes")
    check(page, "recovery-codes")
    return secret


def sign_out(page, base=BASE):
    page.goto(f"{base}/account")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/signin?notice=signed_out**")
