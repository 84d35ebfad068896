//! Instructions per operation and per floor, counted by callgrind: the same
//! count for the same binary and inputs whatever else the machine is doing, so
//! the ratios can be checked in CI where timings cannot.
//!
//!     cargo bench --bench instructions
//!
//! runs itself once per measurement under `valgrind --tool=callgrind`,
//! collecting only inside that measurement's function (`--toggle-collect`),
//! which calls the operation `RUNS` times on inputs built before it. Prints a
//! table (instructions per operation) and exits 1 if a ratio is above its
//! bound (`BOUNDS`); `.ci/run` runs it. Note that valgrind does
//! not emulate the SHA extensions, so SHA-256 runs in software here and the
//! floor weighs more than on the machines of the criterion table.

mod common;

use criterion::black_box;
use std::process::{exit, Command};

use common::{floor, hmac_key, params, signer, widget_message, ACCOUNT, KEY, UNIX_TIME, WIDGET};
use hmac::Hmac;
use sha2::Sha256;
use ticketmatic_sign::{Signer, Timestamp};

const RUNS: u64 = 200;

/// What is measured: (name, description).
const MEASURES: &[(&str, &str)] = &[
    ("header_crate", "header"),
    ("header_floor", "header floor"),
    ("widget_signature_1_crate", "widget signature, 1 parameter"),
    ("widget_signature_1_floor", ""),
    (
        "widget_signature_10_crate",
        "widget signature, 10 parameters",
    ),
    ("widget_signature_10_floor", ""),
    (
        "widget_signature_50_crate",
        "widget signature, 50 parameters",
    ),
    ("widget_signature_50_floor", ""),
    (
        "widget_signature_200_crate",
        "widget signature, 200 parameters",
    ),
    ("widget_signature_200_floor", ""),
    (
        "widget_signature_1000_crate",
        "widget signature, 1000 parameters",
    ),
    ("widget_signature_1000_floor", ""),
    ("widget_url_10_crate", "widget URL, 10 parameters"),
    ("widget_url_10_floor", ""),
    ("verify_10_crate", "return-URL verification, 10 parameters"),
];

/// (what, numerator, denominator, bound): the ratios CI holds the crate to,
/// each about 3% above what this harness measured when it was set (rustc
/// 1.95, valgrind 3.19); counts are exact, so the margin only absorbs
/// compiler changes. Lower a bound when the crate gets faster.
const BOUNDS: &[(&str, &str, &str, f64)] = &[
    ("header", "header_crate", "header_floor", 1.08),
    (
        "widget signature, 1 parameter",
        "widget_signature_1_crate",
        "widget_signature_1_floor",
        1.10,
    ),
    (
        "widget signature, 10 parameters",
        "widget_signature_10_crate",
        "widget_signature_10_floor",
        1.20,
    ),
    (
        "widget signature, 50 parameters",
        "widget_signature_50_crate",
        "widget_signature_50_floor",
        1.42,
    ),
    (
        "widget signature, 200 parameters",
        "widget_signature_200_crate",
        "widget_signature_200_floor",
        1.52,
    ),
    (
        "widget signature, 1000 parameters",
        "widget_signature_1000_crate",
        "widget_signature_1000_floor",
        1.49,
    ),
    (
        "widget URL, 10 parameters",
        "widget_url_10_crate",
        "widget_url_10_floor",
        1.48,
    ),
    (
        "verification / signing, 10 parameters",
        "verify_10_crate",
        "widget_signature_10_crate",
        1.39,
    ),
];

// ----- The measured functions: only these run with collection on -----------

#[inline(never)]
fn measure_header_crate(signer: &Signer, ts: Timestamp, buf: &mut [u8]) {
    for _ in 0..RUNS {
        black_box(signer.authorization(black_box(ts), buf).unwrap().len());
    }
}

#[inline(never)]
fn measure_floor(keyed: &Hmac<Sha256>, message: &[u8]) {
    for _ in 0..RUNS {
        black_box(floor(keyed, black_box(message)));
    }
}

#[inline(never)]
fn measure_widget_signature(signer: &Signer, params: &[(String, String)]) {
    for _ in 0..RUNS {
        black_box(signer.widget_signature(black_box(params)).unwrap());
    }
}

