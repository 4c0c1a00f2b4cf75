#!/usr/bin/env bash
# The local AWS emulator: moto's server on 127.0.0.1.
#
#   scripts/emulator.sh start [PORT]   start in the background, wait until it
#                                      answers, print its URL on stdout.
#                                      PORT defaults to 5000; "free" picks a free one.
#   scripts/emulator.sh stop [PORT]    stop the one started on PORT (default 5000)
#   scripts/emulator.sh run [PORT]     run in the foreground (Ctrl-C stops it)
#
# Pid and log files are per port (.local/moto-PORT.{pid,log}) so that a test
# run's emulator on a free port never touches the dev one on 5000.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/venv.sh
mkdir -p .local

cmd=${1:-}
port=${2:-5000}
if [[ $port == free ]]; then
    # Ask the kernel for an unused port (a small race with other processes
    # is possible, but start fails loudly if the port was taken meanwhile).
    port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
url=http://127.0.0.1:$port
pidfile=.local/moto-$port.pid
logfile=.local/moto-$port.log

answers() { curl -fsS -o /dev/null --max-time 2 "$url/moto-api/" 2>/dev/null; }
alive() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case $cmd in
run)
    echo "emulator: moto on $url (Ctrl-C to stop)" >&2
    exec .venv/bin/python scripts/emulator.py -H 127.0.0.1 -p "$port"
    ;;
start)
    if alive && answers; then
        echo "emulator: already running on $url (pid $(cat "$pidfile"))" >&2
        echo "$url"
        exit 0
    fi
    if answers; then
        # e.g. `make emulator` in another terminal: use it, and leave it
        # running on `stop` (no pid file is written for it).
        echo "emulator: reusing the moto already answering on $url (not started here)" >&2
        echo "$url"
        exit 0
    fi
    # setsid: its own process group, so a Ctrl-C meant for the foreground job
    # does not kill it before the caller's cleanup trap runs `stop`.
    setsid .venv/bin/python scripts/emulator.py -H 127.0.0.1 -p "$port" > "$logfile" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    for _ in $(seq 150); do # up to 30 s; it usually takes 1-2 s
        if answers; then
            echo "emulator: moto on $url (pid $(cat "$pidfile"), log $logfile)" >&2
            echo "$url"
            exit 0
        fi
        alive || break
        sleep 0.2
    done
    echo "emulator: moto did not come up on $url; log $logfile:" >&2
    tail -n 30 "$logfile" >&2 || true
    "$0" stop "$port" || true
    exit 1
    ;;
stop)
    if [[ -f $pidfile ]]; then
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            # Wait so that a restart on the same port does not race the old one.
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            echo "emulator: stopped moto on $url (pid $pid)" >&2
        fi
        rm -f "$pidfile"
    fi
    ;;
*)
    echo "usage: $0 start|stop|run [PORT|free]" >&2
    exit 2
    ;;
esac
