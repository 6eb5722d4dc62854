//! The WebCrypto half of the one save cycle ([`webtoken_engine::persist`]): the core's
//! [`webtoken_token::sealing`] sealer over the page's WebCrypto keys.

pub use webtoken_token::sealing::NotSaved;

/// Seals records as [`webtoken_token::vault`] envelopes with AES-256-GCM (WebCrypto), under
/// the device key (IndexedDB) or a passphrase key.
pub type VaultSealer = webtoken_token::sealing::VaultSealer<super::crypto::WebCrypto>;
