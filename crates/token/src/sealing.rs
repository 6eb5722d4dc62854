//! The token's half of the one save cycle ([`webtoken_engine::persist`]): records sealed as
//! [`crate::vault`] envelopes under a device key or a passphrase key, and the reasons a record
//! is not being saved.
//!
//! The cipher itself is the browser's (WebCrypto's AES-256-GCM and PBKDF2, whose keys never
//! leave it): the shell implements [`Keys`](crate::sealing::Keys), and this module decides which key seals and opens
//! what. The native tests use a fake cipher that still refuses a wrong key.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;

use zeroize::Zeroizing;

use crate::keys::{CryptoError, IdbError};
use crate::opening::OpenError;
use crate::vault::{
    Envelope, KeySpec, MAX_ENVELOPE_BYTES, Pbkdf2Params, VaultError, split_version,
    versioned_purpose, with_version,
};
use webtoken_engine::persist::{Opened, Problem, Sealer, StoreError};

#[cfg(test)]
pub(crate) mod fake;

/// The parameters of a new passphrase key: `iterations`, and a fresh salt of
/// [`crate::vault::SALT_BYTES`] that `fill` writes ([`Keys::new_passphrase`] of each cipher).
/// An iteration count out of the envelope's bounds is [`CryptoError::Params`].
pub fn new_passphrase_params(
    iterations: u32,
    fill: impl FnOnce(&mut [u8]) -> Result<(), CryptoError>,
) -> Result<Pbkdf2Params, CryptoError> {
    let mut salt = vec![0; crate::vault::SALT_BYTES];
    fill(&mut salt)?;
    Pbkdf2Params::new(iterations, salt).map_err(CryptoError::Params)
}

/// The key operations the token needs from the browser's cipher (WebCrypto in the page).
pub trait Keys {
    /// A key; only its parameters ([`Keys::spec`]) are ever seen.
    type Key: Clone;
    /// The envelope parameters of `key`.
    fn spec(key: &Self::Key) -> &KeySpec;
    /// The device key named `name`: read from the key store, or made and stored on first use.
    fn device(&self, name: &str) -> impl Future<Output = Result<Self::Key, CryptoError>>;
    /// The key derived from `passphrase` with `params` (PBKDF2-HMAC-SHA256, RFC 8018 5.2).
    fn derive(
        &self,
        passphrase: &str,
        params: Pbkdf2Params,
    ) -> impl Future<Output = Result<Self::Key, CryptoError>>;
    /// A key derived from a new passphrase, with a fresh salt and `iterations`.
    fn new_passphrase(
        &self,
        passphrase: &str,
        iterations: u32,
    ) -> impl Future<Output = Result<Self::Key, CryptoError>>;
    /// The envelope's text of `plain` sealed under `key` for `purpose`, with a fresh nonce.
    fn seal(
        &self,
        key: &Self::Key,
        purpose: &str,
        plain: &[u8],
    ) -> impl Future<Output = Result<String, CryptoError>>;
    /// The plaintext of `envelope` sealed for `purpose`; fails closed.
    fn open(
        &self,
        key: &Self::Key,
        purpose: &str,
        envelope: &Envelope,
    ) -> impl Future<Output = Result<Zeroizing<Vec<u8>>, OpenError<CryptoError>>>;
}

/// The key store's own steps for device keys (IndexedDB in the page), from which
/// [`device_key`] gets or makes one.
pub trait DeviceKeyStore {
    /// A device key.
    type Key;
    /// The key stored as `name`; `None` when nothing is. Something else stored under the name
    /// is an error ([`crate::keys::IdbError::AlreadyExists`]): it is never overwritten.
    fn read(&self, name: &str) -> impl Future<Output = Result<Option<Self::Key>, CryptoError>>;
    /// A new key, never extractable, with a fresh key id.
    fn generate(&self) -> impl Future<Output = Result<Self::Key, CryptoError>>;
    /// Stores `key` as `name` unless a value is there already
    /// ([`crate::keys::IdbError::AlreadyExists`] then: nothing is written).
    fn add(&self, name: &str, key: &Self::Key) -> impl Future<Output = Result<(), CryptoError>>;
}

/// The device key named `name`: the stored one, or a new one made and stored on first use.
/// When two tabs make it at once, the first one stored wins and both use it (the other tab's
/// key is dropped before it sealed anything).
pub async fn device_key<S: DeviceKeyStore>(store: &S, name: &str) -> Result<S::Key, CryptoError> {
    if let Some(key) = store.read(name).await? {
        return Ok(key);
    }
    let key = store.generate().await?;
    match store.add(name, &key).await {
        Err(CryptoError::KeyStore(IdbError::AlreadyExists)) => store
            .read(name)
            .await?
            .ok_or(CryptoError::KeyStore(IdbError::AlreadyExists)),
        added => added.map(|()| key),
    }
}

