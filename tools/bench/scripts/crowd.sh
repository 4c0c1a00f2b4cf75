#!/usr/bin/env bash
# A crowd following one account (tools/bench/scripts/follow-burst.py) on a
# private dev stack of its own (scripts/stack.sh: free ports, stopped after).
#   tools/bench/scripts/follow-burst.sh [N] [RUNS]
# EMULATOR_TX_CONFLICT_MS=W makes the emulator answer TransactionConflict as
# DynamoDB does for transactions that overlap on an item (scripts/emulator.py);
# without it the emulator serialises every request and never conflicts.
# STACK_PROFILE as in scripts/stack.sh. Run from the repository root.
set -euo pipefail
n=${1:-50}
runs=${2:-1}
source scripts/env.sh
source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start follow-burst
for _ in $(seq "$runs"); do
    .venv/bin/python tools/bench/scripts/follow-burst.py "http://127.0.0.1:$PORT" "$STACK_BIN/platform" "$n"
done
