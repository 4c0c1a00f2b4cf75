#!/usr/bin/env bash
# The hosted pages in a real headless Chromium (make browser; a step of
# make test): sign-up with the code read from the emulator's mailbox, sign
# in with the TOTP step, password reset, 2FA setup, signing out everywhere,
# a third-party client's authorization with consent (authlib checks the
# id_token), a site invitation accepted, RP-initiated logout, signing up,
# in, linking and unlinking through a social network at a real OpenID
# provider (oidc-provider-mock) and its refusals; passkeys added, used to
# sign in (button and conditional UI), renamed and removed with Chromium's
# virtual authenticator, at http://localhost:<port> (tests/browser/passkeys.py);
# every page checked with axe-core (no serious or critical violation) and
# for CSP refusals; screenshots in test-output/browser/.
#
# Installs what it needs: Debian's `chromium` (apt-get, as root, when
# missing and no Chrome is on PATH; CHROMIUM=/path picks one), Playwright for Python (pinned, scripts/browser-constraints.txt)
# into .local/browser-venv, axe-core (pinned) from npm into .local/axe.
# Runs against a private stack (scripts/stack.sh) on free ports.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh

AXE_VERSION=4.11.1
# Debian's chromium; elsewhere (GitHub's Ubuntu runners) a Chrome on PATH.
if [[ -z ${CHROMIUM:-} ]]; then
    CHROMIUM=/usr/bin/chromium
    for candidate in chromium google-chrome chromium-browser; do
        [[ -x $CHROMIUM ]] && break
        CHROMIUM=$(command -v "$candidate" || echo /usr/bin/chromium)
    done
fi
VENV=.local/browser-venv
AXE_DIR=.local/axe

[[ -x $CHROMIUM ]] || scripts/apt-install.sh browser chromium

scripts/own-venv.sh "$VENV" scripts/browser-constraints.txt

if [[ ! -f $AXE_DIR/node_modules/axe-core/axe.min.js || $(cat "$AXE_DIR/.version" 2> /dev/null) != "$AXE_VERSION" ]]; then
    command -v npm > /dev/null || { echo "browser: npm is required for axe-core (apt-get install npm)" >&2; exit 1; }
    echo "browser: installing axe-core@$AXE_VERSION into $AXE_DIR" >&2
    mkdir -p "$AXE_DIR"
    npm install --silent --no-audit --no-fund --prefix "$AXE_DIR" "axe-core@$AXE_VERSION" > /dev/null
    echo "$AXE_VERSION" > "$AXE_DIR/.version"
fi

source scripts/stack.sh
idp_port=
stop_all() {
    stack_stop
    [[ -z $idp_port ]] || scripts/idp.sh stop "$idp_port"
}
trap stop_all EXIT
trap 'exit 130' INT TERM
stack_start browser
# A real OpenID provider, and the stack's sign-in network at it.
IDP=$(scripts/idp.sh start free)
idp_port=${IDP##*:}
scripts/dev-network.sh "http://127.0.0.1:$PORT" "$IDP" "$STACK_BIN/platform"

rm -rf test-output/browser && mkdir -p test-output/browser
rc=0
BASE=http://127.0.0.1:$PORT MAILBOX=$AWS_ENDPOINT_URL/_emulator/ses/messages \
    AXE=$AXE_DIR/node_modules/axe-core/axe.min.js CHROMIUM=$CHROMIUM SHOTS=test-output/browser \
    PLATFORM=$STACK_BIN/platform IDP=$IDP \
    "$VENV/bin/python" tests/browser/pages.py || rc=$?
if stack_server_errors browser; then
    rc=1
fi
exit "$rc"
