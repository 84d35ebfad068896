//! Where `tm` gets its key pair and account, never from the command line
//! (arguments end up in shell history and process lists). In order:
//!
//! 1. `--demo`: the example keys of Ticketmatic's documentation;
//! 2. `--credentials FILE`;
//! 3. the environment, when any of `TM_ACCOUNT`, `TM_ACCESS_KEY`,
//!    `TM_SECRET_KEY` is set;
//! 4. `~/.config/tm/credentials` (or `$XDG_CONFIG_HOME/tm/credentials`).
//!
//! A credentials file holds `NAME=value` lines (an `export ` prefix and
//! quotes allowed, `#` comments), optionally in `[profile]` sections chosen
//! with `--profile NAME` or `TM_PROFILE`. Like ssh with its keys, `tm`
//! refuses a file that others may read. Every value is checked here, and an
//! error names where the value came from: the variable, or file and line.

use std::path::{Path, PathBuf};

use ticketmatic_sign::{Field, Signer};

use crate::Failure;

/// The names, in the environment and in a credentials file.
const NAMES: [&str; 3] = ["TM_ACCOUNT", "TM_ACCESS_KEY", "TM_SECRET_KEY"];

#[derive(Clone)]
pub struct Credentials {
    pub account: String,
    pub access_key: String,
    pub secret_key: String,
}

/// What the command line says about credentials.
pub struct Choice<'a> {
    pub demo: bool,
    pub file: Option<&'a Path>,
    pub profile: Option<&'a str>,
}

/// A value and where it came from, for error messages.
#[derive(Clone)]
struct Value {
    text: String,
    /// `TM_ACCOUNT`, or `FILE:LINE: TM_ACCOUNT`.
    origin: String,
    /// The line in a file; 0 for the environment.
    line: usize,
}

impl Credentials {
    /// The keys of the example in Ticketmatic's widget documentation.
    pub fn demo() -> Self {
        Credentials {
            account: "myaccountname".into(),
            access_key: "azertyuiop".into(),
            secret_key: "qsdfghjklm".into(),
        }
    }

    /// The credentials the command line, the environment and the default
    /// file select, checked.
    pub fn choose(choice: &Choice<'_>) -> Result<Self, Failure> {
        if choice.demo {
            return Ok(Self::demo());
        }
        let profile = match choice.profile {
            Some(profile) => Some(profile.to_owned()),
            None => env("TM_PROFILE")?.map(|v| v.text),
        };
        if let Some(file) = choice.file {
            return Self::from_file(file, profile.as_deref());
        }
        let (account, key, secret) = (
            env("TM_ACCOUNT")?,
            env("TM_ACCESS_KEY")?,
            env("TM_SECRET_KEY")?,
        );
        let any_set = account.is_some() || key.is_some() || secret.is_some();
        let default_exists = default_file().is_some_and(|f| f.exists());
        if let (false, false, Some(profile)) = (any_set, default_exists, &profile) {
            return Err(Failure::usage(format!(
                "--profile {}: no credentials file to take it from (~/.config/tm/credentials \
                 does not exist): give --credentials FILE",
                crate::signing::shown(profile)
            )));
        }
        if any_set || !default_exists {
            if any_set && profile.is_some() {
                return Err(Failure::usage(
                    "--profile (or TM_PROFILE) selects a section of a credentials file, but the \
                     TM_ACCOUNT, TM_ACCESS_KEY or TM_SECRET_KEY variables are set",
                ));
            }
            let set: Vec<&str> = [(&account, NAMES[0]), (&key, NAMES[1]), (&secret, NAMES[2])]
                .iter()
                .filter(|(value, _)| value.is_some())
                .map(|(_, name)| *name)
                .collect();
            let missing = |name: &str| {
                if set.is_empty() {
                    return Failure::usage(format!(
                        "{name} is not set (set TM_ACCOUNT, TM_ACCESS_KEY and TM_SECRET_KEY, or \
                         use --credentials FILE, ~/.config/tm/credentials, or --demo)"
                    ));
                }
                let file = if default_exists {
                    "~/.config/tm/credentials is not read"
                } else {
                    "no credentials file is read"
                };
                let absent: Vec<&str> = NAMES.into_iter().filter(|n| !set.contains(n)).collect();
                Failure::usage(format!(
                    "{name} is not set: the environment sets {} and so takes precedence \
                     ({file}); set {} too, or unset {} to use the file",
                    set.join(" and "),
                    absent.join(" and "),
                    set.join(" and "),
                ))
            };
            return Self::checked(
                account.ok_or_else(|| missing("TM_ACCOUNT"))?,
                key.ok_or_else(|| missing("TM_ACCESS_KEY"))?,
                secret.ok_or_else(|| missing("TM_SECRET_KEY"))?,
            );
        }
        match default_file() {
            Some(file) => Self::from_file(&file, profile.as_deref()),
            None => Err(Failure::usage(
                "--profile: no credentials file (HOME is not set)",
            )),
        }
    }

