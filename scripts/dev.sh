#!/usr/bin/env bash
# `make dev`: the whole platform locally.
#   1. the Python tooling (.venv), if missing
#   2. the AWS emulator on 127.0.0.1:$EMULATOR_PORT (default 5000)
#   3. `platform bootstrap`: table, SES sender identity, ... (idempotent)
#   4. the dev server on 127.0.0.1:$PORT (default 3000), in the foreground
# Ctrl-C (or any failure) stops the dev server and the emulator started here.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh

EMULATOR_PORT=${EMULATOR_PORT:-5000}
export PORT=${PORT:-3000}
# Access tokens name the server that issued them; follow the port.
export OAUTH_ISSUER=${OAUTH_ISSUER:-http://127.0.0.1:$PORT}
# Browser apps on any local port may call every surface (web::cors).
export ALLOWED_ORIGINS=${ALLOWED_ORIGINS:-http://localhost:*,http://127.0.0.1:*}

scripts/venv.sh
# Build first, so the emulator is not idle through a long first compile.
cargo build -q -p platform-cli -p dev-server

cleanup() { scripts/emulator.sh stop "$EMULATOR_PORT"; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # turn signals into a normal exit so the EXIT trap runs

AWS_ENDPOINT_URL=$(scripts/emulator.sh start "$EMULATOR_PORT")
export AWS_ENDPOINT_URL

cargo run -q -p platform-cli --bin platform -- bootstrap

cat >&2 <<EOF

  AWS emulator (moto)  $AWS_ENDPOINT_URL   (state: $AWS_ENDPOINT_URL/moto-api/)
  table                $TABLE_NAME
  email sender         $EMAIL_FROM   (sent mail: $AWS_ENDPOINT_URL/moto-api/data.json, under ses.Message)
  API (dev server)     http://127.0.0.1:$PORT/api/v1/...
  Ctrl-C stops both.

EOF
# Not exec: the shell must survive to run the cleanup trap.
cargo run -q -p dev-server
