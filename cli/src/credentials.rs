//! Where `tm` gets its key pair and account: the environment, a file, or the
//! documentation's example keys. Never the command line, whose arguments
//! end up in shell history and process lists.

use std::path::Path;

/// The names, in the environment and in a credentials file.
const NAMES: [&str; 3] = ["TM_ACCOUNT", "TM_ACCESS_KEY", "TM_SECRET_KEY"];

#[derive(Clone)]
pub struct Credentials {
    pub account: String,
    pub access_key: String,
    pub secret_key: String,
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

    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok(), "in the environment")
    }

    /// Reads `NAME=value` lines; blank lines and `#` comments are skipped, and
    /// a value may be quoted.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("credentials file {shown}: {e}"))?;
        let mut values: Vec<(&str, String)> = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) = line
                .split_once('=')
                .ok_or_else(|| format!("{shown}:{}: expected NAME=value", number + 1))?;
            let name = name.trim();
            if !NAMES.contains(&name) {
                return Err(format!(
                    "{shown}:{}: unknown name {name} (expected one of {})",
                    number + 1,
                    NAMES.join(", ")
                ));
            }
            values.push((name, unquote(value.trim()).to_owned()));
        }
        let found = |name: &str| {
            values
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        Self::from_lookup(found, &format!("in {shown}"))
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>, place: &str) -> Result<Self, String> {
        let need = |name: &str| {
            get(name).ok_or_else(|| {
                format!(
                    "{name} is not set {place} (set TM_ACCOUNT, TM_ACCESS_KEY and TM_SECRET_KEY \
                     in the environment or in --credentials FILE, or use --demo)"
                )
            })
        };
        Ok(Credentials {
            account: need("TM_ACCOUNT")?,
            access_key: need("TM_ACCESS_KEY")?,
            secret_key: need("TM_SECRET_KEY")?,
        })
    }
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
