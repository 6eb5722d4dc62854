//! WebCrypto through `SubtleCrypto`: AES-256-GCM records ([`webtoken_token::vault`] envelopes)
//! under a non-extractable device key kept in IndexedDB, or under a key derived from a
//! passphrase with PBKDF2-HMAC-SHA256.
//!
//! Key bytes never reach Rust or JavaScript: the device key is generated non-extractable and
//! stored by structured clone, the passphrase key is derived non-extractable. Plaintext copies
//! in JavaScript buffers are overwritten with zeros once read.

use std::future::Future;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

use super::errors::{JsFailure, js_failure};
use super::idb::{Db, IdbError};
use webtoken_token::opening;
use webtoken_token::sealing::{self, Keys, new_passphrase_params};
use webtoken_token::vault::{
    DEFAULT_PBKDF2_ITERATIONS, Envelope, KEY_ID_BYTES, KeySpec, NONCE_BYTES, Pbkdf2Params,
};

/// Why a cryptographic operation could not run (the core's error).
pub use webtoken_token::keys::CryptoError;

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let crypto = web_sys::window()
        .ok_or(CryptoError::Unavailable)?
        .crypto()
        .map_err(|_| CryptoError::Unavailable)?;
    let subtle = crypto.subtle();
    if subtle.is_undefined() {
        return Err(CryptoError::Unavailable);
    }
    Ok(subtle)
}

/// Fresh random bytes from the browser's CSPRNG.
pub fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|_| CryptoError::Random)?;
    Ok(bytes)
}