    pub fn from_file(path: &Path, profile: Option<&str>) -> Result<Self, Failure> {
        let shown = path.display().to_string();
        let fail = |message: String| Failure::usage(format!("credentials file {shown}: {message}"));
        check_private(path).map_err(fail)?;
        let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            Failure::usage(format!("{shown}:{line}: not valid UTF-8"))
        })?;
        let sections = parse(&text, &shown)?;
        let wanted = profile.unwrap_or("");
        let chosen = sections
            .iter()
            .find(|(name, _)| name == wanted)
            .or_else(|| {
                (profile.is_none())
                    .then(|| sections.iter().find(|(name, _)| name == "default"))
                    .flatten()
            });
        let Some((_, values)) = chosen else {
            let names: Vec<&str> = sections
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !n.is_empty())
                .collect();
            return Err(fail(match profile {
                Some(profile) => format!("no profile [{profile}] (profiles: {})", names.join(", ")),
                None => format!(
                    "no values outside a [profile] and no [default] (profiles: {}): use --profile",
                    names.join(", ")
                ),
            }));
        };
        let mut values: Vec<(&str, Value)> = values
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        let mut take = |name: &str| {
            let at = values.iter().position(|(n, _)| *n == name);
            at.map(|at| values.swap_remove(at).1).ok_or_else(|| {
                let place = if wanted.is_empty() {
                    String::new()
                } else {
                    format!(" in [{wanted}]")
                };
                fail(format!("{name} is not set{place}"))
            })
        };
        let (account, key, secret) = (
            take("TM_ACCOUNT")?,
            take("TM_ACCESS_KEY")?,
            take("TM_SECRET_KEY")?,
        );
        Self::checked(account, key, secret)
    }

    /// Checks the values by the signer's own rules (an empty account is
    /// allowed: account-less calls), naming the source of a bad one.
    fn checked(account: Value, key: Value, secret: Value) -> Result<Self, Failure> {
        if let Err(e) = Signer::new(&key.text, secret.text.as_bytes(), &account.text) {
            let origin = match e.field() {
                Field::Account => &account.origin,
                Field::SecretKey => &secret.origin,
                _ => &key.origin,
            };
            return Err(Failure::usage(format!("{origin}: {e}")).because(e));
        }
        Ok(Credentials {
            account: account.text,
            access_key: key.text,
            secret_key: secret.text,
        })
    }
}

/// An environment variable, if set; an error if it is not UTF-8.
fn env(name: &str) -> Result<Option<Value>, Failure> {
    match std::env::var(name) {
        Ok(text) => Ok(Some(Value {
            text,
            origin: name.to_owned(),
            line: 0,
        })),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{name}: not valid UTF-8")))
        }
    }
}

fn default_file() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(config.join("tm").join("credentials"))
}

/// Refuses what is not a regular file (a directory, `/dev/null`: nothing
/// to read keys from) and a file that others may read or write, as ssh
/// does for keys.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file"
        };
        return Err(format!("{kind}: give the file that holds the keys"));
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "others may read it (mode {:03o}): it holds a secret; run chmod 600 {}",
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), String> {
    Ok(())
}

type Section = (String, Vec<(String, Value)>);

/// The sections of a credentials file: the unnamed one (lines before any
/// `[name]`) first. Unknown or repeated names are errors with file and line.
fn parse(text: &str, shown: &str) -> Result<Vec<Section>, Failure> {
    let mut sections: Vec<Section> = vec![(String::new(), Vec::new())];
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let at = |message: String| Failure::usage(format!("{shown}:{number}: {message}"));
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            if name.is_empty() || sections.iter().any(|(n, _)| n == name) {
                return Err(at(format!("[{name}]: empty or given twice")));
            }
            sections.push((name.to_owned(), Vec::new()));
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| at("expected NAME=value".into()))?;
        let name = name.trim();
        if !NAMES.contains(&name) {
            return Err(at(format!(
                "unknown name {name} (expected one of {})",
                NAMES.join(", ")
            )));
        }
        let (_, values) = sections.last_mut().expect("there is always a section");
        if let Some((_, first)) = values.iter().find(|(n, _)| n == name) {
            return Err(at(format!(
                "{name} given twice (first on line {})",
                first.line
            )));
        }
        values.push((
            name.to_owned(),
            Value {
                text: unquote(value.trim()).to_owned(),
                origin: format!("{shown}:{number}: {name}"),
                line: number,
            },
        ));
    }
    Ok(sections)
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}
