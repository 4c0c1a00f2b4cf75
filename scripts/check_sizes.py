#!/usr/bin/env python3
"""Size rules of docs/conventions.md: no production Rust file over 400
lines, no production function over 80. Production means outside tests/,
tools/bench and `#[cfg(test)]` modules. Prints each offender; exits 1 if
there is any."""

import pathlib
import re
import sys

MAX_FILE, MAX_FN = 400, 80
ROOTS = ["shared", "functions", "tools/dev-server", "tools/platform-cli"]
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)")


def production_lines(text):
    """The file's lines up to its `#[cfg(test)]` module."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "#[cfg(test)]":
            return lines[:i]
    return lines


def long_functions(lines):
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        indent = len(line) - len(line.lstrip())
        for j in range(i + 1, len(lines)):
            candidate = lines[j]
            if candidate.strip() == "}" and len(candidate) - len(candidate.lstrip()) == indent:
                if j - i + 1 > MAX_FN:
                    yield m.group(6), i + 1, j - i + 1
                break


def main():
    offenders = []
    for root in ROOTS:
        for path in sorted(pathlib.Path(root).rglob("*.rs")):
            lines = production_lines(path.read_text())
            if len(lines) > MAX_FILE:
                offenders.append(f"{path}: {len(lines)} lines (max {MAX_FILE})")
            for name, line, length in long_functions(lines):
                offenders.append(f"{path}:{line}: fn {name} is {length} lines (max {MAX_FN})")
    for o in offenders:
        print(o)
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
