#!/usr/bin/env bash
# Median and p90 of N `POST /user/create` against a running dev stack
# (`make dev`, or any base URL): the request that sends a verification code.
#   tools/bench/scripts/signup-latency.sh [BASE_URL] [N]
# PAUSE (seconds, default 0.5) separates requests, so that the notifier's
# sending of one message (in the cloud another Lambda) does not compete
# with the next request for the single-threaded local emulator.
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
n=${2:-20}
pause=${PAUSE:-0.5}
times=()
for i in $(seq 1 "$n"); do
    name="bench_$(date +%s%N | tail -c 9)_$i"
    t=$(curl -s -o /dev/null -w '%{time_total}' -X POST "$base/user/create" \
        -H 'content-type: application/json' \
        -d "{\"username\":\"$name\",\"firstName\":\"Bench\",\"lastName\":\"Mark\",\"email\":\"$name@example.com\",\"password\":\"\$uper&ecurePassw0rd\"}")
    times+=("$t")
    sleep "$pause"
done
printf '%s\n' "${times[@]}" | python3 -c '
import sys, statistics
t = sorted(float(x) * 1000 for x in sys.stdin)
print(f"POST /user/create x{len(t)}: median {statistics.median(t):.1f} ms, p90 {t[int(0.9 * (len(t) - 1))]:.1f} ms, min {t[0]:.1f} ms")
'
