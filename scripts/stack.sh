# A private dev stack for scripts that run against the live platform
# (scripts/walkthroughs.sh, scripts/fuzz.sh). Sourced, not run:
#
#   source scripts/stack.sh
#   trap stack_stop EXIT; trap 'exit 130' INT TERM
#   stack_start NAME      builds platform-cli and dev-server, starts an emulator
#                         and the dev server on free ports (never 3000/5000),
#                         bootstraps, and exports AWS_ENDPOINT_URL, PORT,
#                         OAUTH_ISSUER; sets STACK_EMULATOR_PORT, STACK_BIN
#                         (the target dir's debug/, or STACK_PROFILE's) and
#                         STACK_WORK (a temp dir)
#   stack_server_errors NAME   0 if the dev server logged a 5xx or a panic (and shows them)
#   stack_stop            stops what stack_start started and removes STACK_WORK
#
# Run from the repository root with scripts/env.sh sourced.

STACK_WORK=$(mktemp -d)
STACK_EMULATOR_PORT=
STACK_BIN=
stack_server_pid=

stack_stop() {
    if [[ -n $stack_server_pid ]] && kill -0 "$stack_server_pid" 2> /dev/null; then
        kill "$stack_server_pid" 2> /dev/null || true
        for _ in $(seq 50); do kill -0 "$stack_server_pid" 2> /dev/null || break; sleep 0.1; done
        kill -9 "$stack_server_pid" 2> /dev/null || true
    fi
    [[ -z $STACK_EMULATOR_PORT ]] || scripts/emulator.sh stop "$STACK_EMULATOR_PORT"
    rm -rf "$STACK_WORK"
}

stack_start() {
    local name=$1
    scripts/venv.sh
    # STACK_PROFILE=release (make bench): the binaries as deployed.
    local profile=${STACK_PROFILE:-debug} flags=()
    [[ $profile == debug ]] || flags=(--profile "$profile")
    if ! cargo build -q "${flags[@]}" -p platform-cli -p dev-server 2> "$STACK_WORK/build.log"; then
        cat "$STACK_WORK/build.log" >&2
        exit 1
    fi
    STACK_BIN=${CARGO_TARGET_DIR:-$PWD/target}/$profile

    AWS_ENDPOINT_URL=$(scripts/emulator.sh start free)
    export AWS_ENDPOINT_URL
    STACK_EMULATOR_PORT=${AWS_ENDPOINT_URL##*:}
    PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export PORT OAUTH_ISSUER=http://127.0.0.1:$PORT

    "$STACK_BIN/platform" bootstrap > /dev/null
    "$STACK_BIN/dev-server" > "$STACK_WORK/dev-server.log" 2>&1 < /dev/null &
    stack_server_pid=$!
    for _ in $(seq 150); do
        curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/.well-known/jwks.json" 2> /dev/null && break
        kill -0 "$stack_server_pid" 2> /dev/null || {
            echo "$name: the dev server exited:" >&2
            tail -n 30 "$STACK_WORK/dev-server.log" >&2
            exit 1
        }
        sleep 0.2
    done
    echo "$name: emulator $AWS_ENDPOINT_URL, dev server http://127.0.0.1:$PORT" >&2
}

stack_server_errors() {
    local pattern='"status":5[0-9][0-9]|status=5[0-9][0-9]|panicked'
    # The log is coloured: strip the escapes before looking.
    sed 's/\x1b\[[0-9;]*m//g' "$STACK_WORK/dev-server.log" > "$STACK_WORK/dev-server.txt"
    grep -qE "$pattern" "$STACK_WORK/dev-server.txt" || return 1
    echo "$1: the dev server logged a 5xx or a panic:" >&2
    grep -E "$pattern" "$STACK_WORK/dev-server.txt" | head -n 20 | sed 's/^/    /' >&2
}
