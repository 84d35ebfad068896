//! `--data FILE.jsonl`: the records `tools/queries/export` streams and
//! `tools/queries` answers, read once at start. Every line must be one JSON
//! object (the line number of the first that is not stops the server), a
//! missing final newline is supplied, and `limit`/`offset` count records.
//! `--data-verbatim` serves the file's bytes as they are instead (blank
//! lines, broken lines, no final newline), for testing a client's stream
//! reader; `limit`/`offset` then count the lines that are not blank.

use std::ops::Range;
use std::path::Path;

use bytes::Bytes;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The records, held in memory with where each one lies.
pub struct Data {
    bytes: Bytes,
    /// Each record's bytes, its newline included where it has one.
    records: Vec<Range<usize>>,
    verbatim: bool,
}

impl Data {
    pub fn load(path: &Path, verbatim: bool) -> Result<Data, String> {
        let shown = path.display();
        let mut bytes = std::fs::read(path).map_err(|e| format!("--data {shown}: {e}"))?;
        if !verbatim && !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        let mut records = Vec::new();
        let mut start = 0;
        for (number, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
            let range = start..start + line.len();
            start = range.end;
            let blank = line.iter().all(u8::is_ascii_whitespace);
            if verbatim {
                if !blank {
                    records.push(range);
                }
                continue;
            }
            let at = |why: String| {
                format!(
                    "--data {shown}: line {}: {why}; every line must be one JSON object \
                     (--data-verbatim serves the file as it is)",
                    number + 1
                )
            };
            if blank {
                return Err(at("a blank line".into()));
            }
            serde_json::from_slice::<Object>(line)
                .map_err(|e| at(format!("not a JSON object: {e}")))?;
            records.push(range);
        }
        Ok(Data {
            bytes: bytes.into(),
            records,
            verbatim,
        })
    }

    /// Records `offset..offset + limit` (`limit` 0: to the end) as they lie
    /// in the file; with `--data-verbatim`, the whole file when all are
    /// asked for.
    pub fn select(&self, offset: u64, limit: u64) -> Bytes {
        if self.verbatim && offset == 0 && limit == 0 {
            return self.bytes.clone();
        }
        let chosen = self.chosen(offset, limit);
        match (chosen.first(), chosen.last()) {
            (Some(first), Some(last)) => self.bytes.slice(first.start..last.end),
            _ => Bytes::new(),
        }
    }

    /// The same records parsed, for `tools/queries`; a verbatim line that
    /// is not JSON is said to be one.
    pub fn parsed(&self, offset: u64, limit: u64) -> Result<Vec<Value>, String> {
        let skipped = usize::try_from(offset).unwrap_or(usize::MAX);
        self.chosen(offset, limit)
            .iter()
            .enumerate()
            .map(|(i, range)| {
                serde_json::from_slice(&self.bytes[range.clone()]).map_err(|e| {
                    format!(
                        "record {} of --data is not JSON (--data-verbatim): {e}",
                        skipped.saturating_add(i + 1)
                    )
                })
            })
            .collect()
    }

    fn chosen(&self, offset: u64, limit: u64) -> &[Range<usize>] {
        let count = self.records.len();
        let first = usize::try_from(offset).unwrap_or(usize::MAX).min(count);
        let end = match usize::try_from(limit) {
            Ok(0) | Err(_) => count,
            Ok(limit) => first.saturating_add(limit).min(count),
        };
        &self.records[first..end]
    }
}

/// A JSON object, checked without being built.
struct Object;

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object (a record)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Object)
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str, verbatim: bool) -> Result<Data, String> {
        let path = std::env::temp_dir().join(format!(
            "tm-data-{}-{}-{verbatim}",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&path, text).unwrap();
        let data = Data::load(&path, verbatim);
        std::fs::remove_file(&path).unwrap();
        data
    }

    #[test]
    fn limit_and_offset_count_records() {
        let d = data("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", false).unwrap();
        assert_eq!(d.select(0, 0), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
        assert_eq!(d.select(1, 1), "{\"b\":2}\n");
        assert_eq!(d.select(2, 5), "{\"c\":3}\n");
        assert_eq!(d.select(3, 0), "");
        assert_eq!(d.select(u64::MAX, u64::MAX), "");
        assert_eq!(d.parsed(1, 1).unwrap(), [serde_json::json!({"b": 2})]);
        assert_eq!(data("", false).unwrap().select(0, 0), "");
        // The missing final newline is supplied.
        assert_eq!(data("{}\n{}", false).unwrap().select(1, 0), "{}\n");
    }

    #[test]
    fn every_line_must_be_one_object() {
        for (text, why) in [
            ("{}\n\n{}\n", "line 2: a blank line"),
            ("{}\n[1]\n", "line 2: not a JSON object"),
            ("{}\n{\"a\":\n", "line 2: not a JSON object"),
            ("{} {}\n", "line 1: not a JSON object"),
        ] {
            let err = data(text, false).err().unwrap();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn verbatim_serves_the_bytes_and_counts_records() {
        let d = data("{\"a\":1}\n\n{\"b\":2}\nnot json\n{\"c\":3}", true).unwrap();
        assert_eq!(
            d.select(0, 0),
            "{\"a\":1}\n\n{\"b\":2}\nnot json\n{\"c\":3}"
        );
        assert_eq!(d.select(1, 1), "{\"b\":2}\n", "the blank line is no record");
        assert_eq!(d.select(3, 0), "{\"c\":3}");
        let err = d.parsed(0, 3).err().unwrap();
        assert!(err.starts_with("record 3 of --data is not JSON"), "{err}");
    }
}
