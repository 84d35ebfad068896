//! Which account a request is for: the segment after `/api/1/` in its path.

/// The account a Ticketmatic API path names: `Some("club")` for
/// `/api/1/club/events`, `Some("")` for an account-less call
/// (`/api/1/_/tools/accounts`, which signs an empty account name), `None`
/// for a path that is not under `/api/1/{account}/`. A prefix before
/// `/api/1/` (a proxy's) is allowed.
///
/// ```
/// use ticketmatic_sign_http::account_in_path;
///
/// assert_eq!(account_in_path("/api/1/club/events"), Some("club"));
/// assert_eq!(account_in_path("/proxy/tm/api/1/club/events/1"), Some("club"));
/// assert_eq!(account_in_path("/api/1/_/tools/accounts"), Some(""));
/// assert_eq!(account_in_path("/widgets/club/addtickets"), None);
/// assert_eq!(account_in_path("/api/1/"), None);
/// ```
pub fn account_in_path(path: &str) -> Option<&str> {
    let mut segments = path.split('/');
    while let Some(segment) = segments.next() {
        if segment != "api" {
            continue;
        }
        let mut rest = segments.clone();
        if rest.next() == Some("1") {
            return match rest.next() {
                Some("_") => Some(""),
                Some("") | None => None,
                Some(account) => Some(account),
            };
        }
    }
    None
}
