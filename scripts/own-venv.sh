#!/usr/bin/env bash
# A Python venv of a tool's own, kept apart from .venv so its pins never
# touch the main lock: scripts/own-venv.sh DIR CONSTRAINTS installs
# CONSTRAINTS into DIR, again only when the pins or Python changed.
set -euo pipefail
venv=$1 constraints=$2
want=$(cat "$constraints"; python3 -c 'import sys; print(sys.version)')
if [[ ! -f $venv/.stamp || $(cat "$venv/.stamp") != "$want" ]]; then
    echo "venv: installing $constraints into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip --disable-pip-version-check --no-input -q install -r "$constraints"
    printf '%s' "$want" > "$venv/.stamp"
fi
