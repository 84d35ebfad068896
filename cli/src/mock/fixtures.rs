//! `--fixtures DIR`: canned answers for signed GETs, in the shapes the
//! official clients' types read (`mock-fixtures/README.md` says which type
//! each file was checked against). Every `*.json` file under DIR is read
//! and parsed once, at start: a file that is not JSON stops the server with
//! its name and the error, rather than answering 500 later.
//!
//! `GET /api/1/{account}/PATH` answers `DIR/{account}/PATH.json`, else
//! `DIR/PATH.json`. A list answer (`{"data": [...]}`) is paged by `limit` and
//! `offset` and gets `nbrofresults`. `GET PATH/ID` with no file of its own
//! answers the item of `PATH.json` whose `id` (or `orderid`, the key of
//! orders) is ID. `_/tools/accounts` lists the accounts of the file that the
//! key pair may use, as the real server does.
//!
//! The lists are also written, in memory, for as long as the server runs
//! (the files are never changed): `POST PATH` creates an item with the next
//! id, `PUT PATH/ID` replaces the given fields, `DELETE PATH/ID` removes it,
//! as tm-go's and tm-php's create, update and delete calls do; the fields
//! the server sets (`id`, `createdts`, `lastupdatets`) are ignored in a body,
//! as Ticketmatic documents. A body that is not a JSON object, or a field of
//! another JSON type than the items hold, is refused with 400 naming the field.

use std::collections::BTreeMap;
use std::path::Path;

use hyper::StatusCode;
use serde_json::Value;

use super::problem::Problem;

/// Every fixture, by its path under DIR without `.json`
/// (`events`, `myaccountname/tools/account`).
pub struct Fixtures(BTreeMap<String, Value>);

impl Fixtures {
    /// Reads and parses every `*.json` file under `dir`; other files (a
    /// README) are left alone.
    pub fn load(dir: &Path) -> Result<Fixtures, String> {
        let shown = dir.display();
        if !dir.is_dir() {
            return Err(format!("--fixtures {shown}: not a folder"));
        }
        let mut fixtures = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let entries = std::fs::read_dir(&folder)
                .map_err(|e| format!("--fixtures {}: {e}", folder.display()))?;
            for entry in entries {
                let path = entry
                    .map_err(|e| format!("--fixtures {}: {e}", folder.display()))?
                    .path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("--fixtures: {}: {e}", path.display()))?;
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| format!("--fixtures: {}: not JSON: {e}", path.display()))?;
                let key = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .with_extension("")
                    .to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/");
                fixtures.insert(key, value);
            }
        }
        if fixtures.is_empty() {
            return Err(format!("--fixtures {shown}: holds no .json file"));
        }
        Ok(Fixtures(fixtures))
    }

    /// The answer for `path` (the part after `/api/1/{account}/`), `None`
    /// when nothing answers it. `account` is the key pair's, for the
    /// account list.
    pub fn answer(
        &self,
        account_segment: &str,
        path: &str,
        query: &str,
        account: &str,
    ) -> Option<Result<Value, Problem>> {
        if !plain(account_segment) || !path.split('/').all(plain) {
            return None;
        }
        let find = |path: &str| {
            self.0
                .get(&format!("{account_segment}/{path}"))
                .or_else(|| self.0.get(path))
        };
        let mut value = match find(path) {
            Some(value) => value.clone(),
            None => {
                let (list, id) = path.rsplit_once('/')?;
                return Some(item(find(list)?, list, id));
            }
        };
        if account_segment == "_" && path == "tools/accounts" {
            if let Value::Array(accounts) = &mut value {
                accounts.retain(|a| a.get("shortname").and_then(Value::as_str) == Some(account));
            }
        }
        Some(page(&mut value, query).map(|()| value))
    }
}

/// A write to a list of the fixtures: what the official clients' create,
/// update and delete calls send.
pub enum Write {
    /// `POST PATH`: a new item, given its id.
    Create(Value),
    /// `PUT PATH/ID`: the given fields replace the item's.
    Update(i64, Value),
    /// `DELETE PATH/ID`.
    Delete(i64),
}

impl Fixtures {
    /// Applies `write` to the list at `path` (the account's file first, as
    /// for reads); `None` when no list answers `path`. Answers the item as
    /// stored (create, update) or `null` (delete).
    pub fn write(
        &mut self,
        account_segment: &str,
        path: &str,
        write: Write,
    ) -> Option<Result<Value, Problem>> {
        if !plain(account_segment) || !path.split('/').all(plain) {
            return None;
        }
        let key = [format!("{account_segment}/{path}"), path.to_owned()]
            .into_iter()
            .find(|key| self.0.contains_key(key))?;
        let list = self.0.get_mut(&key)?;
        let items = match list {
            Value::Object(object) => object.get_mut("data")?.as_array_mut()?,
            Value::Array(items) => items,
            _ => return None,
        };
        Some(apply(items, path, write))
    }
}

/// The key of a list's ids: `orderid` for orders, `id` for the rest.
fn id_key(items: &[Value]) -> &'static str {
    match items.first() {
        Some(item) if item.get("orderid").is_some() => "orderid",
        _ => "id",
    }
}

