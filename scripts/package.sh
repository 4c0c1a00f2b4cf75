#!/usr/bin/env bash
# `make package`: `sam build` of every function, as a pipeline runs it, then
# one zip per function and a table of sizes.
#
#   scripts/package.sh                 build (release, arm64, provided.al2023)
#   scripts/package.sh --parallel ...  extra arguments go to `sam build`
#
# No Docker: SAM's rust-cargolambda build method runs
# `cargo lambda build --release --arm64 --bin <Binary>` in each function's
# crate directory (template.yaml: CodeUri, Metadata.BuildProperties.Binary),
# all into the workspace's shared target/ (dependencies compile once).
# cargo-lambda cross-compiles for aarch64-unknown-linux-gnu and links with
# zig: both come from .venv (scripts/venv.sh: cargo-lambda and ziglang from
# PyPI), and scripts/bin/zig puts the wheel's compiler on PATH as `zig`. The
# Rust target is added with rustup if missing.
#
# Output: .aws-sam/build/<Function>/bootstrap and .aws-sam/build/template.yaml
# (what `sam deploy` uploads), plus .aws-sam/zips/<Function>.zip (bootstrap
# alone, deflated, as Lambda receives it) for the size table and for CI to
# keep as artifacts. A release build of every function from a cold target/
# needs about 15 minutes of CPU (one LTO link per function); after a change,
# a few minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
started=$SECONDS

scripts/venv.sh package
export PATH="$root/scripts/bin:$root/.venv/bin:$PATH"
export SAM_CLI_TELEMETRY=0

target=aarch64-unknown-linux-gnu
if ! rustc --print target-libdir --target "$target" > /dev/null 2>&1 ||
    [[ ! -d $(rustc --print target-libdir --target "$target") ]]; then
    if ! command -v rustup > /dev/null; then
        echo "package: the Rust target $target is missing and there is no rustup to add it" >&2
        exit 1
    fi
    echo "package: adding the Rust target $target" >&2
    rustup target add "$target"
fi
if ! zig version > /dev/null 2>&1; then
    echo "package: zig does not run (scripts/bin/zig -> .venv's ziglang); run scripts/venv.sh" >&2
    exit 1
fi
echo "package: cargo-lambda $(cargo-lambda lambda --version | awk '{print $2}'), zig $(zig version), $(rustc --version)" >&2

# --beta-features: rust-cargolambda is still a beta build method (samconfig.toml
# enables it too; the flag keeps this independent of the config env).
sam build --beta-features --template-file template.yaml "$@"

# One zip per function, bootstrap only (what `sam deploy` uploads for it).
mkdir -p .aws-sam/zips
rm -f .aws-sam/zips/*.zip
.venv/bin/python - <<'PY'
import os, zipfile

build, zips = ".aws-sam/build", ".aws-sam/zips"
rows = []
for name in sorted(os.listdir(build)):
    bootstrap = os.path.join(build, name, "bootstrap")
    if not os.path.isfile(bootstrap):
        continue
    out = os.path.join(zips, name + ".zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(bootstrap, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
    rows.append((name, os.path.getsize(bootstrap), os.path.getsize(out)))
if not rows:
    raise SystemExit("package: no bootstrap under .aws-sam/build")
mb = lambda n: f"{n / 1e6:6.2f} MB"
print(f"{'function':<24} {'bootstrap':>10} {'zipped':>10}")
for name, raw, zipped in rows:
    print(f"{name:<24} {mb(raw):>10} {mb(zipped):>10}")
print(f"{'total':<24} {mb(sum(r[1] for r in rows)):>10} {mb(sum(r[2] for r in rows)):>10}")
PY
echo "package: done in $((SECONDS - started)) s; deploy with: sam deploy --config-env dev (docs/deploy.md)" >&2
