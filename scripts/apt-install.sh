#!/usr/bin/env bash
# Installs Debian packages a script needs when it runs as root with apt-get
# (CI, this container): scripts/apt-install.sh WHO PACKAGE... Exits 1 with a
# hint otherwise.
set -euo pipefail
who=$1
shift
if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
    echo "$who: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" > /dev/null || { apt-get update -q > /dev/null && apt-get install -y -q "$@" > /dev/null; }
else
    echo "$who: $* required (apt-get install $* / brew install $*)" >&2
    exit 1
fi
