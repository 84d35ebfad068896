//! The conformance runner: checks this crate against files of
//! language-neutral test vectors (format `ticketmatic-signing-vectors/1`).
//!
//!     cargo run --example conformance -- tests/vectors/*.json
//!
//! Prints one line per failing vector with what differed (with `-v`, one per
//! passing vector too), then `N passed, M failed`. Exits 0 if every vector of
//! every file passed, 1 if any failed, 2 if a file could not be read as a
//! vectors file.

mod check;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut verbose = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" | "--verbose" => verbose = true,
            "-h" | "--help" => {
                println!("usage: conformance [-v] FILE...");
                return ExitCode::SUCCESS;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: conformance [-v] FILE...");
        return ExitCode::from(2);
    }

    let (mut passed, mut failed, mut unreadable) = (0, 0, false);
    for file in &files {
        let report = std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|text| check::check_file(&text));
        match report {
            Ok(report) => {
                if verbose {
                    for id in &report.passed {
                        println!("ok    {file}: {id}");
                    }
                }
                for line in &report.failed {
                    println!("FAIL  {file}: {line}");
                }
                passed += report.passed.len();
                failed += report.failed.len();
            }
            Err(why) => {
                println!("ERROR {file}: {why}");
                unreadable = true;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if unreadable {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
