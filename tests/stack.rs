//! The stack each operation needs on this (64-bit) target, where up to 1,024
//! parameters are ordered in one sort on the stack (16 KiB): every operation
//! runs on a thread with a 20 KiB stack when optimized (`cargo test
//! --release --test stack`, which .ci/run runs), 48 KiB in a debug build; a
//! stack overflow aborts the test binary.
//! The README states the bound per target; the Cortex-M4's is measured by
//! painting (embedded/).
use ticketmatic_sign::{Signer, Timestamp};

const STACK: usize = if cfg!(debug_assertions) { 48 } else { 20 } * 1024;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn params(n: usize) -> Vec<(String, String)> {
    (0..n)
        .rev()
        .map(|i| (format!("parameter{i:04}"), format!("value {i}")))
        .collect()
}

#[test]
fn every_operation_fits_in_20_kib_of_stack_when_optimized() {
    for n in [10, 100, 1024, 1025, 3000] {
        on_small_stack(move || {
            let signer = Signer::new("key", b"secret", "club").unwrap();
            let params = params(n);
            let signature = signer.widget_signature(&params).unwrap();
            let mut url = String::new();
            signer
                .write_widget_url("addtickets", &params, &mut url)
                .unwrap();
            assert!(url.ends_with(signature.as_str()));
            let query = url.split_once('?').unwrap().1;
            assert_eq!(signer.verify_return_url(query).unwrap().count(), n);
            let mut buf = vec![0u8; 256 * 1024];
            assert!(signer.widget_payload(&params, &mut buf).is_ok());
            let ts = Timestamp::from_unix(0).unwrap();
            assert!(signer.authorization_string(ts).len() > 100);
        });
    }
}
