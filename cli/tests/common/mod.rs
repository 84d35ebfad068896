//! Running `tm` from the tests.
#![allow(dead_code)] // each test file uses its own part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// `tm` with a clean environment plus `env`.
pub fn tm(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("tm runs")
}

/// `tm` with a clean environment plus `env`, and `stdin` as its standard
/// input (written whole before the output is read: tm reads its input
/// before it answers).
pub fn tm_with_stdin(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tm"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tm runs");
    // tm may exit before reading it all: a failed write is its answer.
    let _ = child.stdin.take().expect("piped").write_all(stdin);
    child.wait_with_output().expect("tm ends")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A running `tm mock-server`, stopped when dropped.
pub struct Mock {
    pub child: Child,
    pub url: String,
}

impl Mock {
    pub fn start(args: &[&str]) -> Mock {
        Mock::start_with_stderr(args, Stdio::null())
    }

    /// As `start`, with the server's standard error going to `stderr`
    /// (`Stdio::piped()` to read what it said).
    pub fn start_with_stderr(args: &[&str], stderr: Stdio) -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tm"))
            .args(["--demo", "mock-server", "--port", "0"])
            .args(args)
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("mock server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Mock { child, url }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a credentials file readable by its owner only, as `tm` requires.
pub fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// A fresh folder for one test's files.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixtures shipped with the mock server.
pub fn fixtures() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/mock-fixtures").to_owned()
}
