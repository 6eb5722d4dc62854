//! The token's storage in the page: the core's [`ListStore`] (the customer's list of tokens,
//! its save cycle, passphrases, lock and unlock) over `localStorage` and WebCrypto.

use std::ops::Deref;

use super::crypto::WebCrypto;
use super::storage::Store;
use webtoken_token::store::{ListStore, RECORD_KEY};

pub use webtoken_token::store::{ChangeError, WALLET_PURPOSE};

/// The `localStorage` prefix of the page's token.
pub const TOKEN_PREFIX: &str = "webtoken.token.";

/// The customer's tokens, stored under one `localStorage` prefix, sealed under its device key
/// (`<prefix>device-key` in IndexedDB) or a passphrase key; the core's store does the rest.
pub struct WalletStore(ListStore<Store, WebCrypto>);

impl WalletStore {
    /// Opens the list stored under `prefix` (nothing is read yet: see [`ListStore::reload`]).
    pub fn new(prefix: &str) -> Self {
        let device_key = webtoken_engine::persist::device_key_name(prefix);
        Self(ListStore::new(Store::open(prefix), WebCrypto, device_key))
    }

    /// Opens and reads the list stored under `prefix`.
    pub async fn load(prefix: &str) -> Self {
        let store = Self::new(prefix);
        store.reload().await;
        store
    }

    /// The full storage key of the list (for `storage` events).
    pub fn full_key(&self) -> String {
        self.0.store().full_key(RECORD_KEY)
    }
}

impl Deref for WalletStore {
    type Target = ListStore<Store, WebCrypto>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
