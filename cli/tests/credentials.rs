//! Where `tm` gets its keys: files with profiles, the environment, the
//! default file; every bad value named with its source. Each test checks
//! exit status and message.

mod common;

use std::path::Path;

use common::{scratch, text, tm, write_private};

/// The Clojure client's test keys and the header they sign at this time.
const AT: [&str; 3] = ["header", "--at", "2017-07-29T16:40:46"];
const XYZ_HEADER: &str = "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590\n";

fn with_file(file: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut all = vec!["--credentials", file.to_str().unwrap()];
    all.extend(args);
    tm(&all, env)
}

fn fails(out: &std::process::Output, message: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains(message), "expected {message:?} in {err:?}");
}

const PROFILES: &str = "\
# shared by the team
export TM_ACCOUNT=ticketmatic
export TM_ACCESS_KEY=xyz
export TM_SECRET_KEY='xyz'

[club]
TM_ACCOUNT=club
TM_ACCESS_KEY=142dda885ec6024f934a40c1
TM_SECRET_KEY=abd2e5893bd447dc7331af1db8df42fdc62fc5c8f9f04784
";

#[test]
fn profiles_and_export_lines() {
    let dir = scratch("profiles");
    let file = dir.join("credentials");
    write_private(&file, PROFILES);
    let out = with_file(&file, &AT, &[]);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), XYZ_HEADER.into()),
        "{}",
        text(&out.stderr)
    );
    let club = with_file(&file, &["--profile", "club", "header"], &[]);
    assert!(
        text(&club.stdout).starts_with("TM-HMAC-SHA256 key=142dda885ec6024f934a40c1 "),
        "{}",
        text(&club.stderr)
    );
    let club = with_file(&file, &["header"], &[("TM_PROFILE", "club")]);
    assert!(text(&club.stdout).starts_with("TM-HMAC-SHA256 key=142dda885ec6024f934a40c1 "));
    fails(
        &with_file(&file, &["--profile", "nope", "header"], &[]),
        "no profile [nope] (profiles: club)",
    );
}

#[test]
fn the_default_file_is_used_and_must_be_private() {
    let home = scratch("home");
    let file = home.join(".config/tm/credentials");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    write_private(&file, PROFILES);
    let home_env = [("HOME", home.to_str().unwrap())];
    let out = tm(&AT, &home_env);
    assert_eq!(text(&out.stdout), XYZ_HEADER, "{}", text(&out.stderr));
    // The environment, when set, comes first.
    let env = [
        home_env[0],
        ("TM_ACCOUNT", "a"),
        ("TM_ACCESS_KEY", "k"),
        ("TM_SECRET_KEY", "s"),
    ];
    assert!(text(&tm(&["header"], &env).stdout).starts_with("TM-HMAC-SHA256 key=k "));

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    fails(
        &tm(&AT, &home_env),
        "others may read it (mode 644): it holds a secret; run chmod 600",
    );
}

#[test]
fn file_errors_name_the_file_and_line() {
    let dir = scratch("lines");
    let file = dir.join("credentials");
    let shown = file.display().to_string();
    for (content, message) in [
        (
            "TM_ACCOUNT=a\nTM_SECRET_KEY=s\nTM_ACCESS_KEY=k\nTM_SECRET_KEY=t\n",
            ":4: TM_SECRET_KEY given twice (first on line 2)".to_owned(),
        ),
        (
            "TM_ACCOUNT=a\nTM_ACCESS_KEY=k k\nTM_SECRET_KEY=s\n",
            format!("{shown}:2: TM_ACCESS_KEY: access key: byte 1 (0x20) is not allowed"),
        ),
        (
            "TM_ACCOUNT=my/club\nTM_ACCESS_KEY=k\nTM_SECRET_KEY=s\n",
            format!("{shown}:1: TM_ACCOUNT: account name: byte 2 (0x2f) is not allowed"),
        ),
        (
            "TM_ACCOUNT=a\nTM_ACCESS_KEY=\nTM_SECRET_KEY=s\n",
            format!("{shown}:2: TM_ACCESS_KEY: access key: empty"),
        ),
        (
            "TM_ACCOUNT=a\nTM_ACCESS_KEY=k\nTM_SECRET_KEY=\n",
            format!("{shown}:3: TM_SECRET_KEY: secret key: empty"),
        ),
        (
            "TM_ACCOUNT=a\nTM_ACCESS_KEY=k\n",
            "TM_SECRET_KEY is not set".to_owned(),
        ),
        (
            "export TM_SECRET=y\n",
            ":1: unknown name TM_SECRET".to_owned(),
        ),
    ] {
        write_private(&file, content);
        fails(&with_file(&file, &["header"], &[]), &message);
    }
}

#[test]
fn environment_values_are_checked_too() {
    // An empty account is the crate's account-less signer (SPEC section 1):
    // a header signs an empty account name; a widget URL needs one.
    let no_account = [
        ("TM_ACCOUNT", ""),
        ("TM_ACCESS_KEY", "xyz"),
        ("TM_SECRET_KEY", "xyz"),
    ];
    let out = tm(&["header", "--at", "2017-07-29T16:40:46"], &no_account);
    // HMAC-SHA256("xyz", "xyz" + "" + "2017-07-29T16:40:46"), by Python's hmac.
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (
            Some(0),
            "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 \
             sign=bd6c218cf4f50a1859a993e2c0d906dcda94308f218560f3945f2bbe4904614e\n"
                .into()
        ),
        "{}",
        text(&out.stderr)
    );
    fails(
        &tm(&["widget-url", "w"], &no_account),
        "account name: empty, but a widget URL needs it as a path segment",
    );
    fails(
        &tm(&["header"], &[("TM_ACCOUNT", "a"), ("TM_ACCESS_KEY", "k")]),
        "TM_SECRET_KEY is not set",
    );
    // A secret that is not UTF-8 is said to be so, not "not set".
    use std::os::unix::ffi::OsStrExt;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tm"))
        .arg("header")
        .env_clear()
        .env("TM_ACCOUNT", "a")
        .env("TM_ACCESS_KEY", "k")
        .env("TM_SECRET_KEY", std::ffi::OsStr::from_bytes(b"s\xff"))
        .output()
        .unwrap();
    fails(&out, "TM_SECRET_KEY: not valid UTF-8");
}
