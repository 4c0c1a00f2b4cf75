#!/usr/bin/env bash
# make dev's sign-in network: an `oidc` network at the local OpenID
# provider (scripts/idp.sh), so "Sign in with OpenID Connect" works on a
# laptop. Idempotent: an existing `oidc` network is pointed at the provider.
#   scripts/dev-network.sh API ISSUER PLATFORM_BIN
set -euo pipefail
api=$1 issuer=$2 platform=$3

created=$("$platform" api-key create --name dev-network --permissions read,write 2> /dev/null)
key=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["key"])' <<< "$created")
key_id=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])' <<< "$created")
trap '"$platform" api-key revoke "$key_id" > /dev/null' EXIT

settings=$(python3 -c 'import json,sys; print(json.dumps({"keys": {"client_id": "platform-dev", "client_secret": "dev-client-secret", "issuer": sys.argv[1]}}))' "$issuer")
body=$(python3 -c 'import json,sys; print(json.dumps({"key": "oidc", "settings": sys.argv[1], "allow_to_register": True, "enabled": True,
  "icon": "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 20 20\"><circle cx=\"10\" cy=\"10\" r=\"9\" fill=\"#f78c40\"/></svg>"}))' "$settings")
existing=$(curl -fsS -H "X-API-Key: $key" "$api/api/social-networks?per_page=100" |
    python3 -c 'import json,sys; print(next((n["id"] for n in json.load(sys.stdin)["social_networks"] if n["key"] == "oidc"), ""))')
if [[ -n $existing ]]; then
    curl -fsS -o /dev/null -X PUT -H "X-API-Key: $key" -H 'content-type: application/json' -d "$body" "$api/api/social-networks/$existing"
else
    curl -fsS -o /dev/null -X POST -H "X-API-Key: $key" -H 'content-type: application/json' -d "$body" "$api/api/social-networks"
fi
echo "dev: sign-in network \"OpenID Connect\" at $issuer (type any name on its form)" >&2
