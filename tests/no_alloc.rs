//! Every operation performs zero heap allocations. A counting global allocator
//! counts the allocations made by the measuring thread while it is switched on.
//!
//! The crate has no `alloc` dependency, so this mostly guards against a future
//! change (a dependency feature, a `std` path) bringing one in.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ticketmatic_sign::{encode, verify_authorization, Signer, Timestamp};

struct Counting;

// Both per thread: a global count would see the other tests' allocations,
// which run on their own threads at the same time.
thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
#[allow(clippy::incompatible_msrv)] // tests need not build with the MSRV
fn the_counter_sees_allocations() {
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 100]))) >= 1);
}

#[test]
fn no_operation_allocates() {
    // Inputs are prepared before counting starts; 40 parameters take several
    // passes of the on-stack sort.
    let names: Vec<String> = (0..40).map(|i| format!("p{:02}", 39 - i)).collect();
    let params: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v a/l&ü")).collect();
    let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname").unwrap();
    let mut url_buf = vec![0u8; 4096];
    let mut payload_buf = vec![0u8; 4096];
    let url = signer
        .widget_url("addtickets", &params, &mut url_buf)
        .unwrap()
        .to_owned();
    let query = url.split_once('?').unwrap().1.to_owned();
    let mut header_buf = [0u8; 256];
    let mut fixed = heapless::String::<4096>::new();

    let count = allocations(|| {
        let ts = Timestamp::from_unix(1_795_426_016).unwrap();
        let ts2 = Timestamp::parse("2026-11-23T09:26:56").unwrap();
        assert_eq!(ts, ts2);
        #[cfg(feature = "std")]
        Timestamp::now().unwrap();
        let signer = Signer::new("azertyuiop", b"qsdfghjklm", "myaccountname").unwrap();
        let header = signer.authorization(ts, &mut header_buf).unwrap();
        let lookup = |_: &str| Some(b"qsdfghjklm".as_slice());
        verify_authorization(header, "myaccountname", ts, 1800, lookup).unwrap();
        let _ = signer.authorization_string(ts);
        signer.authorization_payload(ts, &mut payload_buf).unwrap();
        signer.widget_signature(&params).unwrap();
        signer.widget_payload(&params, &mut payload_buf).unwrap();
        signer
            .widget_url("addtickets", &params, &mut url_buf)
            .unwrap();
        signer.widget_url_len("addtickets", &params);
        signer
            .write_widget_url("addtickets", &params, &mut fixed)
            .unwrap();
        signer.verify_return_url(&query).unwrap();
        signer.return_url_payload(&query, &mut payload_buf).unwrap();
        assert!(signer.verify_return_url("a=1&a=2").is_err());
        assert!(encode("Zoë Brügge").count() > 0);
    });
    assert_eq!(count, 0);
}
