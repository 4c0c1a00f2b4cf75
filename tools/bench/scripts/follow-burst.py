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
crowd.sh follow starts a private stack for it.
"""

import json
import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
import crowd  # noqa: E402
import platform_client  # noqa: E402

BASE, PLATFORM = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 50
REDIRECT = "http://127.0.0.1:8080/cb"
PASSWORD = "s3cret-pass"
SCOPES = "delegated:profile:read delegated:social:follow:read delegated:social:follow:write"


def call(method, url, body=None, headers=None):
    """(status, headers, parsed JSON body or None) of a request to a full URL."""
    return platform_client.call(url, method, "", body, headers, timeout=120)


def fail(why):
    sys.exit(f"follow-burst: {why}")


def ok(result, what):
    status, _, body = result
    if status >= 400:
        fail(f"{what} answered {status}: {body}")
    return result


def platform(*args):
    return subprocess.run([PLATFORM, *args], check=True, capture_output=True, text=True).stdout


def person(username, client_id):
    """(user id, access token) of a new account."""
    ok(call("POST", BASE + "/api/v1/accounts/", {
        "username": username, "password": PASSWORD, "firstName": "Burst",
        "lastName": "Tester", "email": f"{username}@example.com"}), f"create {username}")
    login = ok(call("POST", BASE + "/user/login", {
        "username": username, "password": PASSWORD, "userAgent": "bench"}), f"login {username}")
    tokens = platform_client.access_token(
        BASE, platform_client.session(login), client_id, SCOPES, REDIRECT, fail)
    return login[2]["data"]["user"]["_id"], tokens["access_token"]


def main():
    client = json.loads(platform("oauth-client", "create", "--name", "bench", "--type", "public",
                                 "--first-party", "--redirect-uri", REDIRECT, "--scopes", SCOPES))
    suffix = secrets.token_hex(3)
    with ThreadPoolExecutor(max_workers=4) as pool:
        people = list(pool.map(lambda i: person(f"fb{i}_{suffix}", client["client_id"]), range(N + 1)))
    (star, star_token), fans = people[0], people[1:]

    def follow(i):
        _, token = fans[i]
        status, _, body = call("POST", BASE + "/user/follow", {"target": star},
                               {"Authorization": f"Bearer {token}"})
        return status, body

    answers, timed = crowd.at_once(N, follow)
    successes = sum(1 for a in answers if a[0] == 200)
    others = crowd.others(answers, 200)
    _, _, me = ok(call("GET", BASE + "/user/me", headers={"Authorization": f"Bearer {star_token}"}), "me")
    count = me["data"]["user"][0]["followerCount"]
    result = {"follows": N, "successes": successes, "errors": others, **timed,
              "follower_count": count, "count_exact": count == successes}
    print(f"{N} follows of one account at once: {successes} ok, other answers {others or 'none'}, "
          f"{crowd.timing(result)}; followerCount {count} "
          f"({'exact' if result['count_exact'] else 'NOT the successes'})")
    print(json.dumps(result))
    sys.exit(0 if result["count_exact"] else 1)


main()
