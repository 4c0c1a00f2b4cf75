"""A crowd following one account at once, against a running stack.

    follow-burst.py BASE_URL PLATFORM_BIN [N]

Makes N + 1 users through the Accounts API (no email step), each with an
access token from the authorization-code grant (one OAuth client), then
sends N `POST /user/follow` of one account at the same moment (a thread
each, released together) and prints what came back: successes, other
answers, latency p50 / p90 / max, the TransactionConflicts the emulator
answered meanwhile (GET /_emulator/conflicts: only when it models them,
EMULATOR_TX_CONFLICT_MS; the server retries them itself) and whether the
account's follower count (GET /user/me) is exactly the successes. The last
line is the same as one JSON object. docs/performance.md, "A crowd
following one account", has the figures and tools/bench/scripts/
follow-burst.sh starts a private stack for it.
"""

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, PLATFORM = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 50
EMULATOR = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
REDIRECT = "http://127.0.0.1:8080/cb"
PASSWORD = "s3cret-pass"
SCOPES = "delegated:profile:read delegated:social:follow:read delegated:social:follow:write"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(method, url, body=None, headers=None, form=False):
    """(status, headers, parsed JSON body or None)."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        res = OPENER.open(req, timeout=120)
    except urllib.error.HTTPError as e:
        res = e
    text = res.read().decode()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return res.status, res.headers, parsed


def ok(result, what):
    status, _, body = result
    if status >= 400:
        sys.exit(f"follow-burst: {what} answered {status}: {body}")
    return result


def platform(*args):
    return subprocess.run([PLATFORM, *args], check=True, capture_output=True, text=True).stdout


def person(username, client_id):
    """(user id, access token) of a new account."""
    ok(call("POST", BASE + "/api/v1/accounts/", {
        "username": username, "password": PASSWORD, "firstName": "Burst",
        "lastName": "Tester", "email": f"{username}@example.com"}), f"create {username}")
    _, headers, body = ok(call("POST", BASE + "/user/login", {
        "username": username, "password": PASSWORD, "userAgent": "bench"}), f"login {username}")
    sid = headers.get("set-cookie", "").split(";", 1)[0].split("=", 1)[1]
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
        "scope": SCOPES, "state": "bench", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    status, headers, _ = call("GET", f"{BASE}/oauth/authorize?{query}", headers={"cookie": f"sid={sid}"})
    if status != 302:
        sys.exit(f"follow-burst: authorize answered {status}")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(headers["location"]).query)["code"][0]
    _, _, tokens = ok(call("POST", BASE + "/oauth/token", {
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "redirect_uri": REDIRECT, "code_verifier": verifier}, form=True), "token exchange")
    return body["data"]["user"]["_id"], tokens["access_token"]


def conflicts():
    try:
        _, _, body = call("GET", EMULATOR + "/_emulator/conflicts")
        return (body or {}).get("transaction_conflicts")
    except Exception:
        return None


def percentile(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p * (len(sorted_ms) - 1))))]


def main():
    client = json.loads(platform("oauth-client", "create", "--name", "bench", "--type", "public",
                                 "--first-party", "--redirect-uri", REDIRECT, "--scopes", SCOPES))
    suffix = secrets.token_hex(3)
    with ThreadPoolExecutor(max_workers=4) as pool:
        people = list(pool.map(lambda i: person(f"fb{i}_{suffix}", client["client_id"]), range(N + 1)))
    (star, star_token), fans = people[0], people[1:]

    gate = threading.Barrier(N)
    answers = [None] * N

    def follow(i):
        _, token = fans[i]
        gate.wait()
        start = time.perf_counter()
        status, _, body = call("POST", BASE + "/user/follow", {"target": star},
                               {"Authorization": f"Bearer {token}"})
        answers[i] = (status, (time.perf_counter() - start) * 1000, body)

    before = conflicts()
    threads = [threading.Thread(target=follow, args=(i,)) for i in range(N)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = (time.perf_counter() - wall) * 1000
    after = conflicts()

    ms = sorted(a[1] for a in answers)
    successes = sum(1 for a in answers if a[0] == 200)
    others = {}
    for status, _, body in answers:
        if status != 200:
            others[str(status)] = others.get(str(status), 0) + 1
    _, _, me = ok(call("GET", BASE + "/user/me", headers={"Authorization": f"Bearer {star_token}"}), "me")
    count = me["data"]["user"][0]["followerCount"]
    result = {
        "follows": N, "successes": successes, "errors": others,
        "conflicts": None if before is None or after is None else after - before,
        "p50_ms": round(percentile(ms, 0.5), 1), "p90_ms": round(percentile(ms, 0.9), 1),
        "max_ms": round(ms[-1], 1), "wall_ms": round(wall, 1),
        "follower_count": count, "count_exact": count == successes,
    }
    print(f"{N} follows of one account at once: {successes} ok, other answers {others or 'none'}, "
          f"TransactionConflicts answered by the emulator: {result['conflicts']}; "
          f"p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, max {result['max_ms']} ms, "
          f"all in {result['wall_ms']} ms; followerCount {count} "
          f"({'exact' if result['count_exact'] else 'NOT the successes'})")
    print(json.dumps(result))
    sys.exit(0 if result["count_exact"] else 1)


main()
