//! `--fixtures DIR`: canned answers for signed GETs, so that typed clients
//! can be tested against realistic shapes. `GET /api/1/{account}/PATH`
//! answers `DIR/{account}/PATH.json`, else `DIR/PATH.json`; a list answer
//! (`{"data": [...]}`) is paged by `limit` and `offset` and gets
//! `nbrofresults`.

use std::path::{Path, PathBuf};

use hyper::StatusCode;
use serde_json::Value;

use super::problem::Problem;

/// The answer for `path` (the part after `/api/1/{account}/`), `None` when
/// no fixture exists.
pub fn answer(
    dir: &Path,
    account_segment: &str,
    path: &str,
    query: &str,
) -> Option<Result<Value, Problem>> {
    let file = locate(dir, account_segment, path)?;
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => return Some(Err(server_error(&file, &e.to_string()))),
    };
    let mut value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => return Some(Err(server_error(&file, &format!("not JSON: {e}")))),
    };
    Some(page(&mut value, query).map(|()| value))
}

fn server_error(file: &Path, why: &str) -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("fixture {}: {why}", file.display()),
    )
}

/// The fixture file for a path made only of plain segments (never `..` or
/// an absolute path: a request cannot reach outside `dir`).
fn locate(dir: &Path, account_segment: &str, path: &str) -> Option<PathBuf> {
    let plain = |segment: &str| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    };
    if !plain(account_segment) || !path.split('/').all(plain) {
        return None;
    }
    [dir.join(account_segment), dir.to_path_buf()]
        .into_iter()
        .map(|base| base.join(format!("{path}.json")))
        .find(|file| file.is_file())
}

/// Applies `limit` and `offset` to a list answer's `data`, and sets
/// `nbrofresults` to the count before paging.
fn page(value: &mut Value, query: &str) -> Result<(), Problem> {
    let Some(data) = value.get_mut("data").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    let mut limit = 0;
    let mut offset = 0;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, text) = pair.split_once('=').unwrap_or((pair, ""));
        let target = match name {
            "limit" => &mut limit,
            "offset" => &mut offset,
            _ => continue,
        };
        *target = text.parse::<usize>().map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("query parameter {name}: '{text}' is not a whole number"),
            )
            .with("parameter", name)
        })?;
    }
    let total = data.len();
    let first = offset.min(total);
    let end = if limit == 0 {
        total
    } else {
        first.saturating_add(limit).min(total)
    };
    *data = data[first..end].to_vec();
    value["nbrofresults"] = total.into();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_paged() {
        let mut list = json!({"data": [1, 2, 3, 4, 5]});
        page(&mut list, "limit=2&offset=1").unwrap();
        assert_eq!(list, json!({"data": [2, 3], "nbrofresults": 5}));
        let mut list = json!({"data": [1, 2]});
        page(&mut list, "offset=9").unwrap();
        assert_eq!(list, json!({"data": [], "nbrofresults": 2}));
        let err = page(&mut json!({"data": []}), "limit=-1").err().unwrap();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        let mut plain = json!([1, 2]);
        page(&mut plain, "limit=1").unwrap();
        assert_eq!(plain, json!([1, 2]), "not a list answer: as it is");
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mock-fixtures");
        assert!(locate(&dir, "myaccountname", "events").is_some());
        assert!(locate(&dir, "_", "tools/accounts").is_some());
        for path in ["../Cargo", "events/../events", "/etc/passwd", "", "a//b"] {
            assert_eq!(locate(&dir, "x", path), None, "{path}");
        }
        assert_eq!(locate(&dir, "..", "events"), None);
    }
}
