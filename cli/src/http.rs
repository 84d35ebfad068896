//! The commands that talk to Ticketmatic (or `tm mock-server`).

use ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};

use crate::Failure;

/// `{base}/api/1/{account or _}/{path}`; an absolute `path` is kept as is.
fn api_url(signer: &Signer<'_>, path: &str) -> String {
    if path.starts_with('/') {
        return format!("{}{path}", signer.base_url());
    }
    let account = match signer.account() {
        "" => "_",
        account => account,
    };
    format!("{}/api/1/{account}/{path}", signer.base_url())
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(60))
        .build()
}

/// `tm time`: the server's clock against this machine's.
pub fn time(signer: &Signer<'_>) -> Result<String, Failure> {
    let url = api_url(signer, "diagnostics/time");
    let body = agent()
        .get(&url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?
        .into_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let local = Timestamp::now()?;
    let json: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("GET {url}: not JSON: {e}"))?;
    // ISO-8601; the first 19 characters are the part signatures use.
    let server = json
        .get("systemtime")
        .and_then(|v| v.as_str())
        .and_then(|text| text.get(..Timestamp::LEN))
        .and_then(|text| Timestamp::parse(text).ok())
        .ok_or_else(|| format!("GET {url}: no systemtime in {body}"))?;
    let diff = local.unix() - server.unix();
    let verdict = if diff.unsigned_abs() > u64::from(DEFAULT_WINDOW_SECS) {
        "more than the 30 minutes allowed: signatures made here will be refused"
    } else {
        "within the 30 minutes allowed"
    };
    let direction = if diff >= 0 { "ahead of" } else { "behind" };
    Ok(format!(
        "server time:       {server}\nthis machine:      {local}\n\
         this machine is {} s {direction} the server, {verdict}",
        diff.unsigned_abs()
    ))
}

/// `tm get PATH`: a signed GET, the JSON response pretty-printed.
pub fn get(signer: &Signer<'_>, path: &str) -> Result<String, Failure> {
    let url = api_url(signer, path);
    // One timestamp, both sent and signed.
    let header = signer.authorization_string(Timestamp::now()?);
    let response = match agent().get(&url).set("Authorization", &header).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(status, response)) => {
            let body = response.into_string().unwrap_or_default();
            return Err(Failure::verdict(refusal(status, &url, &body)));
        }
        Err(e) => return Err(format!("GET {url}: {e}").into()),
    };
    let body = response
        .into_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    Ok(match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or(body),
        Err(_) => body,
    })
}

/// What to tell a user whose request was refused.
pub fn refusal(status: u16, url: &str, body: &str) -> String {
    let hint = match status {
        401 => {
            "\nlikely causes: this machine's clock is off by more than 30 minutes (run `tm time`), \
             the account name does not match the keys, widget keys used for the API, or a wrong \
             secret (`tm explain header` shows what was signed)"
        }
        403 => "\nthe keys are valid but not allowed to do this: check the API key's rights in Ticketmatic",
        _ => "",
    };
    format!("GET {url}: HTTP {status}: {}{hint}", body.trim())
}
