//! Why the token's key store could not be used: IndexedDB (which keeps the non-extractable
//! device keys) and WebCrypto, as the browser shell reports them. Which exception means what,
//! and what the customer reads, is decided here.
//!
//! ```
//! use webtoken_engine::failure::Failure;
//! use webtoken_token::keys::IdbError;
//! let taken = Failure::new("ConstraintError", "Key already exists in the object store.");
//! assert_eq!(IdbError::from(taken), IdbError::AlreadyExists);
//! ```

use std::fmt;

use webtoken_engine::failure::Failure;

/// Why IndexedDB could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdbError {
    /// The browser refuses IndexedDB here (sandboxed frame, some private modes).
    Unavailable(String),
    /// A value with this name exists already (another tab was first).
    AlreadyExists,
    /// The disk quota is used up.
    QuotaExceeded,
    /// Another failure.
    Failed(Failure),
}

impl fmt::Display for IdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "IndexedDB is not available here ({why})"),
            Self::AlreadyExists => f.write_str("the key exists already"),
            Self::QuotaExceeded => f.write_str("IndexedDB is full"),
            Self::Failed(e) => write!(f, "IndexedDB failed ({e})"),
        }
    }
}

impl From<Failure> for IdbError {
    fn from(e: Failure) -> Self {
        match e.name.as_str() {
            "ConstraintError" => Self::AlreadyExists,
            "QuotaExceededError" => Self::QuotaExceeded,
            "SecurityError" | "InvalidStateError" | "UnknownError" => {
                Self::Unavailable(e.to_string())
            }
            _ => Self::Failed(e),
        }
    }
}

/// Why a cryptographic operation could not run (as opposed to a record that fails to
/// authenticate, which is a [`crate::vault::VaultError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CryptoError {
    /// This browser offers no WebCrypto here (an insecure context, or a very old browser).
    Unavailable,
    /// The key store (IndexedDB) is not available.
    KeyStore(IdbError),
    /// The random number generator failed.
    Random,
    /// WebCrypto refused the operation.
    Failed(Failure),
    /// Key parameters out of the envelope's bounds (an iteration count too low or too high).
    Params(crate::vault::VaultError),
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable => f.write_str("WebCrypto is not available on this page"),
            Self::KeyStore(e) => write!(f, "the key store is not available: {e}"),
            Self::Random => f.write_str("the random number generator failed"),
            Self::Failed(e) => write!(f, "WebCrypto failed: {e}"),
            Self::Params(e) => write!(f, "the key parameters are refused: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_database_is_unavailable_and_a_taken_name_exists() {
        for name in ["SecurityError", "InvalidStateError", "UnknownError"] {
            let refused = IdbError::from(Failure::new(name, "no"));
            assert_eq!(refused, IdbError::Unavailable(format!("{name}: no")));
        }
        assert_eq!(
            IdbError::from(Failure::new("QuotaExceededError", "full")),
            IdbError::QuotaExceeded
        );
        let odd = Failure::new("DataError", "bad key");
        assert_eq!(IdbError::from(odd.clone()), IdbError::Failed(odd));
    }

    #[test]
    fn a_missing_key_store_says_why() {
        let error = CryptoError::KeyStore(IdbError::Unavailable("SecurityError: no".into()));
        assert_eq!(
            error.to_string(),
            "the key store is not available: IndexedDB is not available here (SecurityError: no)"
        );
    }
}
