"""A crowd linking accounts of one social network at once, against a
running stack.

    link-burst.py BASE_URL PLATFORM_BIN [N]

Makes N users through the Accounts API (their integer ids from `platform
user show`), one API key and one network, then sends N `POST
/api/social-networks/{id}/links` at the same moment (a thread each,
released together; every other one a registration), then N sign-ins
through it (`POST .../authorizations`) the same way, and prints for each
burst the successes, other answers, latency p50 / p90 / max and the
TransactionConflicts the emulator answered meanwhile (only when it models
them, EMULATOR_TX_CONFLICT_MS; the server retries them itself), and
whether `total_users`, `registrations_this_month`, `active_users` and the
users list (read 7 a page) are exactly the successes. The last line is
the same as one JSON object. docs/performance.md, "A crowd linking one
network", has the figures; tools/bench/scripts/crowd.sh link starts a
private stack.
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
API = BASE + "/api/social-networks"


def fail(why):
    sys.exit(f"link-burst: {why}")


def call(method, url, body=None, headers=None):
    return platform_client.call(url, method, "", body, headers, timeout=120)


def ok(result, what):
    if result[0] >= 400:
        fail(f"{what} answered {result[0]}: {result[2]}")
    return result


def platform(*args):
    return subprocess.run([PLATFORM, *args], check=True, capture_output=True, text=True).stdout


def person(username):
    """The integer id of a new account."""
    ok(call("POST", BASE + "/api/v1/accounts/", {
        "username": username, "password": "s3cret-pass", "firstName": "Burst",
        "lastName": "Tester", "email": f"{username}@example.com"}), f"create {username}")
    return json.loads(platform("user", "show", username))["id"]


def listed(headers, network):
    ids, page = [], 1
    while True:
        body = ok(call("GET", f"{API}/{network}/users?page={page}&per_page=7", headers=headers), "users")[2]
        if not body["users"]:
            return ids
        ids += [u["id"] for u in body["users"]]
        page += 1


def main():
    key = json.loads(platform("api-key", "create", "--name", "link-burst", "--permissions", "read,write"))["key"]
    headers = {"X-API-Key": key}
    taken = {n["key"] for n in ok(call("GET", f"{API}?page=1&per_page=100", headers=headers), "list")[2]["social_networks"]}
    free = [k for k in ("steam", "twitch", "discord", "reddit", "spotify", "telegram", "battlenet") if k not in taken]
    if not free:
        fail("every network key this script uses is taken on this stack")
    network = ok(call("POST", API, {
        "key": free[0], "settings": '{"keys":{"client_id":"c","client_secret":"s"}}',
        "cooldown_time": 0, "allow_to_register": True, "icon": "<svg></svg>", "enabled": True,
    }, headers), "create network")[2]["social_network"]["id"]
    suffix = secrets.token_hex(3)
    with ThreadPoolExecutor(max_workers=4) as pool:
        users = list(pool.map(lambda i: person(f"lb{i}_{suffix}"), range(N)))

    def link(i):
        status, _, body = call("POST", f"{API}/{network}/links", {
            "user_id": users[i], "value": f"{suffix}{i}", "login": f"l{i}", "name": "Burst",
            "url": f"https://example.com/{i}", "registration": i % 2 == 0}, headers)
        return status, body

    answers, timed = crowd.at_once(N, link)
    successes = sum(1 for a in answers if a[0] == 201)
    registrations = sum(1 for i, a in enumerate(answers) if a[0] == 201 and i % 2 == 0)
    others = crowd.others(answers, 201)
    # Then every linked account signs in through the network at once.
    def authorize(i):
        status, _, body = call("POST", f"{API}/{network}/authorizations", {"value": f"{suffix}{i}"}, headers)
        return status, body

    signed, signed_timed = crowd.at_once(N, authorize)
    signins = sum(1 for a in signed if a[0] == 200)
    stats = ok(call("GET", f"{API}/{network}/stats", headers=headers), "stats")[2]["stats"]
    ids = listed(headers, network)
    exact = (stats["total_users"] == successes and stats["registrations_this_month"] == registrations
             and len(ids) == successes and len(set(ids)) == successes
             and stats["active_users"] == signins == successes)
    result = {"links": N, "successes": successes, "errors": others, **timed,
              "total_users": stats["total_users"], "listed": len(ids), "exact": exact,
              "signins": {"successes": signins, "errors": crowd.others(signed, 200), **signed_timed,
                          "active_users": stats["active_users"]}}
    print(f"{N} links to one network at once: {successes} ok, other answers {others or 'none'}, "
          f"{crowd.timing(result)}; total_users {stats['total_users']}, listed {len(ids)} "
          f"({'exact' if exact else 'NOT the successes'})")
    print(f"then {N} sign-ins through it at once: {signins} ok, other answers "
          f"{crowd.others(signed, 200) or 'none'}, {crowd.timing(signed_timed)}; "
          f"active_users {stats['active_users']}")
    print(json.dumps(result))
    sys.exit(0 if exact else 1)


main()
