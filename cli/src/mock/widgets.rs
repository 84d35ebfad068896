//! `GET /widgets/{account}/{widget}?...`: checks a widget URL with the
//! widget key pair, as Ticketmatic would before showing the widget, and
//! says why when it is wrong.

use hyper::StatusCode;
use serde_json::{json, Value};
use ticketmatic_sign::Signer;

use super::problem::Problem;
use super::Keys;

pub fn check(keys: &Keys, account: &str, widget: &str, query: &str) -> Result<Value, Problem> {
    if account != keys.account {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            format!(
                "no widgets for account '{account}' (this server has '{}')",
                keys.account
            ),
        ));
    }
    let signer =
        Signer::new(&keys.access_key, keys.secret_key.as_bytes(), &keys.account).map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("widget key pair: {e}"),
            )
        })?;
    let payload = payload(&signer, query);
    match signer.verify_return_url(query) {
        Ok(_) => {
            Ok(json!({"valid": true, "account": account, "widget": widget, "payload": payload}))
        }
        Err(e) if e.is_verdict() => {
            let mut problem = Problem::new(StatusCode::UNAUTHORIZED, format!("widget URL: {e}"))
                .with("error_kind", e.reason().as_str());
            if let Some(payload) = payload {
                problem = problem.with("expected_payload", payload);
            }
            Err(problem)
        }
        Err(e) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            format!("widget URL: {e}"),
        )),
    }
}

/// The text the URL's signature must sign, when the query decodes.
fn payload(signer: &Signer, query: &str) -> Option<String> {
    crate::signing::grown(|buf| signer.return_url_payload(query, buf)).ok()
}
