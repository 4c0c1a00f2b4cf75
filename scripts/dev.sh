#!/usr/bin/env bash
# `make dev`: the whole platform locally.
#   1. the emulator (.venv) and Swagger UI (.local/npm), if missing
#   2. the AWS emulator on 127.0.0.1:$EMULATOR_PORT (default 5000)
#   3. `platform bootstrap`: table, SES sender identity, ... (idempotent)
#   4. a local OpenID provider on 127.0.0.1:$IDP_PORT (default 9400) and a
#      sign-in network at it (scripts/idp.sh, scripts/dev-network.sh)
#   5. the dev server on 127.0.0.1:$PORT (default 3000)
# Ctrl-C (or any failure) stops the dev server, the provider and the
# emulator started here.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh

EMULATOR_PORT=${EMULATOR_PORT:-5000}
IDP_PORT=${IDP_PORT:-9400}
export PORT=${PORT:-3000}
# Access tokens name the server that issued them; follow the port.
export OAUTH_ISSUER=${OAUTH_ISSUER:-http://127.0.0.1:$PORT}
# Browser apps on any local port may call every surface (web::cors).
export ALLOWED_ORIGINS=${ALLOWED_ORIGINS:-http://localhost:*,http://127.0.0.1:*}

scripts/venv.sh dev   # the emulator only; make test installs its own tools
# Swagger UI for /docs (npm); without npm the rest still runs.
if ui=$(scripts/npm.sh docs); then
    export SWAGGER_UI_DIR=$ui/swagger-ui-dist
else
    echo "dev: no Swagger UI (install Node.js and npm): /docs will not load" >&2
fi
# Build first, so the emulator is not idle through a long first compile;
# cargo shows its progress (several minutes the first time, seconds after).
echo "dev: building the platform CLI and the dev server" >&2
cargo build -p platform-cli -p dev-server
bin=${CARGO_TARGET_DIR:-$PWD/target}/debug

server=
cleanup() {
    [[ -z $server ]] || kill "$server" 2> /dev/null || true
    scripts/idp.sh stop "$IDP_PORT"
    scripts/emulator.sh stop "$EMULATOR_PORT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # turn signals into a normal exit so the EXIT trap runs

AWS_ENDPOINT_URL=$(scripts/emulator.sh start "$EMULATOR_PORT")
export AWS_ENDPOINT_URL

# The binaries just built (cargo run would build again with other features).
"$bin/platform" bootstrap > /dev/null
IDP=$(scripts/idp.sh start "$IDP_PORT")

api=http://127.0.0.1:$PORT
cat >&2 <<EOF

  Accounts API         $api/api/v1/accounts/
  Users API            $api/user/...   (and $api/roles/list)
  OAuth 2.0            $api/oauth/authorize, $api/oauth/token, $api/.well-known/jwks.json
  Social Networks API  $api/api/social-networks
  Sites API            $api/unet/
  App Users API        $api/api/...
  API reference        $api/docs   (one page per surface; the index of everything: $api/)
  sign in (browser)    $api/signin   (or "Sign in with OpenID Connect": the local provider $IDP)
  mailbox              $AWS_ENDPOINT_URL/_emulator/ses/messages   (?to=ADDRESS for one address)
  browser origins      $ALLOWED_ORIGINS   (CORS with credentials)
  AWS emulator (moto)  $AWS_ENDPOINT_URL   (table $TABLE_NAME, sender $EMAIL_FROM)
  Ctrl-C stops them all.

EOF
# In the background, so the sign-in network can be set up through its API;
# the shell waits on it and survives to run the cleanup trap.
"$bin/dev-server" &
server=$!
for _ in $(seq 100); do
    curl -fsS -o /dev/null --max-time 1 "$api/.well-known/jwks.json" 2> /dev/null && break
    kill -0 "$server" 2> /dev/null || exit 1
    sleep 0.2
done
scripts/dev-network.sh "$api" "$IDP" "$bin/platform" ||
    echo "dev: the sign-in network could not be set up (the rest runs)" >&2
wait "$server"
