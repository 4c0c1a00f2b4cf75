#!/usr/bin/env bash
# OpenID Connect against relying parties nobody here wrote (part of make
# test): openid-client (npm) and authlib (PyPI) run the code flow with PKCE,
# state and nonce, check the id_token, call userinfo and refresh (authlib
# twice in parallel: the reuse grace), and openid-client goes on to
# RP-initiated logout, client_credentials and introspection, against a dev
# stack of its own (scripts/stack.sh). Their tools are installed into
# tests/rp/ (node_modules, .venv), pinned by tests/rp/package-lock.json and
# tests/rp/requirements.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
rp=tests/rp

if [[ ! -x $rp/.venv/bin/python ]] || ! cmp -s $rp/requirements.txt $rp/.venv/.stamp; then
    python3 -m venv $rp/.venv
    $rp/.venv/bin/python -m pip install -q --disable-pip-version-check -r $rp/requirements.txt
    cp $rp/requirements.txt $rp/.venv/.stamp
fi
if [[ ! -d $rp/node_modules/openid-client ]] || ! cmp -s $rp/package-lock.json $rp/node_modules/.stamp; then
    (cd $rp && npm ci --no-audit --no-fund --silent)
    cp $rp/package-lock.json $rp/node_modules/.stamp
fi

source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start oidc-rp
base=http://127.0.0.1:$PORT
redirect=http://127.0.0.1:9/callback

after_logout=http://127.0.0.1:9/signed-out
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# A first-party public client (no consent step), a confidential one for
# machine-to-machine calls and introspection, and a user with a session.
client_id=$("$STACK_BIN/platform" oauth-client create --name "RP tests" --type public \
    --redirect-uri "$redirect" --scopes "openid profile email" --first-party \
    --post-logout-redirect-uri "$after_logout" | field client_id)
m2m=$("$STACK_BIN/platform" oauth-client create --name "RP machine" --type confidential \
    --redirect-uri "$redirect" --scopes "delegated:profile:read")
m2m_id=$(field client_id <<< "$m2m")
m2m_secret=$(field client_secret <<< "$m2m")
user=rp$RANDOM$RANDOM
password='$uper&ecurePassw0rd'
curl -fsS -o /dev/null -H 'content-type: application/json' "$base/api/v1/accounts/" \
    -d "{\"username\":\"$user\",\"password\":\"$password\",\"firstName\":\"Rp\",\"lastName\":\"Test\",\"email\":\"$user@example.com\"}"
sid() {
    curl -fsS -o /dev/null -D - -H 'content-type: application/json' "$base/user/login" \
        -d "{\"username\":\"$user\",\"password\":\"$password\",\"userAgent\":\"rp\"}" |
        sed -n 's/^[Ss]et-[Cc]ookie: sid=\([^;]*\).*/\1/p' | head -n1
}

failed=0
node $rp/openid_client.mjs "$base" "$client_id" "$redirect" "$(sid)" \
    "$after_logout" "$m2m_id" "$m2m_secret" || failed=1
$rp/.venv/bin/python $rp/authlib_rp.py "$base" "$client_id" "$redirect" "$(sid)" || failed=1
# The deployment smoke test (deploy.yml), with the machine client.
SMOKE_CLIENT_ID=$m2m_id SMOKE_CLIENT_SECRET=$m2m_secret scripts/smoke.sh "$base" || failed=1
if stack_server_errors oidc-rp; then failed=1; fi
exit $failed
