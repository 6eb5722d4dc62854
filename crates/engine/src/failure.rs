//! A platform exception as data: the browser shell turns every JavaScript exception into a
//! [`Failure`] at the edge, and what a failure means (a full disk, a refused store) is
//! decided here, where native tests reach it.
//!
//! ```
//! use webtoken_engine::failure::Failure;
//! use webtoken_engine::persist::StoreError;
//! let full = Failure::new("QuotaExceededError", "the quota has been exceeded");
//! assert_eq!(StoreError::from(full), StoreError::QuotaExceeded);
//! ```

use std::fmt;

use crate::persist::StoreError;

/// An exception: its `name` (e.g. `QuotaExceededError`) and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exception's `name`, or `"Error"` when it has none.
    pub name: String,
    /// The exception's `message`, or its string form.
    pub message: String,
}

impl Failure {
    /// The failure `name`: `message`.
    pub fn new(name: &str, message: &str) -> Self {
        Self {
            name: name.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl From<Failure> for StoreError {
    /// A full disk is told apart (the page says so); anything else is shown as it is.
    fn from(e: Failure) -> Self {
        if e.name == "QuotaExceededError" {
            Self::QuotaExceeded
        } else {
            Self::Failed(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_quota_error_reads_as_a_full_store() {
        let other = Failure::new("SecurityError", "denied");
        assert_eq!(
            StoreError::from(other),
            StoreError::Failed("SecurityError: denied".into())
        );
        let full = Failure::new("QuotaExceededError", "full");
        assert_eq!(StoreError::from(full), StoreError::QuotaExceeded);
    }
}
