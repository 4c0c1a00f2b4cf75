#!/usr/bin/env bash
# Runs the README's walk-throughs as written, against a dev stack of its own.
#
#   scripts/walkthroughs.sh [FILE...]     default: README.md and the API pages listed below
#   ROUNDS=1 scripts/walkthroughs.sh      default: 2 (a walk-through must work twice)
#   ONLY='Social' scripts/walkthroughs.sh run only the sections whose "FILE: heading" matches
#                                         (ONLY='events': only `make events`)
#
# Every section whose heading starts with "Walk-through" is one script: its
# ```sh blocks, after those of the "Before the walk-throughs" section (the
# environment a reader sets up once), run with `bash -euo pipefail` from the
# repository root. The stack is private: its own emulator and dev server on
# free ports (never 3000/5000), so the only change to the text is the port
# numbers (127.0.0.1:3000 and :5000 become the private ones). All sections
# run ROUNDS times in a row against the same stack, so each must also work
# when its earlier runs left data behind. Each round ends with `make events`
# (scripts/events.sh: every file of events/ answers as events/expected.json
# says) on the same stack, so it too runs on a used stack; ONLY='events'
# runs only it. The stack is stopped on every exit path.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/env.sh
ROUNDS=${ROUNDS:-2}
ONLY=${ONLY:-}
files=("$@")
# The README and the API pages whose walk-throughs are written to be run.
((${#files[@]})) || files=(README.md docs/api/accounts.md docs/api/social-networks.md)

# The walk-throughs need jq; CI (and this container) run as root.
command -v jq > /dev/null || scripts/apt-install.sh walkthroughs jq

source scripts/stack.sh
trap stack_stop EXIT
trap 'exit 130' INT TERM
stack_start walkthroughs
work=$STACK_WORK
emulator_port=$STACK_EMULATOR_PORT

# One script per "Walk-through" section, as NAME<TAB>PATH lines.
.venv/bin/python - "$work" "$PORT" "$emulator_port" "$ONLY" "${files[@]}" > "$work/sections" <<'PY'
import os, re, sys
work, port, emulator_port, only, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

def sections(text):
    """(level, heading, [sh blocks]) for every heading of the file."""
    out, current, block = [], None, None
    for line in text.splitlines():
        if block is not None:
            if line.strip() == "```":
                current[2].append("\n".join(block))
                block = None
            else:
                block.append(line)
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            current = (len(m.group(1)), m.group(2).strip(), [])
            out.append(current)
        elif current is not None and re.match(r"^```(sh|bash|shell)\s*$", line.strip()):
            block = []
    return out

def ports(script):
    for host in ("127.0.0.1", "localhost"):
        script = script.replace(f"{host}:3000", f"{host}:{port}")
        script = script.replace(f"{host}:5000", f"{host}:{emulator_port}")
    return script

def prelude_of(found):
    return [b for _, h, bs in found if h.lower().startswith("before the walk-through") for b in bs]

readme_prelude = prelude_of(sections(open("README.md").read()))
n = 0
for path in files:
    found = sections(open(path).read())
    # A page without its own set-up (docs/api/*.md) uses the README's.
    prelude = prelude_of(found) or readme_prelude
    for _, heading, blocks in found:
        if not heading.lower().startswith("walk-through") or not blocks:
            continue
        if only and not re.search(only, f"{path}: {heading}"):
            continue
        n += 1
        script = os.path.join(work, f"walkthrough-{n}.sh")
        with open(script, "w") as f:
            f.write(f"# {path}: {heading}\n")
            f.write(ports("\n".join(prelude + blocks)) + "\n")
        print(f"{path}: {heading}\t{script}")
if n == 0 and not (only and re.search(only, "make events")):
    sys.exit("walkthroughs: no 'Walk-through' section with a ```sh block in " + " ".join(files))
PY

# `make events` against the stack: its N/N line, or the events that missed.
replay_events() {
    local round=$1 log=$work/events.round$1.log started=$SECONDS
    if scripts/events.sh > "$log" 2>&1 < /dev/null; then
        echo "walkthroughs: round $round: ok     make events: $(tail -n 1 "$log" | sed "s/^events: //") ($((SECONDS - started)) s)" >&2
    else
        echo "walkthroughs: round $round: FAILED make events (exit $?):" >&2
        grep -E '^(~|!|-) |^events:' "$log" | tail -n 40 | sed 's/^/    /' >&2
        failed+=("round $round: make events")
    fi
}

failed=()
for round in $(seq "$ROUNDS"); do
    while IFS=$'\t' read -r name script; do
        started=$SECONDS
        # A fresh shell per section, in the repository root, with nothing of
        # this script's environment but what env.sh sets (as a reader's shell).
        if env -u AWS_ENDPOINT_URL -u PORT -u OAUTH_ISSUER bash -x -euo pipefail "$script" > "$script.round$round.log" 2>&1 < /dev/null; then
            echo "walkthroughs: round $round: ok     $name ($((SECONDS - started)) s)" >&2
        else
            rc=$?
            echo "walkthroughs: round $round: FAILED $name (exit $rc); the end of its trace:" >&2
            grep -v '^++ ' "$script.round$round.log" | tail -n 40 | sed 's/^/    /' >&2
            failed+=("round $round: $name")
        fi
    done < "$work/sections"
    if [[ -z $ONLY || "make events" =~ $ONLY ]]; then
        replay_events "$round"
    fi
done

if stack_server_errors walkthroughs; then
    failed+=("dev server 5xx/panic")
fi

if ((${#failed[@]})); then
    printf 'walkthroughs: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "walkthroughs: every walk-through and make events passed $ROUNDS times" >&2
