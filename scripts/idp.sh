#!/usr/bin/env bash
# A real OpenID provider on loopback, for signing in through a social
# network without the internet: oidc-provider-mock (PyPI, pinned in
# scripts/idp-constraints.txt, installed into .local/idp-venv). Any client
# id and secret work; who signs in is typed on its form (or posted as `sub`).
#
#   scripts/idp.sh start [PORT|free]   start in the background, print its issuer URL
#   scripts/idp.sh stop PORT           stop the one started on PORT
set -euo pipefail

cd "$(dirname "$0")/.."
mkdir -p .local
VENV=.local/idp-venv

scripts/own-venv.sh "$VENV" scripts/idp-constraints.txt

cmd=${1:-}
port=${2:-9400}
if [[ $port == free ]]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
url=http://127.0.0.1:$port
pidfile=.local/idp-$port.pid
logfile=.local/idp-$port.log

answers() { curl -fsS -o /dev/null --max-time 2 "$url/.well-known/openid-configuration" 2>/dev/null; }

case $cmd in
start)
    if answers; then
        echo "$url"
        exit 0
    fi
    PYTHONWARNINGS=ignore setsid "$VENV/bin/oidc-provider-mock" --host 127.0.0.1 --port "$port" \
        > "$logfile" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    for _ in $(seq 100); do
        if answers; then
            echo "idp: OpenID provider on $url (log $logfile)" >&2
            echo "$url"
            exit 0
        fi
        sleep 0.2
    done
    echo "idp: the provider did not come up on $url; log $logfile:" >&2
    tail -n 20 "$logfile" >&2 || true
    exit 1
    ;;
stop)
    if [[ -f $pidfile ]]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    fi
    ;;
*)
    echo "usage: $0 start [PORT|free] | stop PORT" >&2
    exit 2
    ;;
esac
