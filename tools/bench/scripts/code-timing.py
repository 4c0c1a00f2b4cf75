#!/usr/bin/env python3
"""Does `GET /user/code` tell who is registered by its timing? (issue 18)

Against a running stack (`make dev`), makes N verified accounts through the
Users API (codes read from the emulator's mailbox), then asks a reset code
for each registered address and for N unknown ones, interleaved, and
prints both latency distributions side by side. Each registered address
is asked once: the reset budget (5 per address per 15 minutes) would
otherwise answer 429. Nothing here is a pass/fail: the test suite holds the
two paths to the same DynamoDB calls (tests/tests/api/gate_timing.rs).

    python3 tools/bench/scripts/code-timing.py [BASE_URL] [EMULATOR_URL] [N]
"""

import json
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
EMULATOR = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:5000"
N = int(sys.argv[3]) if len(sys.argv) > 3 else 15
PASSWORD = "$uper&ecurePassw0rd"
CODE = re.compile(r"[a-z0-9]{3}(?:-[a-z0-9]{3}){5}")


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("content-type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as res:
            payload = res.read()
    except urllib.error.HTTPError as e:
        payload = e.read()
    return (time.perf_counter() - started) * 1000, payload


def code_sent_to(address):
    for _ in range(50):
        _, body = call("GET", f"{EMULATOR}/_emulator/ses/messages?to={urllib.parse.quote(address)}")
        found = CODE.findall(" ".join(m.get("body") or "" for m in json.loads(body)))
        if found:
            return found[-1]
        time.sleep(0.2)
    raise SystemExit(f"no code reached {address}")


def verified_address(i, run):
    name = f"timing_{run}_{i}"
    address = f"{name}@example.com"
    call("POST", f"{BASE}/user/create", {
        "username": name, "firstName": "Tim", "lastName": "Ing",
        "email": address, "password": PASSWORD,
    })
    call("POST", f"{BASE}/user/verify-email", {"code": code_sent_to(address)})
    return address


def summary(label, times):
    t = sorted(times)
    p90 = t[int(0.9 * (len(t) - 1))]
    return (f"| {label} | {len(t)} | {statistics.median(t):.1f} | {p90:.1f} "
            f"| {t[0]:.1f} | {t[-1]:.1f} |")


def main():
    run = random.randrange(10**6)
    registered = [verified_address(i, run) for i in range(N)]
    unknown = [f"nobody_{run}_{i}@example.com" for i in range(N)]
    times = {"registered": [], "unknown": []}
    for known, stranger in zip(registered, unknown):
        for label, address in random.sample([("registered", known), ("unknown", stranger)], 2):
            ms, _ = call("GET", f"{BASE}/user/code?email={urllib.parse.quote(address)}")
            times[label].append(ms)
            time.sleep(0.2)
    print("| GET /user/code for | n | median ms | p90 ms | min ms | max ms |")
    print("|---|---|---|---|---|---|")
    for label, t in times.items():
        print(summary(label, t))


if __name__ == "__main__":
    main()
