//! Running `tm` from the tests.
#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output};

/// `tm` with a clean environment plus `env`.
pub fn tm(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("tm runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}
