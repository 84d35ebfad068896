#!/usr/bin/env bash
# Runs every conformance vector on an emulated Cortex-M4 and measures the
# crate there: flash, stack and instructions per operation, and the panic
# sites left in the linked firmware.
#
#     embedded/run.sh
#
# Builds, with Debian's rustc 1.63 (../.ci/old-cargo), a sysroot for
# thumbv7em-none-eabi once into target/embedded/, then the firmware in several
# variants, and runs them under qemu-system-arm (mps2-an386, Cortex-M4,
# -icount shift=0: one instruction per virtual nanosecond). Prints the
# measurements and fails when the vectors fail or a budget is exceeded.
# Installs nothing: says which Debian packages are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/embedded
TARGET=thumbv7em-none-eabi

missing=()
[ -x /usr/bin/rustc ] || missing+=(rustc)
[ -d /usr/lib/rustlib/src/rust/library/core ] || missing+=(rust-src)
command -v qemu-system-arm >/dev/null || missing+=(qemu-system-arm)
command -v rust-lld >/dev/null || missing+=(lld)
if [ ${#missing[@]} -gt 0 ]; then
    echo "embedded/run.sh: missing Debian packages; install them with" >&2
    echo "    apt-get install ${missing[*]}" >&2
    exit 2
fi

# ----- The sysroot: core and the real compiler_builtins, built once ----------
SYSROOT=$OUT/sysroot
LIB=$SYSROOT/lib/rustlib/$TARGET/lib
if ! ls "$LIB"/libcompiler_builtins-*.rlib >/dev/null 2>&1; then
    echo "building a sysroot for $TARGET (once)"
    mkdir -p "$LIB"
    RUSTC_BOOTSTRAP=1 /usr/bin/rustc --edition 2021 --crate-name core --crate-type rlib \
        --target $TARGET -C opt-level=s -C panic=abort -C embed-bitcode=yes --out-dir "$LIB" \
        /usr/lib/rustlib/src/rust/library/core/src/lib.rs
    # compiler_builtins with its `mem` functions (memcpy, memset...), from crates.io.
    CB=$OUT/compiler-builtins
    mkdir -p "$CB/src"
    cat > "$CB/Cargo.toml" <<'TOML'
[package]
name = "builtins-for-sysroot"
version = "0.0.0"
edition = "2018"
[dependencies]
compiler_builtins = { version = "=0.1.75", features = ["mem", "compiler-builtins"] }
[workspace]
TOML
    echo '#![no_std]' > "$CB/src/lib.rs"
    (cd "$CB" && RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_REGISTRIES_CRATES_IO_PROTOCOL=sparse \
        __CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS=nightly CARGO_HOME="$ROOT/target/rust-1.63/cargo-home" \
        RUSTFLAGS="--sysroot $SYSROOT" /usr/bin/cargo -Z sparse-registry build --quiet --release --target $TARGET)
    cp "$CB"/target/$TARGET/release/deps/libcompiler_builtins-*.rlib "$LIB/"
fi
echo "sysroot: ok"

# ----- Builds -------------------------------------------------------------
# build DIR OPT-LEVEL CARGO-ARGS...: the firmware crate into target/embedded/DIR.
build() {
    local dir=$1 opt=$2
    shift 2
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="--sysroot $SYSROOT -C link-arg=-Tlink.x" \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt CARGO_TARGET_DIR="$OUT/$dir" \
        "$ROOT/.ci/old-cargo" embedded build --quiet --release --target $TARGET "$@"
}
elf() { echo "$OUT/$1/$TARGET/release/$2"; }
run() { # ELF: runs it under QEMU, one instruction per virtual nanosecond
    timeout 300 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
        -semihosting-config enable=on,target=native -icount shift=0 -kernel "$1"
}

# ----- The vectors, instructions and stack ---------------------------------
build vectors s --bin ticketmatic-sign-firmware
LOG=$OUT/vectors.log
if ! run "$(elf vectors ticketmatic-sign-firmware)" >"$LOG" 2>&1; then
    cat "$LOG"
    echo "embedded/run.sh: the firmware failed on the emulated Cortex-M4" >&2
    exit 1
fi
grep -E '^(vectors|widget vector):' "$LOG"

# ----- Flash: each operation group against the stub ------------------------
OP_GROUPS="header widget return-url authorization-check"
# "client": all but header verification, which is a server's job.
CLIENT_GROUPS="header widget return-url"
for opt in s z; do
    build "probe-$opt-stub" $opt --bin probe
    for group in $OP_GROUPS client all; do
        case $group in
            client) features=$CLIENT_GROUPS ;;
            all) features=$OP_GROUPS ;;
            *) features=$group ;;
        esac
        build "probe-$opt-$group" $opt --bin probe --features "$features"
    done
done

# ----- Panic sites: who can still reach the panic handler --------------------
python3 embedded/report.py --out "$OUT" --log "$LOG" --groups "$OP_GROUPS"
