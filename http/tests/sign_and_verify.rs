//! Signing and verifying `http` requests. Expected values come from the
//! shared vectors (`clj-client-test`: key and secret `xyz`, account
//! `ticketmatic`) and the SPEC's rules, not from this crate.

use base64::Engine;
use http::header::AUTHORIZATION;
use http::{Request, StatusCode};
use ticketmatic_sign_http::ticketmatic_sign::{Signer, Timestamp, DEFAULT_WINDOW_SECS};
use ticketmatic_sign_http::{
    sign, verify_request, KeyPair, Refusal, Scheme, SignError, EXPECTED_PAYLOAD,
};

const HEADER: &str = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590";

fn ts() -> Timestamp {
    Timestamp::parse("2017-07-29T16:40:46").unwrap()
}

fn keys(key: &str) -> Option<KeyPair<'static>> {
    (key == "xyz").then_some(KeyPair {
        secret: b"xyz",
        account: "ticketmatic",
    })
}

fn request(path: &str, authorization: Option<&str>) -> Request<()> {
    let mut builder = Request::get(format!("https://apps.ticketmatic.com{path}"));
    if let Some(value) = authorization {
        builder = builder.header(AUTHORIZATION, value);
    }
    builder.body(()).unwrap()
}

fn refused(path: &str, authorization: Option<&str>, now: Timestamp) -> Refusal {
    verify_request(
        &request(path, authorization),
        now,
        DEFAULT_WINDOW_SECS,
        keys,
    )
    .unwrap_err()
}

#[test]
fn a_signed_request_carries_the_vectors_header_and_verifies() {
    let signer = Signer::new("xyz", b"xyz", "ticketmatic").unwrap();
    let mut req = request("/api/1/ticketmatic/events?limit=1", None);
    sign(&mut req, &signer, ts()).unwrap();
    assert_eq!(req.headers()[AUTHORIZATION], HEADER);
    let verified = verify_request(&req, ts(), DEFAULT_WINDOW_SECS, keys).unwrap();
    assert_eq!(
        (
            verified.scheme,
            verified.access_key.as_str(),
            verified.timestamp
        ),
        (Scheme::TmHmacSha256, "xyz", Some(ts()))
    );
    // Behind a proxy's prefix, the account is still found.
    let mut req = request("/tm/api/1/ticketmatic/events", None);
    sign(&mut req, &signer, ts()).unwrap();
    assert_eq!(req.headers()[AUTHORIZATION], HEADER);
}

#[test]
fn signing_refuses_paths_the_signature_would_not_fit() {
    let signer = Signer::new("xyz", b"xyz", "ticketmatic").unwrap();
    let mut req = request("/api/1/club/events", None);
    let err = sign(&mut req, &signer, ts()).unwrap_err();
    assert_eq!(
        err,
        SignError::OtherAccount {
            path: "club".into(),
            signer: "ticketmatic".into()
        }
    );
    assert!(
        req.headers().get(AUTHORIZATION).is_none(),
        "nothing half-done"
    );
    let mut req = request("/widgets/ticketmatic/addtickets", None);
    assert!(matches!(
        sign(&mut req, &signer, ts()),
        Err(SignError::NotAnApiPath(_))
    ));
    // Account-less calls sign an empty account name (SPEC section 1).
    let empty = Signer::new("xyz", b"xyz", "").unwrap();
    let mut req = request("/api/1/_/tools/accounts", None);
    sign(&mut req, &empty, ts()).unwrap();
    let verified = verify_request(&req, ts(), DEFAULT_WINDOW_SECS, keys).unwrap();
    assert_eq!(verified.access_key, "xyz");
}

#[test]
fn every_refusal_says_why_in_ticketmatics_shape() {
    let path = "/api/1/ticketmatic/events";
    let r = refused(path, None, ts());
    assert_eq!(
        (r.problem.status, r.scheme.as_str()),
        (StatusCode::UNAUTHORIZED, "none")
    );
    assert!(r.problem.message.starts_with("no Authorization header"));
    assert_eq!(r.problem.headers[0].1, "TM-HMAC-SHA256, Basic");

    let r = refused(path, Some("Bearer abc"), ts());
    assert_eq!(
        r.problem.message,
        "Authorization scheme 'Bearer' is not accepted: use TM-HMAC-SHA256 or Basic"
    );

    // Two spaces after the scheme: the grammar departs at byte 15.
    let r = refused(path, Some(&HEADER.replacen(' ', "  ", 1)), ts());
    assert_eq!(r.problem.data["offset"], 15);

    let r = refused(path, Some(&HEADER.replace("key=xyz", "key=abc")), ts());
    assert_eq!(
        r.problem.message,
        "Authorization header: unknown access key 'abc'"
    );
    assert_eq!(r.access_key.as_deref(), Some("abc"));

    // A wrong signature: the text it should have signed, key ++ account ++ ts.
    let wrong = format!("{}{}", &HEADER[..HEADER.len() - 64], "0".repeat(64));
    let r = refused(path, Some(&wrong), ts());
    assert_eq!(r.problem.message, "signature does not match what it signs");
    assert_eq!(
        r.problem.data["expected_payload"],
        "xyzticketmatic2017-07-29T16:40:46"
    );
    assert!(r
        .problem
        .headers
        .iter()
        .any(|(n, v)| *n == EXPECTED_PAYLOAD && v == "xyzticketmatic2017-07-29T16:40:46"));

    // Right key, clocks an hour apart.
    let later = Timestamp::from_unix(ts().unix() + 3600).unwrap();
    let r = refused(path, Some(HEADER), later);
    assert_eq!(r.problem.data["skew_secs"], -3600);
    assert_eq!(r.problem.data["window_secs"], 1800);

    // The key of another account: authenticated, but not allowed there.
    let signed_for_club = Signer::new("xyz", b"xyz", "club")
        .unwrap()
        .authorization_string(ts());
    let r = refused("/api/1/club/events", Some(&signed_for_club), ts());
    assert_eq!(r.problem.status, StatusCode::FORBIDDEN);
    assert_eq!(r.problem.data["accounts"][0], "ticketmatic");

    let r = refused("/widgets/ticketmatic/x", Some(HEADER), ts());
    assert_eq!(r.problem.status, StatusCode::NOT_FOUND);

    // The answer as a client reads it.
    let response = refused(path, None, ts()).problem.into_response::<String>();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(body["code"], 401);
    assert_eq!(body["applicationcode"], 0);
    assert!(body["applicationdata"].is_object());
}

#[test]
fn basic_authentication_with_the_key_pair() {
    let basic = |credentials: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        )
    };
    let path = "/api/1/ticketmatic/events";
    let req = request(path, Some(&basic("xyz:xyz")));
    let verified = verify_request(&req, ts(), DEFAULT_WINDOW_SECS, keys).unwrap();
    assert_eq!((verified.scheme, verified.timestamp), (Scheme::Basic, None));
    let r = refused(path, Some(&basic("xyz:nope")), ts());
    assert_eq!(
        r.problem.message,
        "Basic authentication: wrong secret key for access key 'xyz'"
    );
    let r = refused(path, Some(&basic("abc:xyz")), ts());
    assert_eq!(r.problem.data["access_key"], "abc");
    let r = refused(path, Some("Basic !!!"), ts());
    assert!(r.problem.message.contains("not base64"));
}
