#!/usr/bin/env bash
# A crowd at one item, on a private dev stack of its own (scripts/stack.sh:
# free ports, stopped after):
#   tools/bench/scripts/crowd.sh follow [N] [RUNS]   N follows of one account (follow-burst.py)
#   tools/bench/scripts/crowd.sh link [N] [RUNS]     N links to one social network (link-burst.py)
# EMULATOR_TX_CONFLICT_MS=W makes the emulator answer TransactionConflict as
# DynamoDB does for transactions that overlap on an item (scripts/emulator.py);
# without it the emulator serialises every request and never conflicts.
# STACK_PROFILE as in scripts/stack.sh. Run from the repository root.
set -euo pipefail
kind=${1:?usage: crowd.sh follow|link [N] [RUNS]}
[[ $kind == follow || $kind == link ]] || { echo "crowd.sh: follow or link, not $kind" >&2; exit 2; }
n=${2:-50}
runs=${3:-1}
source scripts/env.sh
source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start "$kind-burst"
for _ in $(seq "$runs"); do
    .venv/bin/python "tools/bench/scripts/$kind-burst.py" "http://127.0.0.1:$PORT" "$STACK_BIN/platform" "$n"
done
