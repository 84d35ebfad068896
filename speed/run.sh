#!/usr/bin/env bash
# One run, every language: each language's standard-library implementation
# against the binding, on speed/workload.json (see README.md). Prints the
# Markdown table and writes it to target/speed.md. Needs what .ci/run
# builds first: the C ABI (target/ffi), the Python package in
# target/python-venv, the JavaScript module (js/) with js/node_modules
# (Playwright) and Debian's Chromium, php and go.
# SPEED_BATCH_MS (default 100) is the length of each of the 5 timed batches.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/target/python-venv/bin/python}
OUT=$ROOT/target/speed.jsonl
: >"$OUT"
(cd speed/go && GOFLAGS=-mod=mod GOPROXY=off go build -o "$ROOT/target/speed-go" .)
"$PYTHON" speed/python.py >>"$OUT"
php speed/php.php >>"$OUT"
"$ROOT/target/speed-go" speed/workload.json >>"$OUT"
node speed/node.mjs >>"$OUT"
node speed/chromium.mjs >>"$OUT"
python3 - "$OUT" "$ROOT/target/speed.md" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
table = {}
for r in rows:
    table.setdefault((r["language"], r["binding"], r["op"]), {})[r["impl"]] = r["ns"]
lines = ["| language | binding | operation | standard library | binding | stdlib / binding |",
         "|---|---|---|---:|---:|---:|"]
for (language, binding, op), t in table.items():
    lines.append(f"| {language} | {binding} | {op} | {t['stdlib']:,.0f} ns | {t['binding']:,.0f} ns "
                 f"| {t['stdlib'] / t['binding']:.2f}x |")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text, end="")
PY
