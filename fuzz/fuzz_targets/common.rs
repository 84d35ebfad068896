//! Input format and validity rules shared by the fuzz targets, written out
//! plainly from the SPEC and the crate's documented refusals.
#![allow(dead_code)]

/// Splits fuzz input into NUL-separated UTF-8 fields (so that seeds can be
/// written from the conformance vectors). `None` if it is not UTF-8.
pub fn fields(data: &[u8]) -> Option<Vec<&str>> {
    std::str::from_utf8(data)
        .ok()
        .map(|s| s.split('\0').collect())
}

pub fn access_key_ok(key: &str) -> bool {
    !key.is_empty() && key.len() <= 64 && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// An account the signer accepts: empty (account-less calls), or a path
/// segment of at most 64 bytes (`MAX_ACCOUNT_LEN`, what the signer stores).
pub fn account_ok(account: &str) -> bool {
    account.is_empty() || (segment_ok(account) && account.len() <= 64)
}

/// A URL path segment: unreserved characters only, not `.` or `..`.
pub fn segment_ok(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(unreserved) && s != "." && s != ".."
}

/// Widget parameters the crate accepts: names non-empty, distinct, and not
/// `accesskey` or `signature`.
pub fn params_ok(params: &[(String, String)]) -> bool {
    let mut names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    names.dedup();
    names.len() == params.len()
        && names
            .iter()
            .all(|n| !n.is_empty() && *n != "accesskey" && *n != "signature")
}
