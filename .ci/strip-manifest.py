"""Prints Cargo.toml without what only tests, examples and benches need.

Debian's cargo 1.65 (our route to rustc 1.63, wasm32 and Cortex-M) resolves
dev-dependencies too, and today's releases of those need a newer cargo. The
library itself does not use them, so the MSRV and cross builds use a copy of
the crate with this manifest. The copy is built alone, under target/ of the
workspace, so its [workspace] table (which names the command-line tool) is
replaced by an empty one that makes the copy its own workspace.
"""
import re
import sys

DROP = re.compile(r"^\[(dev-dependencies|target\..*\.dev-dependencies|workspace)\]$|^\[\[(bench|example|test)\]\]$")
keep = True
for line in open(sys.argv[1]):
    stripped = line.strip()
    if stripped.startswith("["):
        keep = not DROP.match(stripped)
    if keep:
        sys.stdout.write(line)
sys.stdout.write("\n[workspace]\n")