/// A plain object `{ name, ...fields }` for a WebCrypto algorithm.
fn algorithm(name: &str, fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    let _ = Reflect::set(&object, &"name".into(), &name.into());
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

fn usages(list: &[&str]) -> Array {
    list.iter().map(|u| JsValue::from_str(u)).collect()
}

fn aes_key_params() -> Object {
    algorithm("AES-GCM", &[("length", 256.into())])
}

async fn resolve(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsFailure> {
    JsFuture::from(promise.map_err(js_failure)?)
        .await
        .map_err(js_failure)
}

/// An AES-256-GCM key with the envelope parameters that name it.
#[derive(Clone)]
pub struct VaultKey {
    key: CryptoKey,
    spec: KeySpec,
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultKey")
            .field("spec", &self.spec)
            .finish()
    }
}

impl VaultKey {
    /// The envelope parameters of this key.
    pub fn spec(&self) -> &KeySpec {
        &self.spec
    }

    /// Whether the key comes from a passphrase.
    pub fn is_passphrase(&self) -> bool {
        matches!(self.spec, KeySpec::Passphrase(_))
    }

    /// The device key named `name`: read from IndexedDB, or generated (non-extractable) and
    /// stored there on first use ([`sealing::device_key`]: when two tabs create it at once,
    /// both end up with the first).
    pub async fn device(name: &str) -> Result<VaultKey, CryptoError> {
        let db = Db::open().await.map_err(CryptoError::KeyStore)?;
        sealing::device_key(&db, name).await
    }
}

/// IndexedDB's steps for device keys: each record is `{ id, key }`, the key a non-extractable
/// `CryptoKey` stored by structured clone.
impl sealing::DeviceKeyStore for Db {
    type Key = VaultKey;

    async fn generate(&self) -> Result<VaultKey, CryptoError> {
        let key: CryptoKey = resolve(subtle()?.generate_key_with_object(
            &aes_key_params(),
            false,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await
        .map_err(CryptoError::Failed)?
        .unchecked_into();
        let key_id = random::<KEY_ID_BYTES>()?;
        Ok(VaultKey {
            key,
            spec: KeySpec::Device { key_id },
        })
    }

    async fn add(&self, name: &str, key: &VaultKey) -> Result<(), CryptoError> {
        // Only `generate` makes the keys added here, and it makes device keys.
        let KeySpec::Device { key_id } = &key.spec else {
            return Err(CryptoError::Unavailable);
        };
        let record = Object::new();
        let _ = Reflect::set(&record, &"id".into(), &Uint8Array::from(&key_id[..]));
        let _ = Reflect::set(&record, &"key".into(), &key.key);
        Db::add(self, name, &record)
            .await
            .map_err(CryptoError::KeyStore)
    }

    async fn read(&self, name: &str) -> Result<Option<VaultKey>, CryptoError> {
        let Some(record) = self.get(name).await.map_err(CryptoError::KeyStore)? else {
            return Ok(None);
        };
        let key = Reflect::get(&record, &"key".into())
            .ok()
            .and_then(|k| k.dyn_into::<CryptoKey>().ok());
        let id = Reflect::get(&record, &"id".into())
            .ok()
            .and_then(|k| k.dyn_into::<Uint8Array>().ok())
            .and_then(|a| <[u8; KEY_ID_BYTES]>::try_from(a.to_vec()).ok());
        match (key, id) {
            (Some(key), Some(key_id)) => Ok(Some(VaultKey {
                key,
                spec: KeySpec::Device { key_id },
            })),
            // Something else sits under our name: treat the key as missing, never overwrite it.
            _ => Err(CryptoError::KeyStore(IdbError::AlreadyExists)),
        }
    }
}

impl VaultKey {
    /// Removes the device key named `name` (for tests, and when the customer discards data).
    pub async fn forget_device(name: &str) -> Result<(), CryptoError> {
        let db = Db::open().await.map_err(CryptoError::KeyStore)?;
        db.delete(name).await.map_err(CryptoError::KeyStore)
    }

    /// A key derived from `passphrase` with `params` (PBKDF2-HMAC-SHA256, RFC 8018 5.2).
    pub async fn from_passphrase(
        passphrase: &str,
        params: Pbkdf2Params,
    ) -> Result<VaultKey, CryptoError> {
        let subtle = subtle()?;
        let bytes = Uint8Array::from(passphrase.as_bytes());
        let base: CryptoKey = resolve(subtle.import_key_with_str(
            "raw",
            &bytes,
            "PBKDF2",
            false,
            &usages(&["deriveKey"]),
        ))
        .await
        .map_err(CryptoError::Failed)?
        .unchecked_into();
        bytes.fill(0, 0, bytes.length());
        let pbkdf2 = algorithm(
            "PBKDF2",
            &[
                ("hash", "SHA-256".into()),
                ("salt", Uint8Array::from(params.salt()).into()),
                ("iterations", params.iterations().into()),
            ],
        );
        let key: CryptoKey = resolve(subtle.derive_key_with_object_and_object(
            &pbkdf2,
            &base,
            &aes_key_params(),
            false,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await
        .map_err(CryptoError::Failed)?
        .unchecked_into();
        Ok(VaultKey {
            key,
            spec: KeySpec::Passphrase(params),
        })
    }

    /// A key derived from a new passphrase, with a fresh salt and the default iterations.
    pub async fn new_passphrase(passphrase: &str) -> Result<VaultKey, CryptoError> {
        Self::new_passphrase_with(passphrase, DEFAULT_PBKDF2_ITERATIONS).await
    }

    /// A key derived from a new passphrase, with a fresh salt and `iterations` (within the
    /// envelope's bounds).
    pub async fn new_passphrase_with(
        passphrase: &str,
        iterations: u32,
    ) -> Result<VaultKey, CryptoError> {
        let params = new_passphrase_params(iterations, |salt| {
            getrandom::fill(salt).map_err(|_| CryptoError::Random)
        })?;
        Self::from_passphrase(passphrase, params).await
    }

    /// Encrypts `plaintext` for `purpose` under a fresh random nonce; the stored text.
    pub async fn seal(&self, purpose: &str, plaintext: &[u8]) -> Result<String, CryptoError> {
        let nonce = random::<NONCE_BYTES>()?;
        let params = gcm_params(&nonce, &self.spec.additional_data(purpose));
        let out =
            resolve(subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, plaintext))
                .await
                .map_err(CryptoError::Failed)?;
        let ciphertext = Uint8Array::new(&out).to_vec();
        Ok(Envelope {
            key: self.spec.clone(),
            nonce,
            ciphertext,
        }
        .to_text())
    }

    /// Decrypts an envelope for `purpose`. Fails closed: any altered byte, another purpose or
    /// another key gives an error and no plaintext.
    pub async fn open(
        &self,
        purpose: &str,
        envelope: &Envelope,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let auth_failed = opening::check_key(&envelope.key, &self.spec)?;
        let params = gcm_params(&envelope.nonce, &envelope.additional_data(purpose));
        let decrypting = subtle()
            .map_err(OpenError::Crypto)?
            .decrypt_with_object_and_u8_array(&params, &self.key, &envelope.ciphertext);
        let out = resolve(decrypting).await.map_err(|e| {
            let name = e.name.clone();
            opening::failed(&name, auth_failed, || CryptoError::Failed(e))
        })?;
        let array = Uint8Array::new(&out);
        let plaintext = Zeroizing::new(array.to_vec());
        array.fill(0, 0, array.length());
        Ok(plaintext)
    }
}

/// Why an envelope was not opened ([`webtoken_token::opening`]).
pub type OpenError = opening::OpenError<CryptoError>;

fn gcm_params(nonce: &[u8], additional_data: &[u8]) -> Object {
    algorithm(
        "AES-GCM",
        &[
            ("iv", Uint8Array::from(nonce).into()),
            ("additionalData", Uint8Array::from(additional_data).into()),
            ("tagLength", 128.into()),
        ],
    )
}

/// The page's key operations for the core ([`Keys`]): [`VaultKey`]'s, through WebCrypto.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebCrypto;

impl Keys for WebCrypto {
    type Key = VaultKey;

    fn spec(key: &VaultKey) -> &KeySpec {
        key.spec()
    }

    // VaultKey's own futures, unwrapped: no second state machine in the wasm.
    fn device(&self, name: &str) -> impl Future<Output = Result<VaultKey, CryptoError>> {
        VaultKey::device(name)
    }

    fn derive(
        &self,
        passphrase: &str,
        params: Pbkdf2Params,
    ) -> impl Future<Output = Result<VaultKey, CryptoError>> {
        VaultKey::from_passphrase(passphrase, params)
    }

    fn new_passphrase(
        &self,
        passphrase: &str,
        iterations: u32,
    ) -> impl Future<Output = Result<VaultKey, CryptoError>> {
        VaultKey::new_passphrase_with(passphrase, iterations)
    }

    fn seal(
        &self,
        key: &VaultKey,
        purpose: &str,
        plain: &[u8],
    ) -> impl Future<Output = Result<String, CryptoError>> {
        key.seal(purpose, plain)
    }

    fn open(
        &self,
        key: &VaultKey,
        purpose: &str,
        envelope: &Envelope,
    ) -> impl Future<Output = Result<Zeroizing<Vec<u8>>, OpenError>> {
        key.open(purpose, envelope)
    }
}

/// Seals records as [`webtoken_token::vault`] envelopes with AES-256-GCM (WebCrypto), under
/// the device key (IndexedDB) or a passphrase key: the core's sealer over [`WebCrypto`].
pub type VaultSealer = webtoken_token::sealing::VaultSealer<WebCrypto>;
