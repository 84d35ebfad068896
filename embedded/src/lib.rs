//! What the firmware's binaries share: the vectors (generated from the vector
//! files by build.rs), the chip's counters, and the exit through semihosting.
#![no_std]

use core::arch::asm;

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_semihosting::debug::{exit, EXIT_FAILURE, EXIT_SUCCESS};

/// One conformance vector (see ../tests/vectors): every field any kind uses.
pub struct Vector {
    pub id: &'static str,
    pub kind: &'static str,
    pub access_key: &'static str,
    pub secret_key: &'static str,
    pub account: &'static str,
    pub unix_time: Option<i64>,
    pub timestamp: Option<&'static str>,
    pub widget: Option<&'static str>,
    pub params: &'static [(&'static str, &'static str)],
    pub query: Option<&'static str>,
    pub header: Option<&'static str>,
    pub now_unix: Option<i64>,
    pub window_secs: Option<i64>,
    pub expected: Expected,
}

/// A vector's expected results.
pub struct Expected {
    pub error: bool,
    pub header: Option<&'static str>,
    pub payload: Option<&'static str>,
    pub signature: Option<&'static str>,
    pub url: Option<&'static str>,
    pub valid: Option<bool>,
    pub error_kind: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/vectors.rs"));

/// Ends the emulation: QEMU exits 0 on success, 1 on failure.
pub fn finish(ok: bool) -> ! {
    exit(if ok { EXIT_SUCCESS } else { EXIT_FAILURE });
    loop {}
}

/// Keeps the optimizer from computing `value` at build time or dropping it
/// (`core::hint::black_box` is unstable in rustc 1.63; an empty `asm!` that
/// may read the pointer is the usual barrier).
#[inline(always)]
pub fn opaque<T>(value: T) -> T {
    let value = value;
    unsafe { asm!("/* {0} */", in(reg) &value as *const T, options(nostack, preserves_flags)) };
    value
}

/// Instructions executed by `f`: SysTick counts down at 25 MHz, and with
/// `-icount shift=0` QEMU runs one instruction per virtual nanosecond, so a
/// tick is 40 instructions. `f` runs `runs` times to resolve below a tick.
pub fn instructions(syst: &mut SYST, runs: u32, mut f: impl FnMut()) -> u32 {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00FF_FFFF);
    syst.clear_current();
    syst.enable_counter();
    // The counter holds 0 until its first reload.
    while SYST::get_current() == 0 {}
    let start = SYST::get_current();
    for _ in 0..runs {
        f();
    }
    let end = SYST::get_current();
    syst.disable_counter();
    // A 24-bit counter counting down; the runs stay well inside one wrap.
    (start.wrapping_sub(end) & 0x00FF_FFFF) * 40 / runs
}

const PAINT: u32 = 0x5AA5_C33C;

extern "C" {
    /// The end of .bss/.data: the stack may grow down to here (cortex-m-rt).
    static mut __sheap: u32;
}

/// The deepest stack `f` uses, in bytes below the caller's frame: the free
/// stack is painted, `f` runs, and the lowest word no longer painted marks
/// the high-water.
#[inline(never)]
pub fn stack_use(f: impl FnOnce()) -> u32 {
    let bottom = unsafe { core::ptr::addr_of_mut!(__sheap) } as usize;
    let sp: usize;
    unsafe { asm!("mov {}, sp", out(reg) sp) };
    // Leave this function's own frame (and a margin) unpainted.
    let top = sp - 64;
    let mut at = bottom;
    while at < top {
        unsafe { core::ptr::write_volatile(at as *mut u32, PAINT) };
        at += 4;
    }
    f();
    let mut at = bottom;
    while at < top && unsafe { core::ptr::read_volatile(at as *const u32) } == PAINT {
        at += 4;
    }
    (sp - at) as u32
}
