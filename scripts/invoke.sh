#!/usr/bin/env bash
# `make invoke FN=<function> EVENT=events/<group>/<file>.json`: one function,
# as Lambda runs it, without Docker. The function's binary (debug build)
# starts under the project's fake Lambda Runtime API (tools/bench), gets the
# event once, and its answer is printed. It uses `make dev`'s environment and
# emulator (AWS_ENDPOINT_URL, default http://127.0.0.1:5000), so start
# `make dev` first. An event with {{PLACEHOLDERS}} is filled the way
# `make events` fills it (scripts/events.sh --print), which needs the dev
# server too.
#
# FN is a crate under functions/: accounts, users, oauth, socialnetworks,
# sites, app, notifier. With Docker, `sam local invoke` does the same from
# the SAM build (README, "Deploying to AWS").
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
FN=${FN:-}
EVENT=${EVENT:-}
if [[ -z $FN || -z $EVENT || ! -d functions/$FN || ! -f $EVENT ]]; then
    echo "usage: make invoke FN=<$(ls functions | paste -sd '|')> EVENT=events/<group>/<file>.json" >&2
    exit 2
fi
export AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-http://127.0.0.1:${EMULATOR_PORT:-5000}}
export OAUTH_ISSUER=${OAUTH_ISSUER:-http://127.0.0.1:${PORT:-3000}}
if ! curl -s -o /dev/null --max-time 3 "$AWS_ENDPOINT_URL/moto-api/"; then
    echo "invoke: no emulator on $AWS_ENDPOINT_URL: start \`make dev\` first" >&2
    exit 1
fi

event=$(mktemp)
trap 'rm -f "$event"' EXIT
# cargo's progress on stderr (minutes the first time); the answer alone on stdout.
echo "invoke: building $FN and the local Lambda Runtime API" >&2
cargo build -p "$FN" -p bench --bin "$FN" --bin invoke
if grep -q '{{' "$EVENT"; then
    scripts/events.sh --print "${EVENT#events/}" > "$event"
else
    cp "$EVENT" "$event"
fi
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
exec "$target_dir/debug/invoke" "$target_dir/debug/$FN" "$event"