/// Why records are not being saved: the token's list is then kept in memory for this visit,
/// while the token service and the bank answer nothing they could not save.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotSaved {
    /// The browser refuses storage here (sandboxed frame, private mode, settings).
    Blocked,
    /// The storage quota is used up.
    Full,
    /// The key store (IndexedDB) or WebCrypto is not available.
    NoKeys,
    /// The stored record cannot be read; it is left as it is until the customer decides.
    Unreadable(VaultError),
    /// The stored record is protected by a passphrase not yet entered.
    Locked,
    /// Another failure.
    Failed(String),
}

/// What the in-page token service needs of its sealer's error (its records are sealed by
/// [`VaultSealer`]).
impl webtoken_engine::persist::NotSavedError for NotSaved {
    fn no_random(error: webtoken_engine::random::RandomError) -> Self {
        Self::Failed(error.to_string())
    }
    fn damaged() -> Self {
        Self::Unreadable(VaultError::Damaged)
    }
    fn is_unreadable(&self) -> bool {
        matches!(self, Self::Unreadable(_))
    }
}

impl From<StoreError> for NotSaved {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => Self::Blocked,
            StoreError::QuotaExceeded => Self::Full,
            other => Self::Failed(other.to_string()),
        }
    }
}

impl From<CryptoError> for NotSaved {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Unavailable | CryptoError::KeyStore(_) => Self::NoKeys,
            other => Self::Failed(other.to_string()),
        }
    }
}

impl From<Problem<NotSaved>> for NotSaved {
    fn from(problem: Problem<NotSaved>) -> Self {
        match problem {
            Problem::Store(e) => e.into(),
            Problem::Seal(why) | Problem::Open(why) => why,
            Problem::Decode(_) => Self::Unreadable(VaultError::BadContents),
            Problem::RolledBack { found, highest } => {
                Self::Unreadable(VaultError::RolledBack { found, highest })
            }
            Problem::TooLarge { .. } => Self::Full,
            Problem::Busy => Self::Failed("busy".into()),
            _ => Self::Failed("not saved".into()),
        }
    }
}

/// Seals records for `purpose`: under the device key named `device_name` (made on first use),
/// or under a passphrase key once one is known.
pub struct VaultSealer<K: Keys> {
    keys: K,
    purpose: &'static str,
    device_name: String,
    /// Whether a record under a passphrase waits for one ([`NotSaved::Locked`]), or is
    /// unreadable here (the token service never uses passphrases).
    passphrases: bool,
    /// The key records are sealed with, and passphrase records opened with.
    key: RefCell<Option<K::Key>>,
    /// A key to seal with instead, for one change (a new passphrase, or back to the device key).
    next: RefCell<Option<K::Key>>,
}

impl<K: Keys> fmt::Debug for VaultSealer<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultSealer")
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

impl<K: Keys + Default> VaultSealer<K> {
    /// A sealer for `purpose` under the device key `device_name`, with the default keys.
    pub fn new(purpose: &'static str, device_name: String, passphrases: bool) -> Self {
        Self::with_keys(K::default(), purpose, device_name, passphrases)
    }
}

impl<K: Keys> VaultSealer<K> {
    /// A sealer for `purpose` under the device key `device_name` of `keys`.
    pub fn with_keys(
        keys: K,
        purpose: &'static str,
        device_name: String,
        passphrases: bool,
    ) -> Self {
        Self {
            keys,
            purpose,
            device_name,
            passphrases,
            key: RefCell::new(None),
            next: RefCell::new(None),
        }
    }

    /// The key operations it seals with.
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The name of its device key.
    pub fn device_name(&self) -> &str {
        &self.device_name
    }

    /// The key records are sealed with, once known.
    pub fn key(&self) -> Option<K::Key> {
        self.key.borrow().clone()
    }

    /// Whether the key records are sealed with comes from a passphrase.
    pub fn uses_passphrase(&self) -> bool {
        self.key.borrow().as_ref().is_some_and(is_passphrase::<K>)
    }

    /// Replaces the key; the previous one.
    pub fn replace_key(&self, key: Option<K::Key>) -> Option<K::Key> {
        self.key.replace(key)
    }

    /// Seals with `key` until [`Self::take_next`], without opening with it.
    pub fn set_next(&self, key: K::Key) {
        *self.next.borrow_mut() = Some(key);
    }

    /// The key set by [`Self::set_next`].
    pub fn take_next(&self) -> Option<K::Key> {
        self.next.take()
    }

