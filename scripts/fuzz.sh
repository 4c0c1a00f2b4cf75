#!/usr/bin/env bash
# Fuzzes every HTTP surface against its OpenAPI document (openapi/*.yaml),
# on a dev stack of its own (scripts/stack.sh: emulator and dev server on
# free ports, stopped on every exit path), with real credentials
# (scripts/fuzz_credentials.py): schemathesis generates requests from each
# document, as the dev server serves it, and checks that no answer is a 5xx
# and that every answer's status, content type and body are the document's.
#
#   scripts/fuzz.sh                   every surface
#   SURFACES='users app' scripts/fuzz.sh
#   EXAMPLES=25 SEED=7 scripts/fuzz.sh    per-operation cap (default 10), seed (default 1)
#
# Operations tagged `session-ending` (logout, logout-all, ban, force
# logout) run last, so the credentials live through every other operation.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
source scripts/env.sh
SURFACES=${SURFACES:-accounts oauth socialnetworks sites users app webhooks passkeys}
EXAMPLES=${EXAMPLES:-10}
SEED=${SEED:-1}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

scripts/venv.sh test   # schemathesis
source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start fuzz
started=$SECONDS
base=http://127.0.0.1:$PORT
.venv/bin/python scripts/fuzz_credentials.py "$base" "$STACK_BIN/platform" "$STACK_WORK"

failed=()
summary=()
# fuzz NAME SURFACE HEADERS [schemathesis filters...]
fuzz() {
    local name=$1 surface=$2 headers=() line log=$STACK_WORK/$1.log
    while IFS= read -r line; do headers+=(-H "$line"); done < "$STACK_WORK/$3.headers"
    shift 3 # the rest: schemathesis filters
    local rc=0
    # From the stack's directory: schemathesis keeps a cache where it runs.
    (cd "$STACK_WORK" && "$root/.venv/bin/st" --config-file "$surface.toml" run "$base/openapi/$surface.yaml" \
        --url "$base" --checks "$CHECKS" --max-examples "$EXAMPLES" --seed "$SEED" \
        --phases examples,coverage,fuzzing --max-redirects 0 --workers 1 --no-shrink \
        --request-timeout 30 --no-color --suppress-health-check all --warnings off \
        --generation-database none "${headers[@]}" "$@") > "$log" 2>&1 || rc=$?
    # The summary: the counts of operations, test cases, failures.
    local counts
    # (None when schemathesis stopped before testing: then its log says why.)
    counts=$(sed -n '/SUMMARY/,$p' "$log" | grep -E 'Tested:|generated' | tr -s ' ' | paste -sd ';' -) || true
    summary+=("$name: ${counts:-no summary (see below)}")
    if ((rc != 0)); then
        failed+=("$name")
        echo "fuzz: $name FAILED (schemathesis exit $rc); its report:" >&2
        sed -n '/FAILURES\|ERRORS/,$p' "$log" | head -n 120 | sed 's/^/    /' >&2
        [[ -s $log ]] && grep -q 'FAILURES\|ERRORS' "$log" || tail -n 40 "$log" | sed 's/^/    /' >&2
    fi
}

backend_paths='^/api/(check/(validate|email|login)/|users/|user/)'
for surface in $SURFACES; do
    case $surface in
    accounts) fuzz accounts accounts none ;;
    oauth) fuzz oauth oauth oauth ;;
    socialnetworks) fuzz socialnetworks socialnetworks key ;;
    webhooks) fuzz webhooks webhooks key ;;
    passkeys) fuzz passkeys passkeys users ;;
    sites) fuzz sites sites sites ;;
    users) fuzz users users users --exclude-tag session-ending ;;
    app)
        fuzz app app app --exclude-tag session-ending --exclude-tag backend
        fuzz app-backend app key --exclude-tag session-ending --include-path-regex "$backend_paths"
        ;;
    *) echo "fuzz: no surface $surface" >&2; exit 2 ;;
    esac
done
for surface in $SURFACES; do
    case $surface in
    users) fuzz users-ending users users --include-tag session-ending ;;
    app) fuzz app-ending app app_key --include-tag session-ending ;;
    esac
done

if stack_server_errors fuzz; then
    failed+=("dev server 5xx/panic")
fi
# What the fuzzing reached: the answers per route, by status class (not
# counting the 405s of the methods a route does not take).
sed 's/\x1b\[[0-9;]*m//g' "$STACK_WORK/dev-server.log" | .venv/bin/python -c '
import collections, re, sys
seen = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    m = re.search(r"status=(\d\d\d) .*method=(\w+) route=.([^ ]+).", line)
    if m and m[1] != "405":
        seen[m[2] + " " + m[3].strip(chr(34))][m[1][0] + "xx"] += 1
for route in sorted(seen, key=lambda r: r.split()[1]):
    print("fuzz:   %-60s %s" % (route, " ".join("%s %d" % kv for kv in sorted(seen[route].items()))))
ok = sum(1 for counts in seen.values() if counts["2xx"])
print("fuzz: %d routes answered, %d of them with a 2xx" % (len(seen), ok))
' >&2
printf 'fuzz: %s\n' "${summary[@]}" >&2
echo "fuzz: $((SECONDS - started)) s of fuzzing" >&2
if ((${#failed[@]})); then
    printf 'fuzz: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "fuzz: every surface answered as documented, no 5xx" >&2
