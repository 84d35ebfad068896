"""Prints embedded/run.sh's measurements as tables and checks the budgets.

- flash: `.text` + `.rodata` of the probe firmware (src/bin/probe.rs) with an
  operation group linked, minus the stub's, at opt-level "s" and "z";
- instructions and stack of each operation beside its floor, from the vector
  firmware's log (`measure ...` lines, counted on the emulated chip);
- panic sites: the functions of the linked probe (every group, opt-level
  "s") from which a call chain reaches the panic handler, found in its
  disassembly (llvm-objdump).

Exits 1 if a budget is exceeded.
"""
import argparse
import glob
import re
import shutil
import struct
import subprocess
import sys

# Budgets. Stack and header are the project's targets, and met (2,032 bytes
# at most and 1.10x when last set). Flash is not: the target is 12 KiB; the
# budget is set 44 bytes above the 14,292 reached, so that it can only go
# down. It was 13,824 over 13,448 until the owned signer (texts copied into
# the signer) and return-URL verification that takes whole URLs added 844
# bytes (issue 21); it was 16 KiB over 15,460 before that.
FLASH_BUDGET = 14_336  # everything, opt-level "s"
FLASH_TARGET = 12 * 1024
STACK_BUDGET = 2 * 1024  # any operation
HEADER_BUDGET = 1.10  # header instructions / its floor

TARGET = "thumbv7em-none-eabi"


