//! Where the token service keeps its credentials: a small trait whose update is compare-and-set,
//! and an in-memory implementation.
//!
//! A credential is two parts. The [`Credential`] (secret, parameters and the HMAC key prepared
//! from them) is fixed at issue; the [`CredentialState`] (status, failures, drift, last accepted step) changes
//! on every validation and is written only by [`CredentialStore::compare_and_set`], which succeeds
//! only if nobody wrote since the caller read. Two validations of one code can therefore not both
//! succeed: the second one's write fails, it reads again and finds the step already used.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::CredentialState;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{EngineError, Params, PreparedKey, Secret};

/// The fixed part of a credential: its secret and parameters, with the HMAC key prepared once.
#[repr(C)]
pub struct Credential {
    key: PreparedKey,
    params: Params,
    secret: Secret,
}

impl Credential {
    /// Checks the parameters and prepares the HMAC key for `secret`.
    pub fn new(secret: Secret, params: Params) -> Result<Credential, EngineError> {
        params.validate()?;
        let key = PreparedKey::new(&secret, params.algorithm);
        Ok(Credential {
            secret,
            params,
            key,
        })
    }

    /// The shared secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The code parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The HMAC key prepared from the secret.
    pub fn key(&self) -> &PreparedKey {
        &self.key
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret", &self.secret)
            .field("params", &self.params)
            .finish()
    }
}

/// One credential as it is exported and imported (for the browser's storage): secret and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// The shared secret, serialised as Base32.
    pub secret: Secret,
    /// Everything else: Token ID, parameters, status and counters.
    pub state: CredentialState,
}

webtoken_engine::json::json_object!(CredentialRecord { secret, state });

/// What [`CredentialStore::load`] returns: what validation needs, without the secret itself.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The HMAC key prepared from the secret (wiped when dropped).
    pub key: PreparedKey,
    /// The state as of `version` (its `params` are the credential's).
    pub state: CredentialState,
    /// The version to pass to [`CredentialStore::compare_and_set`].
    pub version: u64,
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// Someone wrote the record since it was read; read it again.
    Conflict,
    /// No record has this Token ID.
    NotFound,
    /// A record with this Token ID exists already.
    AlreadyExists,
    /// The update tried to change the Token ID or the parameters, which are fixed at issue.
    Immutable,
    /// The storage behind the store failed.
    Backend {
        /// What the storage reported.
        reason: String,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Conflict => f.write_str("the credential was changed at the same time"),
            StoreError::NotFound => f.write_str("no credential has this Token ID"),
            StoreError::AlreadyExists => f.write_str("a credential with this Token ID exists"),
            StoreError::Immutable => {
                f.write_str("the Token ID and parameters of a credential cannot change")
            }
            StoreError::Backend { reason } => write!(f, "the credential storage failed: {reason}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Storage for credentials, shared between threads; updates are compare-and-set.
pub trait CredentialStore: Send + Sync {
    /// Adds a new credential with its initial state; fails if the Token ID exists.
    fn insert(&self, credential: Credential, state: CredentialState) -> Result<(), StoreError>;

    /// Reads a credential's prepared key, its state and the state's version.
    fn load(&self, token_id: &TokenId) -> Option<Loaded>;

    /// Replaces the state if its version is still `expected_version`, returning the new version;
    /// [`StoreError::Conflict`] otherwise. The Token ID and parameters must not change.
    fn compare_and_set(
        &self,
        token_id: &TokenId,
        expected_version: u64,
        state: CredentialState,
    ) -> Result<u64, StoreError>;

    /// Every credential with its state, for export, in Token ID order.
    fn export(&self) -> Vec<CredentialRecord>;
}

/// `repr(C)` keeps what every validation reads (state, version, key) together at the front.
#[repr(C)]
struct Entry {
    state: CredentialState,
    version: u64,
    credential: Credential,
}

/// An in-memory [`CredentialStore`]: a `HashMap` behind a `Mutex`.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<TokenId, Entry>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Number of credentials held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True if no credential is held.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<TokenId, Entry>> {
        // Every update below is a single assignment, so a panic elsewhere cannot leave an entry
        // half-written: the data behind a poisoned lock is still consistent.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("credentials", &self.len())
            .finish()
    }
}

impl CredentialStore for MemoryStore {
    fn insert(&self, credential: Credential, state: CredentialState) -> Result<(), StoreError> {
        if state.params != credential.params {
            return Err(StoreError::Immutable);
        }
        let mut entries = self.lock();
        if entries.contains_key(&state.token_id) {
            return Err(StoreError::AlreadyExists);
        }
        entries.insert(
            state.token_id.clone(),
            Entry {
                credential,
                state,
                version: 0,
            },
        );
        Ok(())
    }

    fn load(&self, token_id: &TokenId) -> Option<Loaded> {
        let entries = self.lock();
        let entry = entries.get(token_id)?;
        Some(Loaded {
            key: entry.credential.key.clone(),
            state: entry.state.clone(),
            version: entry.version,
        })
    }

    fn compare_and_set(
        &self,
        token_id: &TokenId,
        expected_version: u64,
        state: CredentialState,
    ) -> Result<u64, StoreError> {
        let mut entries = self.lock();
        let entry = entries.get_mut(token_id).ok_or(StoreError::NotFound)?;
        if entry.version != expected_version {
            return Err(StoreError::Conflict);
        }
        if state.token_id != *token_id || state.params != entry.credential.params {
            return Err(StoreError::Immutable);
        }
        entry.state = state;
        entry.version += 1;
        Ok(entry.version)
    }

    fn export(&self) -> Vec<CredentialRecord> {
        let entries = self.lock();
        let mut records: Vec<CredentialRecord> = entries
            .values()
            .map(|entry| CredentialRecord {
                secret: entry.credential.secret.clone(),
                state: entry.state.clone(),
            })
            .collect();
        records.sort_by(|a, b| a.state.token_id.cmp(&b.state.token_id));
        records
    }
}
