//! What opening a sealed record ([`crate::vault`]) with a key means, around the cipher that
//! the browser runs: whether the key can open it at all, and what a failed tag check says.
//!
//! ```
//! use webtoken_token::opening::{OpenError, check_key, failed};
//! use webtoken_token::vault::{KeySpec, VaultError};
//! let ours = KeySpec::Device { key_id: [1; 8] };
//! // Another device key: the record's key is missing here, whatever the cipher would say.
//! let other = KeySpec::Device { key_id: [2; 8] };
//! assert_eq!(check_key::<()>(&other, &ours), Err(OpenError::Vault(VaultError::DeviceKeyMissing)));
//! // The same key: a failed tag check means the record was damaged.
//! let auth_failed = check_key::<()>(&ours, &ours).expect("our key");
//! assert_eq!(failed("OperationError", auth_failed, || ()), OpenError::Vault(VaultError::Damaged));
//! ```

use crate::vault::{KeySpec, VaultError};

/// Why an envelope was not opened; `E`, why the cipher could not run. Exhaustive: the shell
/// matches every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError<E> {
    /// The record is unreadable (damaged, altered, wrong passphrase, missing key).
    Vault(VaultError),
    /// The record is under a passphrase, and this key is not derived from it.
    NeedsPassphrase,
    /// The record is under the device key, and this key is a passphrase key.
    NeedsDeviceKey,
    /// The cipher could not run.
    Crypto(E),
}

impl<E: std::fmt::Display> std::fmt::Display for OpenError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Vault(e) => write!(f, "{e}"),
            Self::NeedsPassphrase => f.write_str("the record is protected by a passphrase"),
            Self::NeedsDeviceKey => f.write_str("the record is under the device key"),
            Self::Crypto(e) => write!(f, "{e}"),
        }
    }
}

/// Whether a key of spec `ours` may open a record sealed under `stored`; if so, what a failed
/// tag check will mean (a damaged record, or a wrong passphrase).
pub fn check_key<E>(stored: &KeySpec, ours: &KeySpec) -> Result<VaultError, OpenError<E>> {
    match (stored, ours) {
        (KeySpec::Device { key_id: stored }, KeySpec::Device { key_id: ours }) => {
            if stored == ours {
                Ok(VaultError::Damaged)
            } else {
                Err(OpenError::Vault(VaultError::DeviceKeyMissing))
            }
        }
        (KeySpec::Passphrase(stored), KeySpec::Passphrase(ours)) if stored == ours => {
            Ok(VaultError::WrongPassphrase)
        }
        (KeySpec::Passphrase(_), _) => Err(OpenError::NeedsPassphrase),
        (KeySpec::Device { .. }, KeySpec::Passphrase(_)) => Err(OpenError::NeedsDeviceKey),
    }
}

/// What a cipher failure named `name` (the exception's `name`) means: WebCrypto reports a failed
/// tag check as `OperationError`, which is `auth_failed` ([`check_key`]); anything else is the
/// cipher's own failure, made by `other`.
pub fn failed<E>(name: &str, auth_failed: VaultError, other: impl FnOnce() -> E) -> OpenError<E> {
    if name == "OperationError" {
        OpenError::Vault(auth_failed)
    } else {
        OpenError::Crypto(other())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::Pbkdf2Params;

    fn passphrase(salt: u8) -> KeySpec {
        KeySpec::Passphrase(Pbkdf2Params::new(600_000, vec![salt; 16]).expect("valid"))
    }

    #[test]
    fn a_key_opens_only_records_under_its_own_kind_and_parameters() {
        let device = KeySpec::Device { key_id: [7; 8] };
        let other_device = KeySpec::Device { key_id: [8; 8] };
        let check = check_key::<&str>;
        assert_eq!(check(&device, &device), Ok(VaultError::Damaged));
        assert_eq!(
            check(&other_device, &device),
            Err(OpenError::Vault(VaultError::DeviceKeyMissing))
        );
        assert_eq!(
            check(&passphrase(1), &passphrase(1)),
            Ok(VaultError::WrongPassphrase)
        );
        assert_eq!(
            check(&passphrase(1), &passphrase(2)),
            Err(OpenError::NeedsPassphrase),
            "another salt: the passphrase key must be derived again"
        );
        assert_eq!(
            check(&passphrase(1), &device),
            Err(OpenError::NeedsPassphrase)
        );
        assert_eq!(
            check(&device, &passphrase(1)),
            Err(OpenError::NeedsDeviceKey)
        );
    }

    #[test]
    fn only_a_failed_tag_check_means_the_record_is_unreadable() {
        assert_eq!(
            failed("OperationError", VaultError::WrongPassphrase, || "x"),
            OpenError::Vault(VaultError::WrongPassphrase)
        );
        assert_eq!(
            failed("NotSupportedError", VaultError::Damaged, || "no AES-GCM"),
            OpenError::Crypto("no AES-GCM")
        );
    }

    #[test]
    fn open_errors_say_what_to_do() {
        let e: OpenError<&str> = OpenError::NeedsPassphrase;
        assert_eq!(e.to_string(), "the record is protected by a passphrase");
        assert_eq!(
            OpenError::<&str>::NeedsDeviceKey.to_string(),
            "the record is under the device key"
        );
        assert_eq!(
            OpenError::Crypto("WebCrypto failed").to_string(),
            "WebCrypto failed"
        );
        assert_eq!(
            OpenError::<&str>::Vault(VaultError::Damaged).to_string(),
            VaultError::Damaged.to_string()
        );
    }
}
