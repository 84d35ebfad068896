//! Where output goes (`-o PATH`, `--output PATH`), for every command that
//! writes one. `tm` never replaces or removes what it did not create:
//!
//! - a regular file, or a path that does not exist yet, is written under a
//!   temporary name beside it and renamed over it only once complete, so a
//!   reader never sees half of one; Ctrl-C and SIGTERM remove the temporary
//!   file before `tm` exits. The rename is the one commit point: a signal
//!   before it exits 130/143 with the old file untouched, a signal after it
//!   changes nothing (exit 0);
//! - what `>` could not write is refused before any work: a file the user
//!   may not write (read-only), or one with other hard links (replacing it
//!   would cut them); a replaced file keeps its mode, and its owner where
//!   `tm` may set it (as root);
//! - a symbolic link is followed: what it points to is written by these
//!   rules and the link stays (a link to nothing is refused);
//! - a character device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe)
//!   is written directly, with no temporary file: it is a stream;
//! - a directory, block device (a disk) or socket is refused.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::output::write_failed;
use crate::Failure;

/// Temporary files to remove if `tm` is interrupted. Its lock is also the
/// commit point: a rename and the signal handler never interleave.
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once an output has taken its name: from then on a signal no longer
/// changes the outcome, and `tm` finishes with the status the work earned.
static COMMITTED: AtomicBool = AtomicBool::new(false);

/// Exits with 128 + the signal's number on SIGINT or SIGTERM, after
/// removing every temporary file still being written; after the commit
/// point (an output renamed into place), signals are let pass.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    // Without the handler, the signals still end `tm`; only the cleanup is lost.
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let partials = PARTIALS.lock().unwrap_or_else(|e| e.into_inner());
            if COMMITTED.load(Ordering::SeqCst) {
                continue;
            }
            for path in partials.iter() {
                let _ = std::fs::remove_file(path);
            }
            std::process::exit(128 + signal);
        }
    });
}

/// The longest file name most file systems take (NAME_MAX).
const NAME_MAX: usize = 255;

/// `.NAME.tm-partial-PID-N` beside `path`, within NAME_MAX: a long NAME is
/// cut (at a character), so that any name the user may give can be written.
fn partial_path(path: &Path, attempt: u32) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let suffix = format!(".tm-partial-{}-{attempt}", std::process::id());
    let mut room = NAME_MAX - 1 - suffix.len();
    while room < name.len() && !name.is_char_boundary(room) {
        room -= 1;
    }
    let name = &name[..room.min(name.len())];
    path.with_file_name(format!(".{name}{suffix}"))
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
            if crate::output::stdout_closed() {
                return Err(crate::output::stdout_is_closed());
            }
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
                    writable_as_by_redirection(&path, &meta).map_err(refuse)?;
                    Self::replace(&path, Some(&meta)).map_err(refuse)
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
    /// has (`create_new`; a name left by a killed run is passed over), with
    /// the mode and, where `tm` may set it, the owner of the file it replaces.
    fn replace(path: &Path, replaced: Option<&std::fs::Metadata>) -> Result<Destination, String> {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            return Err(format!("the folder {} does not exist", parent.display()));
        }
        // Held from creating the temporary file until it is listed, so that
        // a signal between the two cannot leave it behind.
        let mut partials = PARTIALS.lock().unwrap_or_else(|e| e.into_inner());
        let mut attempt = 0;
        let (partial, file) = loop {
            let partial = partial_path(path, attempt);
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&partial)
            {
                Ok(file) => break (partial, file),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1
                }
                Err(e) => return Err(format!("cannot write there ({}): {e}", partial.display())),
            }
        };
        partials.push(partial.clone());
        drop(partials);
        if let Some(meta) = replaced {
            use std::os::unix::fs::MetadataExt;
            let _ = file.set_permissions(meta.permissions());
            // Only root may give a file away; for anyone else it is theirs already.
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
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
                // The commit point, under the lock the signal handler takes:
                // either the handler removed the file and exited first, or
                // the rename happened and signals no longer end `tm`.
                let mut partials = PARTIALS.lock().unwrap_or_else(|e| e.into_inner());
                let renamed = synced.and_then(|()| std::fs::rename(&partial, &path));
                match &renamed {
                    Ok(()) => COMMITTED.store(true, Ordering::SeqCst),
                    Err(_) => {
                        let _ = std::fs::remove_file(&partial);
                    }
                }
                partials.retain(|p| p != &partial);
                drop(partials);
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
                "a symbolic link to {target}, which cannot be followed ({e}): \
                 tm writes through links but does not replace them"
            )
        }),
        _ => Ok(path.to_owned()),
    }
}

/// What `>` would refuse: a file the user may not write (tested by opening
/// it for writing, which changes nothing, so that root may as `>` may), or
/// one with other hard links, which a rename would cut from the new text.
fn writable_as_by_redirection(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if let Err(e) = OpenOptions::new().write(true).open(path) {
        return Err(format!(
            "cannot be written ({e}; mode {:o}): tm replaces only what you may write",
            meta.permissions().mode() & 0o7777
        ));
    }
    if meta.nlink() > 1 {
        return Err(format!(
            "has {} other hard links: replacing it would leave them with the old text; \
             write to another name",
            meta.nlink() - 1
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary name left by a killed run that had this process's PID
    /// does not block the write: the next name is taken.
    #[test]
    fn a_leftover_temporary_file_is_passed_over() {
        let dir = std::env::temp_dir().join(format!("tm-leftover-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out");
        std::fs::write(partial_path(&path, 0), "left by a killed run").unwrap();
        let destination = Destination::replace(&path, None).unwrap();
        let Destination::Replace { ref partial, .. } = destination else {
            panic!("a file")
        };
        assert_eq!(partial, &partial_path(&path, 1));
        destination.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        assert!(partial_path(&path, 0).exists(), "not ours: left alone");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_names_fit_in_name_max() {
        let long = "é".repeat(127); // 254 bytes
        let partial = partial_path(Path::new(&long), 12);
        let name = partial.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= NAME_MAX, "{}", name.len());
        assert!(name.ends_with(&format!(".tm-partial-{}-12", std::process::id())));
    }
}
