#!/usr/bin/env bash
# npm packages the local tooling needs, pinned (scripts/npm/<group>/package.json
# and its package-lock.json), installed with `npm ci` into .local/npm/<group>
# (ignored by git). Groups:
#   docs      swagger-ui-dist: the API reference the dev server serves at /docs
#   clients   openapi-typescript: make test's generated-client check
# A no-op when the installed lock matches the committed one.
#
# Usage: scripts/npm.sh GROUP    prints the group's node_modules directory
set -euo pipefail

cd "$(dirname "$0")/.."
group=${1:?usage: scripts/npm.sh docs|clients}
src=scripts/npm/$group
dest=.local/npm/$group
[[ -f $src/package-lock.json ]] || { echo "npm: no group $group" >&2; exit 2; }
if ! cmp -s "$src/package-lock.json" "$dest/package-lock.json" 2> /dev/null || [[ ! -d $dest/node_modules ]]; then
    command -v npm > /dev/null || { echo "npm: Node.js and npm are needed for the $group tools" >&2; exit 1; }
    echo "npm: installing the $group tools into $dest" >&2
    rm -rf "$dest"
    mkdir -p "$dest"
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    (cd "$dest" && npm ci --silent --no-audit --no-fund > /dev/null)
fi
echo "$PWD/$dest/node_modules"
