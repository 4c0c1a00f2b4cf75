#!/usr/bin/env bash
# `make events`: replays events/ against a running `make dev`, placeholders
# filled with what scripts/events_fill.py makes in the stack for the events
# chosen (users, sessions, tokens, codes, clients, sites, networks, through
# the APIs and the CLI). Prints N/N and exits non-zero unless every event
# answered the status events/expected.json names.
#
#   scripts/events.sh                        every event
#   scripts/events.sh users/get-me.json ...  some (paths under events/)
#   scripts/events.sh --fill                 print the values (NAME=value), replay nothing
#   scripts/events.sh --print GROUP/X.json   print one filled event (e.g. for `sam local invoke -e`)
#
# API (default http://127.0.0.1:3000) and AWS_ENDPOINT_URL (default
# http://127.0.0.1:5000) say where the stack is. events/README.md lists the
# placeholders.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
export AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-http://127.0.0.1:${EMULATOR_PORT:-5000}}
export API=${API:-http://127.0.0.1:${PORT:-3000}}

if ! curl -s -o /dev/null --max-time 3 "$API/.well-known/jwks.json"; then
    echo "events: nothing answers on $API: start \`make dev\` first (or set API=...)" >&2
    exit 1
fi
scripts/venv.sh
# cargo's progress on stderr (make dev has usually built it already).
cargo build -p platform-cli
export PLATFORM_BIN=${CARGO_TARGET_DIR:-$PWD/target}/debug/platform
exec .venv/bin/python scripts/events.py "$@"