    /// The device key: the one known, or read (or made) from the key store.
    async fn device(&self) -> Result<K::Key, CryptoError> {
        let known = self.key().filter(|k| !is_passphrase::<K>(k));
        match known {
            Some(key) => Ok(key),
            None => self.keys.device(&self.device_name).await,
        }
    }

    fn locked(&self) -> NotSaved {
        if self.passphrases {
            NotSaved::Locked
        } else {
            NotSaved::Unreadable(VaultError::DeviceKeyMissing)
        }
    }
}

/// Whether `key` comes from a passphrase.
pub fn is_passphrase<K: Keys>(key: &K::Key) -> bool {
    matches!(K::spec(key), KeySpec::Passphrase(_))
}

impl<K: Keys> Sealer for VaultSealer<K> {
    type Error = NotSaved;

    /// The envelope with `version` in front and in its additional data.
    async fn seal(&self, plain: &str, version: u64) -> Result<String, NotSaved> {
        let chosen = self.next.borrow().clone().or_else(|| self.key());
        let key = match chosen {
            Some(key) => key,
            None => {
                let key = self.device().await?;
                *self.key.borrow_mut() = Some(key.clone());
                key
            }
        };
        let purpose = versioned_purpose(self.purpose, version);
        let envelope = self.keys.seal(&key, &purpose, plain.as_bytes()).await?;
        Ok(with_version(version, &envelope))
    }

    async fn open(&self, text: &str) -> Result<Opened, NotSaved> {
        let (version, text) = split_version(text).map_err(NotSaved::Unreadable)?;
        let envelope = Envelope::parse(text).map_err(NotSaved::Unreadable)?;
        let key = match &envelope.key {
            KeySpec::Passphrase(_) => match self.key() {
                Some(key) if is_passphrase::<K>(&key) => key,
                _ => return Err(self.locked()),
            },
            KeySpec::Device { .. } => self.device().await?,
        };
        let purpose = versioned_purpose(self.purpose, version);
        let plain = self
            .keys
            .open(&key, &purpose, &envelope)
            .await
            .map_err(|e| match e {
                OpenError::Vault(e) => NotSaved::Unreadable(e),
                OpenError::NeedsPassphrase => self.locked(),
                OpenError::NeedsDeviceKey => NotSaved::Unreadable(VaultError::DeviceKeyMissing),
                OpenError::Crypto(e) => e.into(),
            })?;
        // The key that opened the record seals the next one.
        *self.key.borrow_mut() = Some(key);
        Ok(Opened { plain, version })
    }

