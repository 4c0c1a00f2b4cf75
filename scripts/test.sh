#!/usr/bin/env bash
# `make test` (and so CI): every check, against a private emulator.
# Each step runs even if an earlier one failed, so one run reports every
# problem; the script exits non-zero if any step failed. The emulator it
# starts (on a free port, so it never clashes with `make dev`) is stopped on
# every exit path.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh

scripts/venv.sh test

port=
idp_port=
cleanup() {
    [[ -z $port ]] || scripts/emulator.sh stop "$port"
    [[ -z $idp_port ]] || scripts/idp.sh stop "$idp_port"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

AWS_ENDPOINT_URL=$(scripts/emulator.sh start free)
export AWS_ENDPOINT_URL
port=${AWS_ENDPOINT_URL##*:}
# The OpenID provider the federation tests sign in with (a real one, from PyPI).
FEDERATION_ISSUER=$(scripts/idp.sh start free)
export FEDERATION_ISSUER
idp_port=${FEDERATION_ISSUER##*:}

failed=()
step() {
    local name=$1
    shift
    echo "==> $name: $*" >&2
    if "$@"; then
        echo "==> $name: ok" >&2
    else
        echo "==> $name: FAILED (exit $?)" >&2
        failed+=("$name")
    fi
}

# The bootstrap smoke test uses its own table name so it cannot collide with
# tables the tests create; it runs twice because it must be idempotent.
bootstrap_twice() {
    TABLE_NAME=bootstrap-smoke cargo run -q -p platform-cli --bin platform -- bootstrap &&
        TABLE_NAME=bootstrap-smoke cargo run -q -p platform-cli --bin platform -- bootstrap
}

run_tests() {
    if cargo nextest --version > /dev/null 2>&1; then
        cargo nextest run --workspace
    else
        cargo test --workspace
    fi
}

step fmt cargo fmt --all -- --check
step sizes python3 scripts/check_sizes.py
step sam-validate sam validate --lint --template-file template.yaml
step actionlint actionlint
step clippy cargo clippy --workspace --all-targets -- -D warnings
# The emulator's transactions stay atomic under scripts/emulator.py's patches.
step emulator .venv/bin/python tools/bench/scripts/emulator-check.py
step bootstrap bootstrap_twice
# The README's walk-throughs as written, and `make events`, twice, against a dev stack of their own.
step walkthroughs scripts/walkthroughs.sh
step fuzz scripts/fuzz.sh
# OpenID Connect through relying-party libraries nobody here wrote.
step oidc-rp scripts/oidc-rp.sh
# The hosted pages in a real headless Chromium, with axe-core (docs/pages.md).
step browser scripts/browser.sh
# Clients generated from every document: no warning, no dropped operation.
step clients scripts/clients.sh
# Tests last, so the test runner's summary is the last thing before ours.
step tests run_tests

if ((${#failed[@]})); then
    echo "==> make test: FAILED steps: ${failed[*]}" >&2
    exit 1
fi
echo "==> make test: all steps passed" >&2