#[inline(never)]
fn measure_widget_url(signer: &Signer, params: &[(String, String)], buf: &mut [u8]) {
    for _ in 0..RUNS {
        black_box(
            signer
                .widget_url(WIDGET, black_box(params), buf)
                .unwrap()
                .len(),
        );
    }
}

#[inline(never)]
fn measure_verify(signer: &Signer, query: &str) {
    for _ in 0..RUNS {
        black_box(signer.verify_return_url(black_box(query)).is_ok());
    }
}

/// The function each measurement collects in.
fn function_of(name: &str) -> &'static str {
    match name {
        "header_crate" => "measure_header_crate",
        n if n.ends_with("_floor") => "measure_floor",
        n if n.starts_with("widget_signature") => "measure_widget_signature",
        "widget_url_10_crate" => "measure_widget_url",
        "verify_10_crate" => "measure_verify",
        _ => unreachable!("{name}"),
    }
}

/// Builds the inputs of `name` and runs its measured function.
fn measure(name: &str) {
    let signer = signer();
    let keyed = hmac_key();
    let mut buf = vec![0u8; 64 * 1024];
    let ts = Timestamp::from_unix(UNIX_TIME).unwrap();
    let n: usize = name
        .split('_')
        .find_map(|part| part.parse().ok())
        .unwrap_or(0);
    let params = params(n);
    match name {
        "header_crate" => measure_header_crate(&signer, ts, &mut buf),
        "header_floor" => measure_floor(&keyed, format!("{KEY}{ACCOUNT}{ts}").as_bytes()),
        n if n.starts_with("widget_signature") && n.ends_with("_crate") => {
            measure_widget_signature(&signer, &params)
        }
        n if n.ends_with("_floor") => measure_floor(&keyed, &widget_message(&signer, &params)),
        "widget_url_10_crate" => measure_widget_url(&signer, &params, &mut buf),
        "verify_10_crate" => {
            let url = signer
                .widget_url(WIDGET, &params, &mut buf)
                .unwrap()
                .to_owned();
            measure_verify(&signer, url.split_once('?').unwrap().1)
        }
        _ => unreachable!("{name}"),
    }
}

/// Runs `name` under callgrind; instructions per run.
fn count(exe: &str, name: &str) -> Result<f64, String> {
    let output = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            &format!("--toggle-collect=*{}*", function_of(name)),
            exe,
            "--measure",
            name,
        ])
        .output()
        .map_err(|e| format!("cannot run valgrind ({e}): install it (apt-get install valgrind)"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{name}: valgrind failed:\n{log}"));
    }
    // "==123== Collected : 456789"
    let collected = log
        .lines()
        .find_map(|line| {
            line.split_once("Collected :")
                .map(|(_, n)| n.trim().to_owned())
        })
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| format!("{name}: no 'Collected' line in valgrind's output:\n{log}"))?;
    Ok(collected as f64 / RUNS as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--measure") {
        measure(&args[at + 1]);
        return;
    }
    let exe = &args[0];
    let mut counts = std::collections::HashMap::new();
    println!("| operation | crate | floor | crate beyond the floor | crate / floor |");
    println!("|---|---:|---:|---:|---:|");
    for pair in MEASURES.chunks(2) {
        for &(name, _) in pair {
            match count(exe, name) {
                Ok(n) => counts.insert(name, n),
                Err(e) => {
                    eprintln!("{e}");
                    exit(2);
                }
            };
        }
        if let [(crate_name, what), (floor_name, _)] = pair {
            let (c, f) = (counts[crate_name], counts[floor_name]);
            println!(
                "| {what} | {c:.0} | {f:.0} | {:.0} | {:.2}x |",
                c - f,
                c / f
            );
        }
    }
    let verify = counts["verify_10_crate"];
    let sign = counts["widget_signature_10_crate"];
    println!(
        "| return-URL verification, 10 parameters | {verify:.0} | {sign:.0} (signing them) | {:.0} | {:.2}x |",
        verify - sign,
        verify / sign
    );
    println!();
    let mut over = 0;
    for &(what, numerator, denominator, bound) in BOUNDS {
        let ratio = counts[numerator] / counts[denominator];
        let verdict = if ratio <= bound { "ok" } else { "OVER" };
        if ratio > bound {
            over += 1;
        }
        println!("{what}: {ratio:.2}x (bound {bound:.2}x) {verdict}");
    }
    if over > 0 {
        eprintln!("{over} ratio(s) over their bound");
        exit(1);
    }
}