    /// The envelope reader's limit, checked on the whole text (the version in front included).
    fn max_len(&self) -> usize {
        MAX_ENVELOPE_BYTES
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::fake::FakeKeys;
    use super::*;
    use webtoken_engine::persist::now;

    fn sealer(keys: &FakeKeys, passphrases: bool) -> VaultSealer<FakeKeys> {
        VaultSealer::with_keys(keys.clone(), "test", "dev".into(), passphrases)
    }

    /// A memory key store whose keys are numbers; `first` is what another tab stores under the
    /// name between this tab's read and its add.
    #[derive(Default)]
    struct Store {
        keys: RefCell<std::collections::BTreeMap<String, Option<u32>>>,
        made: std::cell::Cell<u32>,
        first: std::cell::Cell<Option<u32>>,
        adds: std::cell::Cell<u32>,
    }

    impl DeviceKeyStore for Store {
        type Key = u32;
        async fn read(&self, name: &str) -> Result<Option<u32>, CryptoError> {
            match self.keys.borrow().get(name) {
                None => Ok(None),
                Some(Some(key)) => Ok(Some(*key)),
                // Something that is not a key.
                Some(None) => Err(CryptoError::KeyStore(crate::keys::IdbError::AlreadyExists)),
            }
        }
        async fn generate(&self) -> Result<u32, CryptoError> {
            self.made.set(self.made.get() + 1);
            Ok(100 + self.made.get())
        }
        async fn add(&self, name: &str, key: &u32) -> Result<(), CryptoError> {
            self.adds.set(self.adds.get() + 1);
            if let Some(other) = self.first.take() {
                self.keys.borrow_mut().insert(name.into(), Some(other));
            }
            let mut keys = self.keys.borrow_mut();
            if keys.contains_key(name) {
                return Err(CryptoError::KeyStore(crate::keys::IdbError::AlreadyExists));
            }
            keys.insert(name.into(), Some(*key));
            Ok(())
        }
    }

    #[test]
    fn a_device_key_is_made_once_and_a_race_ends_with_the_first_one_stored() {
        let store = Store::default();
        let made = now(device_key(&store, "dev")).unwrap().unwrap();
        assert_eq!(made, 101);
        assert_eq!(
            now(device_key(&store, "dev")).unwrap(),
            Ok(101),
            "read, not made again"
        );
        assert_eq!(store.made.get(), 1);
        // Another tab stores its key between this tab's read and add: both use that one.
        store.first.set(Some(7));
        assert_eq!(now(device_key(&store, "race")).unwrap(), Ok(7));
        assert_eq!(now(device_key(&store, "race")).unwrap(), Ok(7));
        // Something else under the name: an error, and it is never overwritten.
        store.keys.borrow_mut().insert("odd".into(), None);
        let adds = store.adds.get();
        assert!(now(device_key(&store, "odd")).unwrap().is_err());
        assert_eq!(store.adds.get(), adds, "nothing written");
        assert_eq!(store.keys.borrow().get("odd"), Some(&None));
    }

    #[test]
    fn a_new_passphrase_gets_a_fresh_salt_and_bounded_iterations() {
        let params = new_passphrase_params(600_000, |salt| {
            salt.fill(7);
            Ok(())
        })
        .unwrap();
        assert_eq!(params.salt(), [7; crate::vault::SALT_BYTES]);
        assert_eq!(params.iterations(), 600_000);
        // Out of bounds: said so, not blamed on the random number generator.
        let low = new_passphrase_params(1, |_| Ok(()));
        assert!(matches!(
            low,
            Err(CryptoError::Params(VaultError::IterationsTooLow { .. }))
        ));
        let broken = new_passphrase_params(600_000, |_| Err(CryptoError::Random));
        assert_eq!(broken, Err(CryptoError::Random));
    }

    #[test]
    fn a_record_is_sealed_under_the_device_key_and_opens_with_its_version() {
        let keys = FakeKeys::default();
        let sealer = sealer(&keys, true);
        let text = now(sealer.seal("GEZDGNBV secret", 7)).unwrap().unwrap();
        assert!(
            text.starts_with("webtoken-vault.1.A256GCM.device."),
            "{text}"
        );
        assert!(text.ends_with("~7") && !text.contains("GEZDGNBV"), "{text}");
        // Another tab: the same device key from the key store.
        let opened = now(self::sealer(&keys, true).open(&text)).unwrap().unwrap();
        assert_eq!(
            (&opened.plain[..], opened.version),
            (&b"GEZDGNBV secret"[..], 7)
        );
        // A version claimed other than sealed: the additional data differs.
        let claimed = text.replace("~7", "~8");
        assert_eq!(
            now(sealer.open(&claimed)).unwrap().err(),
            Some(NotSaved::Unreadable(VaultError::Damaged))
        );
    }

    #[test]
    fn a_passphrase_record_waits_for_its_key_or_is_unreadable_without_passphrases() {
        let keys = FakeKeys::default();
        let sealer = sealer(&keys, true);
        let key = now(keys.new_passphrase("correct horse", 600_000))
            .unwrap()
            .unwrap();
        sealer.set_next(key.clone());
        let text = now(sealer.seal("tokens", 1)).unwrap().unwrap();
        assert!(sealer.take_next().is_some() && !sealer.uses_passphrase());
        assert_eq!(
            now(sealer.open(&text)).unwrap().err(),
            Some(NotSaved::Locked)
        );
        let service = self::sealer(&keys, false);
        assert_eq!(
            now(service.open(&text)).unwrap().err(),
            Some(NotSaved::Unreadable(VaultError::DeviceKeyMissing))
        );
        sealer.replace_key(Some(key));
        assert!(sealer.uses_passphrase());
        assert_eq!(
            &now(sealer.open(&text)).unwrap().unwrap().plain[..],
            b"tokens"
        );
    }

    #[test]
    fn no_key_store_means_no_keys_and_problems_say_why() {
        let keys = FakeKeys::default();
        keys.break_key_store(true);
        let sealer = sealer(&keys, true);
        assert_eq!(
            now(sealer.seal("x", 1)).unwrap().err(),
            Some(NotSaved::NoKeys)
        );
        assert_eq!(
            NotSaved::from(Problem::Store(StoreError::QuotaExceeded)),
            NotSaved::Full
        );
        assert_eq!(
            NotSaved::from(Problem::<NotSaved>::RolledBack {
                found: 1,
                highest: 2
            }),
            NotSaved::Unreadable(VaultError::RolledBack {
                found: 1,
                highest: 2
            })
        );
        assert_eq!(
            NotSaved::from(Problem::<NotSaved>::Decode("x".into())),
            NotSaved::Unreadable(VaultError::BadContents)
        );
        assert_eq!(
            NotSaved::from(StoreError::Unavailable("SecurityError".into())),
            NotSaved::Blocked
        );
    }
}
