//! Runs the conformance runner's checks over the project's copy of the shared
//! vectors, and checks that the runner does notice a wrong vector.

#[path = "../examples/conformance/check.rs"]
mod check;

use serde_json::Value;

const VECTORS: &str = include_str!("vectors/ticketmatic-signing-vectors.json");
const PROJECT_VECTORS: &str = include_str!("vectors/project-vectors.json");

#[test]
fn every_shared_vector_passes() {
    let report = check::check_file(VECTORS).unwrap();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let total = doc["vectors"].as_array().unwrap().len();
    assert_eq!(report.passed.len(), total);
    assert!(total >= 32, "the shared file has 32 vectors, found {total}");
}

#[test]
fn every_project_vector_passes() {
    let report = check::check_file(PROJECT_VECTORS).unwrap();
    assert!(report.failed.is_empty(), "{:#?}", report.failed);
    assert_eq!(report.passed.len(), 17);
}

/// Edits one vector of the shared file and returns the runner's failure lines.
fn failures_after(id: &str, kind: &str, edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut doc: Value = serde_json::from_str(VECTORS).unwrap();
    let vector = doc["vectors"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v["id"] == id && v["kind"] == kind)
        .unwrap();
    edit(vector);
    check::check_file(&doc.to_string()).unwrap().failed
}

#[test]
fn runner_reports_what_differed() {
    let failed = failures_after("docs-addtickets", "widget", |v| {
        v["expected"]["signature"] = "00".repeat(32).into();
    });
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].starts_with("docs-addtickets (widget): signature: expected \"0000"),
        "{}",
        failed[0]
    );

    let failed = failures_after("unix-epoch", "authorization", |v| {
        v["expected"]["payload"] = "x".into();
    });
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains(
            "payload: expected \"x\", got \"142dda885ec6024f934a40c1club1970-01-01T00:00:00\""
        ),
        "{}",
        failed[0]
    );

    let failed = failures_after("return-tampered", "return_url", |v| {
        v["expected"] = serde_json::json!({"valid": true});
    });
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("valid: expected true, got false"),
        "{}",
        failed[0]
    );

    let failed = failures_after("return-wrong-key", "return_url", |v| {
        v["expected"]["error_kind"] = "signature_mismatch".into();
    });
    assert!(
        failed[0].contains("error_kind: expected \"signature_mismatch\", got \"bad_access_key\""),
        "{}",
        failed[0]
    );
}

#[test]
fn runner_reports_accepted_error_vectors_and_refused_valid_ones() {
    let failed = failures_after("reject-space-in-key", "authorization", |v| {
        v["access_key"] = "abcd".into();
    });
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("expected an error, but the inputs were accepted"),
        "{}",
        failed[0]
    );

    let failed = failures_after("docs-addtickets", "widget", |v| {
        v["account"] = "my/account".into();
    });
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("refused: account name: byte 2 (0x2f) is not allowed"),
        "{}",
        failed[0]
    );
}

#[test]
fn runner_refuses_files_of_another_format() {
    assert!(check::check_file("{\"format\": \"other\", \"vectors\": []}").is_err());
    assert!(check::check_file("not json").is_err());
    let report = check::check_file(
        "{\"format\": \"ticketmatic-signing-vectors/1\", \"vectors\": [{\"id\": \"x\", \"kind\": \"nope\", \"expected\": {}}]}",
    )
    .unwrap();
    assert_eq!(report.failed, ["x (nope): unknown kind \"nope\""]);
}
