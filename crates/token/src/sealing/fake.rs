//! For tests only: a stand-in for WebCrypto's keys ([`Keys`](crate::sealing::Keys)). Its "cipher" is a SHA-256
//! keystream with a SHA-256 tag over the key, the additional data, the nonce and the
//! ciphertext: it hides nothing worth hiding, but like AES-GCM it refuses any altered byte,
//! another purpose and another key. Device keys are kept by name, shared by the clones (as
//! IndexedDB is by tabs).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, Ordering};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{DeviceKeyStore, Keys};
use crate::keys::{CryptoError, IdbError};
use crate::opening::{OpenError, check_key};
use crate::vault::{Envelope, KeySpec, NONCE_BYTES, Pbkdf2Params, TAG_BYTES};

/// A fake key: its parameters and its bytes.
#[derive(Clone, Debug)]
pub(crate) struct FakeKey {
    spec: KeySpec,
    bytes: [u8; 32],
}

/// The fake key store and cipher; each one made by `default` is another browser's.
#[derive(Clone, Debug)]
pub(crate) struct FakeKeys {
    /// Which browser's key store: its device keys differ from every other's.
    browser: u8,
    devices: Rc<RefCell<BTreeMap<String, FakeKey>>>,
    /// Counts the nonces, salts and device keys made, so that each is new.
    made: Rc<Cell<u8>>,
    broken: Rc<Cell<bool>>,
}

impl Default for FakeKeys {
    fn default() -> Self {
        static BROWSERS: AtomicU8 = AtomicU8::new(0);
        Self {
            browser: BROWSERS.fetch_add(1, Ordering::Relaxed),
            devices: Rc::default(),
            made: Rc::default(),
            broken: Rc::default(),
        }
    }
}

impl FakeKeys {
    /// Makes the key store fail as a refused IndexedDB does (`false`: work again).
    pub(crate) fn break_key_store(&self, broken: bool) {
        self.broken.set(broken);
    }

    fn fresh(&self) -> u8 {
        self.made.set(self.made.get().wrapping_add(1));
        self.made.get()
    }
}

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part);
    }
    sha.finalize().into()
}

/// `data` XORed with the keystream of `key` and `nonce`.
fn xor(key: &FakeKey, nonce: &[u8], data: &[u8]) -> Vec<u8> {
    data.chunks(32)
        .enumerate()
        .flat_map(|(i, chunk)| {
            let block = hash(&[&key.bytes, nonce, &(i as u64).to_be_bytes()]);
            chunk
                .iter()
                .zip(block)
                .map(|(b, k)| b ^ k)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn tag(key: &FakeKey, additional_data: &[u8], nonce: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    hash(&[&key.bytes, additional_data, nonce, ciphertext])[..TAG_BYTES].to_vec()
}

/// The fake's key store: the same get-or-make as the page's IndexedDB ([`super::device_key`]).
impl DeviceKeyStore for FakeKeys {
    type Key = FakeKey;

    async fn read(&self, name: &str) -> Result<Option<FakeKey>, CryptoError> {
        if self.broken.get() {
            return Err(CryptoError::Unavailable);
        }
        Ok(self.devices.borrow().get(name).cloned())
    }

    async fn generate(&self) -> Result<FakeKey, CryptoError> {
        let made = self.fresh();
        Ok(FakeKey {
            spec: KeySpec::Device {
                key_id: [self.browser, made, 0, 0, 0, 0, 0, 0],
            },
            bytes: hash(&[b"device", &[self.browser, made]]),
        })
    }

    async fn add(&self, name: &str, key: &FakeKey) -> Result<(), CryptoError> {
        let mut devices = self.devices.borrow_mut();
        if devices.contains_key(name) {
            return Err(CryptoError::KeyStore(IdbError::AlreadyExists));
        }
        devices.insert(name.into(), key.clone());
        Ok(())
    }
}

impl Keys for FakeKeys {
    type Key = FakeKey;

    fn spec(key: &FakeKey) -> &KeySpec {
        &key.spec
    }

    async fn device(&self, name: &str) -> Result<FakeKey, CryptoError> {
        super::device_key(self, name).await
    }

    async fn derive(&self, passphrase: &str, params: Pbkdf2Params) -> Result<FakeKey, CryptoError> {
        let iterations = params.iterations().to_be_bytes();
        Ok(FakeKey {
            bytes: hash(&[passphrase.as_bytes(), params.salt(), &iterations]),
            spec: KeySpec::Passphrase(params),
        })
    }

    async fn new_passphrase(
        &self,
        passphrase: &str,
        iterations: u32,
    ) -> Result<FakeKey, CryptoError> {
        let params = super::new_passphrase_params(iterations, |salt| {
            salt.fill(self.fresh());
            Ok(())
        })?;
        self.derive(passphrase, params).await
    }

    async fn seal(
        &self,
        key: &FakeKey,
        purpose: &str,
        plain: &[u8],
    ) -> Result<String, CryptoError> {
        let nonce = [self.fresh(); NONCE_BYTES];
        let mut ciphertext = xor(key, &nonce, plain);
        let tag = tag(key, &key.spec.additional_data(purpose), &nonce, &ciphertext);
        ciphertext.extend(tag);
        let envelope = Envelope {
            key: key.spec.clone(),
            nonce,
            ciphertext,
        };
        Ok(envelope.to_text())
    }

    async fn open(
        &self,
        key: &FakeKey,
        purpose: &str,
        envelope: &Envelope,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError<CryptoError>> {
        let auth_failed = check_key(&envelope.key, &key.spec)?;
        let split = envelope.ciphertext.len().saturating_sub(TAG_BYTES);
        let (ciphertext, stored_tag) = envelope.ciphertext.split_at(split);
        let expected = tag(
            key,
            &envelope.additional_data(purpose),
            &envelope.nonce,
            ciphertext,
        );
        if stored_tag != expected.as_slice() {
            return Err(OpenError::Vault(auth_failed));
        }
        Ok(Zeroizing::new(xor(key, &envelope.nonce, ciphertext)))
    }
}
