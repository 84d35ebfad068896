//! Where output goes (`-o PATH`, `--output PATH`), for every command that
//! writes one. `tm` never replaces or removes what it did not create:
//!
//! - a regular file, or a path that does not exist yet, is written under a
//!   temporary name beside it and renamed over it only once complete, so a
//!   reader never sees half of one; Ctrl-C and SIGTERM remove the temporary
//!   file before `tm` exits;
//! - a symbolic link is followed: what it points to is written by these
//!   rules and the link stays (a link to nothing is refused);
//! - a character device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe)
//!   is written directly, with no temporary file: it is a stream;
//! - a directory, block device (a disk) or socket is refused.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::output::write_failed;
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

/// Standard output, a file being written, or a stream opened by name.
pub enum Destination {
    Stdout,
    /// A regular file (or a new one) being written under `partial`.
    Replace {
        path: PathBuf,
        partial: PathBuf,
        file: File,
    },
    /// A character device or FIFO, written where it is.
    Stream {
        path: PathBuf,
        file: File,
    },
}

impl Destination {
    /// Standard output for `None` or `-`; else `path`, checked and opened
    /// now, before any work is done.
    pub fn create(path: Option<&Path>) -> Result<Destination, Failure> {
        let Some(given) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Destination::Stdout);
        };
        let refuse = |why: String| Failure::usage(format!("--output {}: {why}", given.display()));
        let path = resolve_links(given).map_err(refuse)?;
        match std::fs::metadata(&path) {
            Ok(meta) => {
                use std::os::unix::fs::FileTypeExt;
                let kind = meta.file_type();
                if kind.is_dir() {
                    Err(refuse("is a directory".into()))
                } else if kind.is_file() {
                    Self::replace(&path, Some(meta.permissions())).map_err(refuse)
                } else if kind.is_char_device() || kind.is_fifo() {
                    let file = OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .map_err(|e| refuse(format!("cannot write there: {e}")))?;
                    Ok(Destination::Stream { path, file })
                } else if kind.is_block_device() {
                    Err(refuse(
                        "is a block device (a disk): tm does not write over one".into(),
                    ))
                } else {
                    Err(refuse(
                        "is a socket: tm writes to files, character devices and FIFOs".into(),
                    ))
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Self::replace(&path, None).map_err(refuse)
            }
            Err(e) => Err(refuse(e.to_string())),
        }
    }

    /// A regular file, written under a temporary name that nothing else
    /// has (`create_new`), with the permissions of the file it replaces.
    fn replace(
        path: &Path,
        permissions: Option<std::fs::Permissions>,
    ) -> Result<Destination, String> {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            return Err(format!("the folder {} does not exist", parent.display()));
        }
        let partial = partial_path(path);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| format!("cannot write there ({}): {e}", partial.display()))?;
        if let Ok(mut partials) = PARTIALS.lock() {
            partials.push(partial.clone());
        }
        if let Some(permissions) = permissions {
            // Best effort: a file of another owner keeps the default mode.
            let _ = file.set_permissions(permissions);
        }
        Ok(Destination::Replace {
            path: path.to_owned(),
            partial,
            file,
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Destination::Stdout => Box::new(std::io::stdout().lock()),
            Destination::Replace { file, .. } | Destination::Stream { file, .. } => {
                Box::new(&*file)
            }
        }
    }

    /// What the output is called in messages.
    pub fn name(&self) -> String {
        match self {
            Destination::Stdout => "standard output".into(),
            Destination::Replace { path, .. } | Destination::Stream { path, .. } => {
                path.display().to_string()
            }
        }
    }

    /// The output is complete: the file takes its name.
    pub fn commit(self) -> Result<(), Failure> {
        match self {
            Destination::Stdout | Destination::Stream { .. } => Ok(()),
            Destination::Replace {
                path,
                partial,
                file,
            } => {
                let synced = file.sync_all();
                drop(file);
                let renamed = synced.and_then(|()| std::fs::rename(&partial, &path));
                if renamed.is_err() {
                    let _ = std::fs::remove_file(&partial);
                }
                forget(&partial);
                renamed.map_err(|e| Failure::io(format!("--output {}: {e}", path.display())))
            }
        }
    }

    /// The output is abandoned: the temporary file is removed. (What went
    /// into a stream cannot be taken back; the exit status says it failed.)
    pub fn abandon(self) {
        if let Destination::Replace { partial, file, .. } = self {
            drop(file);
            let _ = std::fs::remove_file(&partial);
            forget(&partial);
        }
    }
}

/// `path` with symbolic links followed to what they name; a link to
/// nothing (or a loop of links) is an error that says so.
fn resolve_links(path: &Path) -> Result<PathBuf, String> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            format!(
                "a symbolic link to {target}, which cannot be followed ({e}):                  tm writes through links but does not replace them"
            )
        }),
        _ => Ok(path.to_owned()),
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
    let name = destination.name();
    let mut writer = destination.writer();
    let written = writer
        .write_all(contents.as_bytes())
        .and_then(|()| writer.flush())
        .map_err(write_failed(name));
    drop(writer);
    match written {
        Ok(()) => destination.commit(),
        Err(e) => {
            destination.abandon();
            Err(e)
        }
    }
}
