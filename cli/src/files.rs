//! Writing files so that a reader never sees half of one: the content goes
//! to a temporary name beside the target and is renamed over it only once
//! complete.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `.NAME.tm-partial-PID` beside `path`.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tm-partial-{}", std::process::id()))
}

/// Writes `contents` to `path`, or to standard output for `-`.
pub fn write_output(path: &Path, contents: &str) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return std::io::stdout()
            .lock()
            .write_all(contents.as_bytes())
            .map_err(|e| format!("standard output: {e}"));
    }
    let partial = partial_path(path);
    let result = std::fs::write(&partial, contents)
        .map_err(|e| format!("{}: {e}", path.display()))
        .and_then(|()| {
            std::fs::rename(&partial, path).map_err(|e| format!("{}: {e}", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}
