#!/usr/bin/env bash
# The smoke test a deployment must pass (deploy.yml runs it against each
# stage's URL; make test runs it against a private stack, scripts/oidc-rp.sh):
#
#   scripts/smoke.sh BASE_URL
#
# 1. health: the discovery document names BASE_URL's issuer and the JWKS
#    publishes a signing key (the OAuth function, the table, the key ring);
# 2. a sign-in with the smoke client: SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET
#    (a confidential client: `platform oauth-client create --name smoke
#    --type confidential --redirect-uri https://localhost/unused --scopes
#    delegated:profile:read`) gets a client_credentials token, and
#    introspection says it is active (signing, the KMS-sealed key, a read).
# Without the two variables step 2 is skipped with a warning (a first
# deployment has no table to register the client in yet).
set -euo pipefail

base=${1:?usage: scripts/smoke.sh BASE_URL}
base=${base%/}
fail() { echo "smoke: $*" >&2; exit 1; }
json() { python3 -c 'import json, sys; print(json.load(sys.stdin)'"$1"')'; }

config=$(curl -fsS --max-time 10 "$base/.well-known/openid-configuration") ||
    fail "no discovery document at $base"
issuer=$(json '["issuer"]' <<< "$config")
echo "smoke: issuer $issuer"
keys=$(curl -fsS --max-time 10 "$base/.well-known/jwks.json" | json '["keys"].__len__()')
[[ $keys -ge 1 ]] || fail "the JWKS publishes no key"
echo "smoke: JWKS has $keys key(s)"

if [[ -z ${SMOKE_CLIENT_ID:-} || -z ${SMOKE_CLIENT_SECRET:-} ]]; then
    echo "smoke: WARNING: SMOKE_CLIENT_ID / SMOKE_CLIENT_SECRET unset: no sign-in checked" >&2
    exit 0
fi
token=$(curl -fsS --max-time 10 -u "$SMOKE_CLIENT_ID:$SMOKE_CLIENT_SECRET" \
    -d grant_type=client_credentials "$base/oauth/token" | json '["access_token"]') ||
    fail "the smoke client got no token"
active=$(curl -fsS --max-time 10 -u "$SMOKE_CLIENT_ID:$SMOKE_CLIENT_SECRET" \
    --data-urlencode "token=$token" "$base/oauth/introspect" | json '["active"]')
[[ $active == True ]] || fail "introspection says the new token is not active"
echo "smoke: client_credentials sign-in and introspection ok"