/// Fields the server sets, which Ticketmatic ignores in a create or update
/// body (tm-go sends them all, zero: `"id": 0`).
const SERVER_SET: [&str; 4] = ["id", "orderid", "createdts", "lastupdatets"];

fn apply(items: &mut Vec<Value>, name: &str, write: Write) -> Result<Value, Problem> {
    let key = id_key(items);
    let position = |items: &[Value], id: i64| {
        items
            .iter()
            .position(|item| item.get(key).and_then(Value::as_i64) == Some(id))
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::NOT_FOUND,
                    format!("{name}: no item with id {id}"),
                )
                .with("id", id)
            })
    };
    match write {
        Write::Create(fields) => {
            let fields = object(fields, items.first())?;
            let id = items
                .iter()
                .filter_map(|item| item.get(key).and_then(Value::as_i64))
                .max()
                .unwrap_or(0)
                + 1;
            let mut item = fields;
            item.insert(key.into(), id.into());
            items.push(Value::Object(item.clone()));
            Ok(Value::Object(item))
        }
        Write::Update(id, fields) => {
            let at = position(items, id)?;
            let fields = object(fields, items.get(at))?;
            let item = items[at].as_object_mut().ok_or_else(|| {
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("{name}/{id}: not an object"),
                )
            })?;
            item.extend(fields);
            Ok(Value::Object(item.clone()))
        }
        Write::Delete(id) => {
            let at = position(items, id)?;
            items.remove(at);
            Ok(Value::Null)
        }
    }
}

/// A write's body as an object whose fields have the JSON types the list's
/// items hold (`like`): what the mock can check without a schema.
fn object(body: Value, like: Option<&Value>) -> Result<serde_json::Map<String, Value>, Problem> {
    let Value::Object(fields) = body else {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            format!("the body is {}, not a JSON object", kind(&body)),
        ));
    };
    let fields: serde_json::Map<String, Value> = fields
        .into_iter()
        .filter(|(name, _)| !SERVER_SET.contains(&name.as_str()))
        .collect();
    for (name, value) in &fields {
        let held = like
            .and_then(|item| item.get(name))
            .filter(|v| !v.is_null());
        if let Some(held) = held {
            if !value.is_null() && kind(value) != kind(held) {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "field {name}: {} where the mock holds {}",
                        kind(value),
                        kind(held)
                    ),
                )
                .with("field", name.as_str()));
            }
        }
    }
    Ok(fields)
}

/// A JSON value's type, as a message says it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A path segment that names a file in the folder: never `..`, empty or
/// anything but unreserved characters.
fn plain(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// The item of a list whose `id` (or `orderid`) is `id`, or 404.
fn item(list: &Value, name: &str, id: &str) -> Result<Value, Problem> {
    let items = list
        .get("data")
        .or(Some(list))
        .and_then(Value::as_array)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, format!("no such path: {name}/{id}")))?;
    let wanted: i64 = id.parse().map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            format!("{name}/{id}: '{id}' is not an id (a whole number)"),
        )
    })?;
    items
        .iter()
        .find(|item| {
            ["id", "orderid"]
                .iter()
                .any(|key| item.get(key).and_then(Value::as_i64) == Some(wanted))
        })
        .cloned()
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                format!("{name}: no item with id {wanted}"),
            )
            .with("id", wanted)
        })
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

    fn shipped() -> Fixtures {
        Fixtures::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("mock-fixtures")).unwrap()
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        let fixtures = shipped();
        let answer =
            |account: &str, path: &str| fixtures.answer(account, path, "", "myaccountname");
        assert!(answer("myaccountname", "events").is_some());
        assert!(answer("_", "tools/accounts").is_some());
        for path in ["../Cargo", "events/../events", "/etc/passwd", "", "a//b"] {
            assert!(answer("x", path).is_none(), "{path}");
        }
        assert!(answer("..", "events").is_none());
    }

    #[test]
    fn items_are_found_by_id_and_accounts_by_key() {
        let fixtures = shipped();
        let answer = |path: &str| fixtures.answer("myaccountname", path, "", "myaccountname");
        let event = answer("events/10002").unwrap().unwrap();
        assert_eq!(event["name"], "Zoë & the Brüggeman Quartet");
        let order = answer("orders/8002").unwrap().unwrap();
        assert_eq!(order["code"], "MYA-8002");
        let missing = answer("events/1").unwrap().unwrap_err();
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.message, "events: no item with id 1");
        assert!(answer("nothing/1").is_none());
        let accounts = fixtures
            .answer("_", "tools/accounts", "", "club")
            .unwrap()
            .unwrap();
        assert_eq!(
            accounts,
            json!([{"id": 2, "name": "Club", "shortname": "club", "address": "", "url": "", "image": "", "logo": "", "lat": 0, "long": 0}])
        );
    }

    #[test]
    fn a_folder_that_does_not_parse_is_refused_at_start() {
        let dir = std::env::temp_dir().join(format!("tm-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/bad.json"), "{\"data\": [1,]}").unwrap();
        let err = Fixtures::load(&dir).err().unwrap();
        assert!(err.contains("sub/bad.json: not JSON: "), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
        let err = Fixtures::load(&dir).err().unwrap();
        assert!(err.ends_with("not a folder"), "{err}");
    }
}
