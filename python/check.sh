#!/usr/bin/env bash
# Builds the wheel with maturin, installs it into a fresh virtual
# environment (nothing from the source tree on the path), and checks it
# there: pytest, mypy --strict on a typed caller, stubtest of the stubs
# against the module. Usage: python/check.sh MATURIN (a maturin executable).
set -euo pipefail
MATURIN=${1:?give the maturin executable}
cd "$(dirname "$0")/.."
ROOT=$PWD
WHEELS=$ROOT/target/python-wheels
VENV=$ROOT/target/python-venv
rm -rf "$WHEELS" "$VENV"
CARGO_TARGET_DIR=$ROOT/target/python "$MATURIN" build --quiet --release -m python/Cargo.toml --out "$WHEELS"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check pytest==8.3.4 mypy==1.13.0 "$WHEELS"/ticketmatic_sign-*.whl
ls -l "$WHEELS"
# From outside the source tree, so that only the installed package is imported.
cd "$ROOT/target"
"$VENV/bin/pytest" -q -s -p no:cacheprovider "$ROOT/python/tests"
"$VENV/bin/mypy" --strict --no-incremental "$ROOT/python/tests/usage.py"
"$VENV/bin/python" -m mypy.stubtest ticketmatic_sign
"$VENV/bin/python" "$ROOT/python/tests/usage.py" >/dev/null
echo "python: the wheel passes pytest, mypy --strict and stubtest in a fresh virtual environment"