def sections(path):
    """{name: size} of an ELF32 little-endian file's sections."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    headers = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = headers[shstrndx][4]
    result = {}
    for name, _type, _flags, _addr, _offset, size, *_ in headers:
        end = data.index(b"\0", names_at + name)
        result[data[names_at + name:end].decode()] = size
    return result


def flash(out, variant):
    s = sections(f"{out}/{variant}/{TARGET}/release/probe")
    return s.get(".text", 0) + s.get(".rodata", 0)


# Where the bytes of "everything" come from, by the symbols' names. Code the
# optimizer inlined counts where it landed: hmac's key setup inlined into
# `Signer::new` is the crate's here.
ORIGINS = [
    ("the crate (and the probe's calls into it)", re.compile(r"^(ticketmatic_sign|probe)::|^<ticketmatic_sign::")),
    ("hmac, sha2, digest, generic_array, block_buffer",
     re.compile(r"^<?(hmac|sha2|digest|generic_array|block_buffer)::")),
    ("core (`str::from_utf8`, and panic code if any)", re.compile(r"^<?core::")),
    ("compiler_builtins (memcpy, memset, memcmp)", re.compile(r"^(<?compiler_builtins::|__aeabi_|mem)")),
    ("the probe's entry and panic handler, beside the stub's", re.compile(r"^(main|rust_begin_unwind|ticketmatic_panic_reached)$")),
]


CONSTANTS = "constants (.rodata: SHA-256's round constants, core's UTF-8 table, strings)"


def symbol_sizes(elf):
    """{(name, kind): size} of the text (t/T) and read-only (r/R) symbols."""
    out = subprocess.run([tool("llvm-nm"), "--size-sort", "-S", "--demangle", elf], capture_output=True, text=True,
                         check=True).stdout
    sizes = {}
    for line in out.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4 and fields[2] in "tTrR":
            sizes[(readable(fields[3]), fields[2].lower())] = int(fields[1], 16)
    return sizes


def flash_origins(out):
    """[(origin, bytes)] of what "everything" adds at opt-level "s", summing
    to the total (the rest is alignment padding)."""
    probe, stub = (symbol_sizes(f"{out}/probe-s-{v}/{TARGET}/release/probe") for v in ("all", "stub"))
    totals = {name: 0 for name, _ in ORIGINS}
    totals[CONSTANTS] = 0
    for (name, kind), size in probe.items():
        size -= stub.get((name, kind), 0)
        if size == 0:
            continue
        if kind == "r":
            totals[CONSTANTS] += size
            continue
        origin = next((o for o, pattern in ORIGINS if pattern.search(name)), None)
        if origin is None:
            sys.exit(f"report.py: which library is {name!r} from? (add it to ORIGINS)")
        totals[origin] += size
    total = flash(out, "probe-s-all") - flash(out, "probe-s-stub")
    rows = list(totals.items())
    rows.append(("alignment padding", total - sum(totals.values())))
    return rows


def objdump():
    return tool("llvm-objdump")


PANIC_ROOTS = re.compile(r"core::panicking::|panic_bounds_check|core::slice::index::.*_fail|"
                         r"core::result::unwrap_failed|core::option::expect_failed|"
                         r"rust_begin_unwind|ticketmatic_panic_reached|core::str::slice_error_fail")


def readable(symbol):
    """A Rust symbol as llvm-objdump 14 leaves it, with its escapes undone."""
    symbol = re.sub(r"::h[0-9a-f]{16}$", "", symbol)
    for escape, char in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$C$", ","), ("$u5b$", "["),
                         ("$u5d$", "]"), ("$RF$", "&"), ("$BP$", "*"), ("..", "::")):
        symbol = symbol.replace(escape, char)
    return symbol[1:] if symbol.startswith("_<") else symbol


# Code that is not the crate's and only passes a panic on.
NOT_SITES = re.compile(r"^(core::|compiler_builtins::|main$|__stext$|probe::)")
# The probe's own functions, into which the optimizer inlines the crate's
# operations: a panicking call there is reported by the crate's source line.
PROBE = re.compile(r"^probe::")


def tool(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/llvm-*/bin/{name}"))), None)
    if not found:
        sys.exit(f"report.py: {name} is missing (apt-get install llvm)")
    return found


def inlined_from(elf, address):
    """The crate's function that the instruction at `address` was inlined
    from (the innermost of the crate's frames), with the source line the
    instruction comes from, or None."""
    frames = subprocess.run([tool("llvm-symbolizer"), "--inlining", "--demangle", f"--obj={elf}", hex(address)],
                            capture_output=True, text=True, check=True).stdout.split("\n")
    for function, place in zip(frames[0::2], frames[1::2]):
        if readable(function).startswith("ticketmatic_sign::"):
            line = re.sub(r"^.*/(crate|library)/", "", place)
            return f"{readable(function)} (at {line})"
    return None


def panic_sites(elf):
    """{function: [panicking callees]} for the functions outside `core` that
    call straight into a panic (a bounds check, a length check...)."""
    text = subprocess.run([objdump(), "-d", "--demangle", "--no-show-raw-insn", elf],
                          capture_output=True, text=True, check=True).stdout
    calls, call_sites, current = {}, [], None
    for line in text.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if head:
            current = readable(head.group(1))
            calls.setdefault(current, set())
            continue
        call = re.search(r"\s(?:bl|blx|b|b\.w|beq\.w|bne\.w|b\w\w\.w|cbz|cbnz)\s.*<([^>+]*)(?:\+0x[0-9a-f]+)?>", line)
        if call and current:
            callee = readable(call.group(1))
            if callee != current:
                calls[current].add(callee)
                if PROBE.match(current):
                    call_sites.append((current, int(line.split(":")[0], 16), callee))
    reaches = {f for f in calls if PANIC_ROOTS.search(f)}
    changed = True
    while changed:
        changed = False
        for f, callees in calls.items():
            if f not in reaches and callees & reaches:
                reaches.add(f)
                changed = True
    # A site calls a panic itself, or a function outside the crate's code that
    # does only that (core's length checks, generic_array's).
    panicky = {f for f in reaches if PANIC_ROOTS.search(f) or
               (re.match(r"^(core::|generic_array::)", f) and not calls[f] - reaches - {f})}
    sites = {f: sorted(calls[f] & panicky) for f in sorted(reaches)
             if f not in panicky and not NOT_SITES.match(f) and calls[f] & panicky}
    for function, address, callee in call_sites:
        if callee in panicky:
            origin = inlined_from(elf, address)
            if origin:
                sites.setdefault(f"{origin}, inlined into {function}", []).append(callee)
    return sites


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--groups", required=True)
    args = parser.parse_args()
    groups = args.groups.split() + ["client", "all"]
    over = []

    print("\nFlash the crate adds (.text + .rodata, bytes, probe minus stub):\n")
    print("| operations | opt-level \"s\" | opt-level \"z\" |")
    print("|---|---:|---:|")
    sizes = {}
    for group in groups:
        row = [flash(args.out, f"probe-{opt}-{group}") - flash(args.out, f"probe-{opt}-stub") for opt in "sz"]
        sizes[group] = row
        label = {"all": "everything", "client": "header, widget and return-url (all a client calls)"}.get(group, group)
        print(f"| {label} | {row[0]:,} | {row[1]:,} |")
    print("\nWhere the bytes of everything at \"s\" come from:\n")
    print("| from | bytes |")
    print("|---|---:|")
    for origin, size in flash_origins(args.out):
        print(f"| {origin} | {size:,} |")
    if sizes["all"][0] > FLASH_BUDGET:
        over.append(f"flash {sizes['all'][0]:,} bytes > {FLASH_BUDGET:,}")

    print("\nOn the emulated Cortex-M4 (QEMU mps2-an386, -icount shift=0), opt-level \"s\":\n")
    print("| operation | instructions | floor | ratio | stack (bytes) | floor's stack |")
    print("|---|---:|---:|---:|---:|---:|")
    measured = {}
    for line in open(args.log):
        m = re.match(r"measure (\S+) instructions=(\d+) floor=(\d+) stack=(\d+) floor_stack=(\d+)", line)
        if m:
            name, *numbers = m.groups()
            i, f, s, fs = map(int, numbers)
            measured[name] = (i, f, s, fs)
            print(f"| {name.replace('_', ' ')} | {i:,} | {f:,} | {i / f:.2f}x | {s:,} | {fs:,} |")
    if not measured:
        sys.exit("report.py: no measurements in the firmware's log")
    worst = max(measured, key=lambda n: measured[n][2])
    if measured[worst][2] > STACK_BUDGET:
        over.append(f"stack of {worst}: {measured[worst][2]:,} bytes > {STACK_BUDGET:,}")
    i, f, _, _ = measured["header"]
    if i / f > HEADER_BUDGET:
        over.append(f"header: {i / f:.2f}x its floor > {HEADER_BUDGET}x")

    sites = panic_sites(f"{args.out}/probe-s-all/{TARGET}/release/probe")
    print(f"\nPanic sites in the linked firmware (every operation, opt-level \"s\"): "
          f"{len(sites)} functions call straight into a panic")
    for function, callees in sites.items():
        print(f"- {function} -> {', '.join(callees)}")

    print(f"\nBudgets: flash <= {FLASH_BUDGET:,} bytes (\"s\", everything; the target is {FLASH_TARGET:,}), "
          f"stack <= {STACK_BUDGET:,} bytes, header <= {HEADER_BUDGET}x its floor")
    if over:
        print("OVER BUDGET: " + "; ".join(over))
        sys.exit(1)
    print("all within budget")


main()
