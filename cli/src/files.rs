//! Where output goes. A file is written under a temporary name beside it
//! and renamed over it only once complete, so a reader never sees half of
//! one; Ctrl-C and SIGTERM remove the temporary file before `tm` exits.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::Failure;

/// Temporary files to remove if `tm` is interrupted.
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Exits with 128 + the signal's number on SIGINT or SIGTERM, after
/// removing every temporary file still being written.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    // Without the handler, the signals still end `tm`; only the cleanup is lost.
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            if let Ok(partials) = PARTIALS.lock() {
                for path in partials.iter() {
                    let _ = std::fs::remove_file(path);
                }
            }
            std::process::exit(128 + signal);
        }
    });
}

/// `.NAME.tm-partial-PID` beside `path`.
fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tm-partial-{}", std::process::id()))
}

/// Standard output, or a file being written.
pub enum Destination {
    Stdout,
    File {
        path: PathBuf,
        partial: PathBuf,
        file: File,
    },
}

impl Destination {
    /// Standard output for `None` or `-`; else the file `path`, checked and
    /// created (under its temporary name) now, before any work is done.
    pub fn create(path: Option<&Path>) -> Result<Destination, Failure> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Destination::Stdout);
        };
        let shown = path.display();
        if path.is_dir() {
            return Err(Failure::usage(format!("--output {shown}: is a directory")));
        }
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            return Err(Failure::usage(format!(
                "--output {shown}: the folder {} does not exist",
                parent.display()
            )));
        }
        let partial = partial_path(path);
        let file = File::create(&partial)
            .map_err(|e| Failure::usage(format!("--output {shown}: cannot write there: {e}")))?;
        if let Ok(mut partials) = PARTIALS.lock() {
            partials.push(partial.clone());
        }
        Ok(Destination::File {
            path: path.to_owned(),
            partial,
            file,
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Destination::Stdout => Box::new(std::io::stdout().lock()),
            Destination::File { file, .. } => Box::new(&*file),
        }
    }

    /// The output is complete: the file takes its name.
    pub fn commit(self) -> Result<(), Failure> {
        if let Destination::File {
            path,
            partial,
            file,
        } = self
        {
            drop(file);
            forget(&partial);
            if let Err(e) = std::fs::rename(&partial, &path) {
                let _ = std::fs::remove_file(&partial);
                return Err(Failure::io(format!("--output {}: {e}", path.display())));
            }
        }
        Ok(())
    }

    /// The output is abandoned: nothing is left behind.
    pub fn abandon(self) {
        if let Destination::File { partial, file, .. } = self {
            drop(file);
            let _ = std::fs::remove_file(&partial);
            forget(&partial);
        }
    }
}

fn forget(partial: &Path) {
    if let Ok(mut partials) = PARTIALS.lock() {
        partials.retain(|p| p != partial);
    }
}

/// Writes `contents` whole to `path` (standard output for `-`).
pub fn write_output(path: &Path, contents: &str) -> Result<(), Failure> {
    let mut destination = Destination::create(Some(path))?;
    let written = destination.writer().write_all(contents.as_bytes());
    match written {
        Ok(()) => destination.commit(),
        Err(e) => {
            destination.abandon();
            Err(Failure::io(format!("{}: {e}", path.display())))
        }
    }
}
