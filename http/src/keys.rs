//! The key pairs a server knows, for the layers and extractors that verify
//! requests on their own: a [`KeyStore`] looks a key pair up by its access
//! key. [`Keys`] is a simple one in memory; implement the trait over your
//! own storage.

use std::collections::HashMap;

use crate::KeyPair;

/// Where verification looks up key pairs.
pub trait KeyStore: Send + Sync + 'static {
    /// The key pair of `access_key`, or `None` for a key the server does not
    /// know.
    fn key_pair(&self, access_key: &str) -> Option<KeyPair<'_>>;
}

/// Key pairs held in memory.
///
/// ```
/// use ticketmatic_sign_http::{KeyStore, Keys};
///
/// let keys = Keys::new().with("azertyuiop", "qsdfghjklm", "myaccountname");
/// assert_eq!(keys.key_pair("azertyuiop").unwrap().account, "myaccountname");
/// assert!(keys.key_pair("other").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Keys(HashMap<String, (Vec<u8>, String)>);

impl Keys {
    /// No key pairs.
    pub fn new() -> Keys {
        Keys::default()
    }

    /// With the key pair of `access_key` for `account`.
    pub fn with(mut self, access_key: &str, secret_key: impl AsRef<[u8]>, account: &str) -> Keys {
        self.0.insert(
            access_key.to_owned(),
            (secret_key.as_ref().to_vec(), account.to_owned()),
        );
        self
    }
}

impl KeyStore for Keys {
    fn key_pair(&self, access_key: &str) -> Option<KeyPair<'_>> {
        self.0
            .get(access_key)
            .map(|(secret, account)| KeyPair { secret, account })
    }
}

impl<K: KeyStore + ?Sized> KeyStore for std::sync::Arc<K> {
    fn key_pair(&self, access_key: &str) -> Option<KeyPair<'_>> {
        (**self).key_pair(access_key)
    }
}
