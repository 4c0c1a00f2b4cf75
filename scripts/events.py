"""Replays the API Gateway events of events/ against a running `make dev`
and checks each answers the status events/expected.json names.

Run through scripts/events.sh (which sets the environment and builds the
CLI). The placeholders are made in the stack for the events chosen
(scripts/events_fill.py); events/README.md lists them. Prints N/N and exits
non-zero unless every event answered as expected.

    scripts/events.sh                      every event
    scripts/events.sh users/get-me.json    one event (or several; paths under events/)
    scripts/events.sh --fill               only print the placeholder values (NAME=value)
    scripts/events.sh --print users/get-me.json   print the filled event (for `sam local invoke -e -`)
"""

import base64
import json
import os
import re
import sys

from events_fill import API, cleanup, fill, http

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENTS = os.path.join(ROOT, "events")


def placeholders(text):
    return sorted(set(re.findall(r"\{\{([A-Z0-9_]+)\}\}", text)))


def filled(rel, values):
    """The event's text with every placeholder filled, and the names left.
    A value in the environment (`NAME=value scripts/events.sh ...`) wins."""
    text = open(os.path.join(EVENTS, rel)).read()
    for name in placeholders(text):
        value = os.environ.get(name, values.get(name))
        if value is not None:
            text = text.replace("{{" + name + "}}", value)
    return text, placeholders(text)


def replay(text):
    event = json.loads(text)
    http_ctx = event["requestContext"]["http"]
    path = event.get("rawPath") or http_ctx["path"]
    if event.get("rawQueryString"):
        path += "?" + event["rawQueryString"]
    headers = {k: v for k, v in (event.get("headers") or {}).items()
               if k.lower() not in ("host", "content-length")}
    if event.get("cookies"):
        headers["cookie"] = "; ".join(event["cookies"])
    body = event.get("body")
    if body is not None and event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    return http(http_ctx["method"], path, body, headers)


def names_in(rels):
    """The placeholders the events `rels` name."""
    return {n for rel in rels for n in placeholders(open(os.path.join(EVENTS, rel)).read())}


def event_files():
    return sorted(json.load(open(os.path.join(EVENTS, "expected.json"))))


def main(args):
    expected = json.load(open(os.path.join(EVENTS, "expected.json")))
    if args[:1] == ["--fill"]:
        for name, value in sorted(fill(names_in(expected)).items()):
            if name.isupper():  # the placeholders, not what they were made with
                print(f"{name}={value}")
        return 0
    if args[:1] == ["--print"]:
        if len(args) != 2:
            sys.exit("usage: scripts/events.sh --print GROUP/EVENT.json")
        rel = args[1].removeprefix("events/")
        text, left = filled(rel, fill(names_in([rel])))
        if left:
            sys.exit(f"events: set {', '.join(left)} in the environment to fill {args[1]}")
        print(text)
        return 0
    wanted = [a.removeprefix("events/") for a in args] or event_files()
    for rel in wanted:
        if rel not in expected:
            sys.exit(f"events: no events/{rel} (see events/expected.json for the list)")
    values = fill(n for n in names_in(wanted) if n not in os.environ)
    passed = 0
    try:
        for rel in wanted:
            passed += replay_one(rel, values, expected[rel])
    finally:
        cleanup(values)
    print(f"events: {passed}/{len(wanted)} answered as events/expected.json says ({API})")
    return 0 if passed == len(wanted) else 1


def replay_one(rel, values, want):
    """Replays one event and prints its line; True if it answered `want`."""
    event, left = filled(rel, values)
    if left:
        print(f"- ---  {rel}   (nothing makes {', '.join(left)}: set it in the environment)")
        return False
    status, _, text = replay(event)
    mark = "  " if status == want else ("! " if status >= 500 else "~ ")
    note = "" if status == want else f"   (expected {want})"
    print(f"{mark}{status}  {rel}{note}")
    print("      " + " ".join(text.split())[:200])
    return status == want


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
