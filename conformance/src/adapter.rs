//! A running adapter: a child process spoken to in JSON Lines. Reading and
//! writing happen on threads of their own so that an adapter that hangs,
//! stops reading, or floods its output never blocks the runner: every wait
//! has a deadline.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;

/// The longest line accepted from an adapter.
const MAX_LINE: u64 = 16 << 20;

/// How many of the adapter's last standard-error lines a report keeps.
pub const STDERR_TAIL: usize = 20;

/// Why an adapter gave no answer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// It did not answer within the time limit.
    Timeout(Duration),
    /// Its output ended: it exited (with this status, if known) or closed stdout.
    Exited(Option<String>),
    /// Its output could not be read, or a line was too long.
    Unreadable(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Timeout(limit) => write!(f, "no answer within {} s", limit.as_secs_f64()),
            Fault::Exited(Some(status)) => write!(f, "the adapter exited ({status})"),
            Fault::Exited(None) => f.write_str("the adapter closed its output"),
            Fault::Unreadable(why) => write!(f, "its output could not be read: {why}"),
        }
    }
}

/// An adapter process.
pub struct Adapter {
    child: Child,
    lines: Receiver<Result<String, String>>,
    to_stdin: Option<Sender<String>>,
    timeout: Duration,
    /// The last lines the adapter wrote to standard error (which is also
    /// passed on to ours, as it comes).
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl Adapter {
    /// Starts `command` (program and arguments). Its stderr goes to ours,
    /// and its last lines are kept for the report.
    pub fn spawn(command: &[String], timeout: Duration) -> Result<Adapter, String> {
        let (program, args) = command.split_first().ok_or("no adapter command given")?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let stdin = child.stdin.take().ok_or("no stdin pipe")?;
        let stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        let stderr_reader = Some(thread::spawn(move || keep_tail(stderr, &tail)));
        let (line_tx, lines) = mpsc::channel();
        thread::spawn(move || read_lines(stdout, line_tx));
        let (to_stdin, line_rx) = mpsc::channel();
        thread::spawn(move || write_lines(stdin, line_rx));
        Ok(Adapter {
            child,
            lines,
            to_stdin: Some(to_stdin),
            timeout,
            stderr_tail,
            stderr_reader,
        })
    }

    /// The last lines the adapter wrote to standard error, oldest first.
    /// After the adapter has exited, waits for its stderr to be read to the
    /// end (the lines that say why it crashed come last).
    fn stderr_tail(&mut self) -> Vec<String> {
        if let Ok(Some(_)) = self.child.try_wait() {
            if let Some(reader) = self.stderr_reader.take() {
                // Its stderr may be held open by a child of its own: the
                // reader thread ends with the last holder; do not wait long.
                for _ in 0..50 {
                    if reader.is_finished() {
                        break;
                    }
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
        let tail = self.stderr_tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.iter().cloned().collect()
    }

    /// Sends one message and waits for the answer line.
    pub fn ask(&mut self, message: &Value) -> Result<String, Fault> {
        if let Some(to_stdin) = &self.to_stdin {
            // A closed channel means the writer found the pipe closed: the
            // read below then reports the exit.
            let _ = to_stdin.send(message.to_string());
        }
        match self.lines.recv_timeout(self.timeout) {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(why)) => Err(Fault::Unreadable(why)),
            Err(RecvTimeoutError::Timeout) => Err(Fault::Timeout(self.timeout)),
            Err(RecvTimeoutError::Disconnected) => Err(Fault::Exited(self.exit_status())),
        }
    }

    /// The next line the adapter printed, if one comes within `wait`: what
    /// follows a line that broke the protocol often says why (a PHP
    /// `Deprecated:` notice after a blank line).
    pub fn following_line(&mut self, wait: Duration) -> Option<String> {
        self.lines.recv_timeout(wait).ok()?.ok()
    }

    /// The exit status, waiting briefly for the process to finish exiting.
    fn exit_status(&mut self) -> Option<String> {
        for _ in 0..50 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(describe(status));
            }
            thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Sends `stop`, closes stdin, and gives the adapter a moment to exit
    /// before killing it. Returns how it ended, when that is worth saying,
    /// and its last lines of standard error.
    pub fn stop(mut self, stop: &Value) -> (Option<String>, Vec<String>) {
        let exit = self.end(stop);
        (exit, self.stderr_tail())
    }

    fn end(&mut self, stop: &Value) -> Option<String> {
        if let Some(to_stdin) = self.to_stdin.take() {
            let _ = to_stdin.send(stop.to_string());
        }
        for _ in 0..200 {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return None,
                Ok(Some(status)) => return Some(describe(status)),
                Ok(None) => thread::sleep(Duration::from_millis(10)),
                Err(e) => return Some(e.to_string()),
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Some("it did not exit within 2 s of stop and was killed".into())
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        // After a fault the process may still run: never leave it behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => format!("{status}"),
    }
}

fn read_lines(stdout: impl Read, lines: Sender<Result<String, String>>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) if line.last() != Some(&b'\n') && line.len() as u64 == MAX_LINE => {
                let _ = lines.send(Err(format!("a line longer than {MAX_LINE} bytes")));
                return;
            }
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches(['\n', '\r']).to_owned();
                if lines.send(Ok(text)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = lines.send(Err(e.to_string()));
                return;
            }
        }
    }
}

/// Passes the adapter's standard error on to ours, keeping its last
/// [`STDERR_TAIL`] lines.
fn keep_tail(stderr: impl Read, tail: &Mutex<VecDeque<String>>) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let _ = std::io::stderr().write_all(&line);
                let text = String::from_utf8_lossy(&line);
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                if tail.len() == STDERR_TAIL {
                    tail.pop_front();
                }
                tail.push_back(text.trim_end_matches(['\n', '\r']).to_owned());
            }
        }
    }
}

fn write_lines(mut stdin: ChildStdin, messages: Receiver<String>) {
    for message in messages {
        if writeln!(stdin, "{message}")
            .and_then(|_| stdin.flush())
            .is_err()
        {
            return;
        }
    }
    // Dropping stdin closes it: an adapter that reads to the end exits.
}
