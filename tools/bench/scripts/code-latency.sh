#!/usr/bin/env bash
# Median and p90 of N `GET /user/code` (a reset code) for fresh addresses
# against a running dev stack: the request that only sends an email (no
# account: the "no account here" message), so it isolates the cost of
# sending. PAUSE as in signup-latency.sh.
#   tools/bench/scripts/code-latency.sh [BASE_URL] [N]
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
n=${2:-20}
pause=${PAUSE:-0.5}
times=()
for i in $(seq 1 "$n"); do
    email="code_$(date +%s%N | tail -c 9)_$i@example.com"
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$base/user/code?email=$email")")
    sleep "$pause"
done
printf '%s\n' "${times[@]}" | python3 -c '
import sys, statistics
t = sorted(float(x) * 1000 for x in sys.stdin)
print(f"GET /user/code x{len(t)}: median {statistics.median(t):.1f} ms, p90 {t[int(0.9 * (len(t) - 1))]:.1f} ms, min {t[0]:.1f} ms")
'
