"""What the crowd benchmarks share (follow-burst.py, link-burst.py): N
requests released at the same instant by a barrier, timed one by one, and
the TransactionConflicts the emulator answered meanwhile (only when it
models them: EMULATOR_TX_CONFLICT_MS, scripts/emulator.py)."""

import os
import threading
import time

import platform_client

EMULATOR = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")


def conflicts():
    try:
        _, _, body = platform_client.call(EMULATOR, "GET", "/_emulator/conflicts", timeout=10)
        return (body or {}).get("transaction_conflicts")
    except Exception:
        return None


def percentile(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p * (len(sorted_ms) - 1))))]


def at_once(n, request):
    """Runs `request(i)` -> (status, body) for i in 0..n, all released
    together; the answers with their latency, and a summary: p50 / p90 /
    max / wall in ms, and the conflicts answered meanwhile."""
    gate = threading.Barrier(n)
    answers = [None] * n

    def one(i):
        gate.wait()
        start = time.perf_counter()
        status, body = request(i)
        answers[i] = (status, (time.perf_counter() - start) * 1000, body)

    before = conflicts()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = (time.perf_counter() - wall) * 1000
    after = conflicts()
    ms = sorted(a[1] for a in answers)
    return answers, {
        "conflicts": None if before is None or after is None else after - before,
        "p50_ms": round(percentile(ms, 0.5), 1), "p90_ms": round(percentile(ms, 0.9), 1),
        "max_ms": round(ms[-1], 1), "wall_ms": round(wall, 1),
    }


def others(answers, ok_status):
    """How many answers of each status other than `ok_status`."""
    counted = {}
    for status, _, _ in answers:
        if status != ok_status:
            counted[str(status)] = counted.get(str(status), 0) + 1
    return counted


def timing(result):
    return (f"TransactionConflicts answered by the emulator: {result['conflicts']}; "
            f"p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, max {result['max_ms']} ms, "
            f"all in {result['wall_ms']} ms")
