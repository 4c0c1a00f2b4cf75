#!/usr/bin/env bash
# `make bench`: the performance figures of docs/performance.md, one command.
#
#   1. cold start of every function beside a hello-world lambda_runtime
#      binary (tools/bench coldstart: init and first response, p50 and p90,
#      30 runs, the ratio to hello-world) and the stripped binary sizes;
#   2. the argon2id cost of one password hash on this machine;
#   3. a warm load run (oha, from crates.io, installed into .local/tools) of
#      representative endpoints against a private release dev stack on
#      loopback: throughput, p50, p99, and the share of the median spent in
#      the emulator (its own median for one DynamoDB call, measured the same
#      way, times the endpoint's sequential calls, docs/data-model.md);
#   4. the emulator's own cost (tools/bench/scripts/emulator-cost.py, its
#      own emulator, no release build): a one-item transaction beside a
#      PutItem at 1,000 and 10,000 items, and its memory over 10,000 mixed
#      requests.
#
# Release builds: the first run on a fresh machine compiles for about 15
# minutes on 2 cores (oha: a few more, once). Not part of `make test`.
#   RUNS=30 DURATION=10s CONNECTIONS=8 scripts/bench.sh
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
RUNS=${RUNS:-30}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
OHA_VERSION=1.16.0
FUNCTIONS=(accounts users oauth socialnetworks sites app pages passkeys)
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
release=$target_dir/release

scripts/venv.sh
echo "bench: release build of the functions and the bench tools" >&2
cargo build -q --release "${FUNCTIONS[@]/#/-p}" -p notifier -p webhooks -p lifecycle -p bench
oha=.local/tools/bin/oha
if [[ ! -x $oha ]] || [[ $($oha --version) != *"$OHA_VERSION"* ]]; then
    echo "bench: installing oha $OHA_VERSION into .local/tools (once)" >&2
    cargo install -q oha --version "=$OHA_VERSION" --locked --root .local/tools
fi

STACK_PROFILE=release
source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start bench

echo
echo "## Cold start ($RUNS runs each; $(nproc) cores, $(uname -m))"
echo
bins=("$release/hello-lambda")
for f in "${FUNCTIONS[@]}"; do bins+=("$release/$f"); done
bins+=("$release/webhooks-api")
"$release/coldstart" --runs "$RUNS" "${bins[@]}"
# The notifier takes a stream event, not an HTTP one.
"$release/coldstart" --runs "$RUNS" --event events/notifier/outbox-insert.json \
    "$release/hello-lambda" "$release/notifier" | tail -n 1
# So does the webhooks' deliverer (a user insert; no endpoint registered).
"$release/coldstart" --runs "$RUNS" --event events/webhooks-stream/user-insert.json \
    "$release/hello-lambda" "$release/webhooks" | tail -n 1
# And the lifecycle worker (a job's insert; the job is gone: one GetItem).
"$release/coldstart" --runs "$RUNS" --event events/lifecycle-stream/job-insert.json \
    "$release/hello-lambda" "$release/lifecycle" | tail -n 1

echo
echo "## Password hash (argon2id, the platform's parameters)"
echo
"$release/argon2-cost"

echo
echo "## Warm load ($DURATION per endpoint, $CONNECTIONS connections, loopback)"
echo
api=http://127.0.0.1:$PORT
name=bench_$RANDOM$RANDOM
token=$(curl -fsS -X POST "$api/api/v1/accounts/" -H 'content-type: application/json' \
    -d "{\"username\":\"$name\",\"password\":\"bench-password-1\",\"firstName\":\"Bench\",\"lastName\":\"Mark\",\"email\":\"$name@example.com\"}" |
    .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["result"]["token"])')
key=$("$STACK_BIN/platform" api-key create --name "$name" --permissions read 2> /dev/null |
    .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["key"])')
user_id=$(curl -fsS "$api/api/v1/accounts/$token" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["result"]["id"])')
region=${AWS_REGION:-us-east-1}
get_item="{\"TableName\":\"$TABLE_NAME\",\"Key\":{\"pk\":{\"S\":\"USER#$user_id\"},\"sk\":{\"S\":\"PROFILE\"}},\"ConsistentRead\":true}"

load() { # label calls oha-args...
    local label=$1 calls=$2
    shift 2
    "$oha" --no-tui --output-format json -z "$DURATION" -c "$CONNECTIONS" "$@" > "$STACK_WORK/oha.json"
    .venv/bin/python - "$label" "$calls" "$STACK_WORK/oha.json" "$STACK_WORK/emulator-p50" <<'PY'
import json, os, sys
label, calls, path, emulator = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
r = json.load(open(path))
s, p = r["summary"], r["latencyPercentiles"]
p50, p99 = p["p50"] * 1000, p["p99"] * 1000
codes = ",".join(f"{k}x{v}" for k, v in sorted(r["statusCodeDistribution"].items()))
share = "-"
if calls < 0:
    open(emulator, "w").write(str(p50))
elif os.path.exists(emulator):
    share = f"{min(100.0, 100 * calls * float(open(emulator).read()) / p50):.0f}%"
print(f"| {label:<44} | {s['requestsPerSec']:>8.0f} | {p50:>7.2f} | {p99:>7.2f} | {share:>9} | {codes} |")
PY
}
echo "| endpoint (sequential DynamoDB calls)         |    req/s | p50 ms  | p99 ms  | emulator  | statuses |"
echo "|----------------------------------------------|----------|---------|---------|-----------|----------|"
load "emulator: one GetItem, no platform code" -1 -m POST \
    -H "x-amz-target: DynamoDB_20120810.GetItem" -H "content-type: application/x-amz-json-1.0" \
    -H "authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/$region/dynamodb/aws4_request, SignedHeaders=host, Signature=0" \
    -d "$get_item" "$AWS_ENDPOINT_URL/"
load "GET /.well-known/jwks.json (0, cached keys)" 0 "$api/.well-known/jwks.json"
load "GET /api/v1/accounts/{token} (2)" 2 "$api/api/v1/accounts/$token"
load "GET /api/social-networks (1: key ∥ query)" 1 -H "x-api-key: $key" "$api/api/social-networks"
echo
echo "(emulator share: the emulator's own p50 for one call × the endpoint's"
echo " sequential calls ÷ the endpoint's p50; the rest is our code, HTTP and loopback)"

echo
echo "## Emulator (a private moto of its own: transaction cost and memory)"
echo
.venv/bin/python tools/bench/scripts/emulator-cost.py
