#!/usr/bin/env bash
# `make clients` (part of make test): clients generated from every OpenAPI
# document with real generators, as an app developer would make them.
#   1. openapi-python-client (PyPI, pinned in .venv) and openapi-typescript
#      (npm, pinned, scripts/npm.sh clients) over each openapi/*.yaml: any
#      warning fails, and so does an operation the client left out (the
#      generated functions are counted against the document's operations)
#   2. the TypeScript types type-check (tsc --noEmit)
#   3. one call per surface through the generated Python clients against a
#      private stack (scripts/clients_smoke.py)
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/venv.sh test
node_modules=$(scripts/npm.sh clients)
SURFACES=(accounts users oauth socialnetworks sites app webhooks passkeys)

source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
out=$STACK_WORK/clients
mkdir -p "$out"
# No formatter run after generation (ruff is not needed to check the
# clients); the profile picture's image/png body is a binary upload.
cat > "$out/config.yaml" <<'YAML'
post_hooks: []
content_type_overrides:
  image/png: application/octet-stream
YAML

failed=()
operations() {
    .venv/bin/python - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
print(sum(1 for item in doc["paths"].values() for m in ("get", "put", "post", "delete", "patch") if m in item))
PY
}
for surface in "${SURFACES[@]}"; do
    doc=openapi/$surface.yaml
    want=$(operations "$doc")
    log=$out/$surface-python.log
    .venv/bin/openapi-python-client generate --path "$doc" --output-path "$out/${surface}_client" \
        --meta none --config "$out/config.yaml" > "$log" 2>&1 || true
    # openapi-python-client 0.29.1 writes `| Unset` without importing it
    # for a required body with several content types (JSON and form here):
    # upstream issue #1451 (fix: pull request #1478). Until a release has
    # it, the import is added, as an app developer would have to.
    find "$out/${surface}_client/api" -name '*.py' -exec \
        sed -i 's/^from \.\.\.types import Response, UNSET$/from ...types import Response, UNSET, Unset/' {} +
    got=$(find "$out/${surface}_client/api" -name '*.py' ! -name '__init__.py' 2> /dev/null | wc -l)
    if grep -qi 'warning\|error' "$log" || [[ $got != "$want" ]]; then
        echo "clients: $surface: openapi-python-client: $got of $want operations; its output:" >&2
        sed 's/^/    /' "$log" | head -n 40 >&2
        failed+=("$surface/python")
    fi
    log=$out/$surface-typescript.log
    if ! "$node_modules/.bin/openapi-typescript" "$doc" -o "$out/$surface.ts" > "$log" 2>&1 ||
        grep -qiE 'warn|error' "$log"; then
        echo "clients: $surface: openapi-typescript:" >&2
        sed 's/^/    /' "$log" | head -n 40 >&2
        failed+=("$surface/typescript")
        continue
    fi
    # Every operation is a member of the generated `operations` interface.
    got=$(sed -n '/^export interface operations {/,/^}/p' "$out/$surface.ts" | grep -cE '^    "?[A-Za-z0-9_]+"?: \{$' || true)
    if [[ $got != "$want" ]]; then
        echo "clients: $surface: openapi-typescript: $got of $want operations" >&2
        failed+=("$surface/typescript")
    fi
    echo "clients: $surface: $want operations, Python and TypeScript" >&2
done
# Every generated Python module imports (a generator bug shows here).
if ! .venv/bin/python - "$out" "${SURFACES[@]}" <<'PY'
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
bad = []
for surface in sys.argv[2:]:
    pkg = importlib.import_module(f"{surface}_client.api")
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        try:
            importlib.import_module(mod.name)
        except Exception as e:
            bad.append(f"{mod.name}: {e}")
bad and print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
then
    echo "clients: generated Python modules that do not import (above)" >&2
    failed+=(python-imports)
fi
if ! "$node_modules/.bin/tsc" --noEmit --strict --skipLibCheck "$out"/*.ts > "$out/tsc.log" 2>&1; then
    echo "clients: the TypeScript types do not type-check:" >&2
    sed 's/^/    /' "$out/tsc.log" | head -n 40 >&2
    failed+=(tsc)
fi

stack_start clients
key=$("$STACK_BIN/platform" api-key create --name clients --permissions read,write 2> /dev/null |
    .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["key"])')
.venv/bin/python scripts/clients_smoke.py "http://127.0.0.1:$PORT" "$out" "$key" || failed+=(calls)
stack_server_errors clients && failed+=(server-errors)

if ((${#failed[@]})); then
    echo "clients: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "clients: every document generates complete clients; one call per surface passed" >&2
