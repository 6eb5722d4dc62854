//! Randomness comes in as time does: whatever needs random bytes (a new secret, a Token ID's
//! serial, a password salt) takes a [`Random`] instead of calling the system's generator itself.
//!
//! The page and the server pass [`OsRandom`] (the operating system's CSPRNG, or the browser's
//! `crypto.getRandomValues` on wasm32); tests pass a deterministic source, so that what was
//! issued from known bytes, and what a failing source gives, can be asserted. The test sources,
//! `SeededRandom` and `FixedRandom`, are compiled only with the `testing` feature (other
//! crates enable it in their dev-dependencies), so that no release build can draw a secret from
//! them.
//!
//! ```
//! use webtoken_engine::random::OsRandom;
//! use webtoken_engine::{ISSUED_SECRET_BYTES, Secret};
//!
//! let secret = Secret::random(ISSUED_SECRET_BYTES, &mut OsRandom).expect("random bytes");
//! assert_eq!(secret.as_bytes().len(), 20);
//! ```

use core::fmt;

use super::EngineError;

/// A source of random bytes.
pub trait Random {
    /// Fills all of `buf` with random bytes, or fails with nothing to use in `buf`.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError>;
}

impl<R: Random + ?Sized> Random for &mut R {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError> {
        (**self).fill(buf)
    }
}

impl<R: Random + ?Sized> Random for Box<R> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError> {
        (**self).fill(buf)
    }
}

/// A random source gave no bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomError {
    reason: String,
}

impl RandomError {
    /// An error saying why no bytes came (as the source reported it).
    pub fn new(reason: impl Into<String>) -> RandomError {
        RandomError {
            reason: reason.into(),
        }
    }

    /// What the source reported.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no random bytes are available: {}", self.reason)
    }
}

impl std::error::Error for RandomError {}

impl From<RandomError> for EngineError {
    fn from(error: RandomError) -> EngineError {
        EngineError::Random {
            reason: error.reason,
        }
    }
}

/// The operating system's CSPRNG through `getrandom` (`crypto.getRandomValues` in the browser).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(buf).map_err(|error| RandomError::new(error.to_string()))
    }
}

/// A deterministic stream for tests (SplitMix64 from a seed): the same seed gives the same
/// bytes on every platform. Predictable, so never for secrets; only with the `testing` feature.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

#[cfg(any(test, feature = "testing"))]
impl SeededRandom {
    /// The stream of `seed`.
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom { state: seed }
    }

    /// SplitMix64's next output (Steele, Lea and Flood, 2014).
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(any(test, feature = "testing"))]
impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError> {
        for chunk in buf.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

/// Hands out the given bytes in order, then fails: known bytes in, a known result out, and a
/// source that runs dry (`FixedRandom::new([])` fails at once) for the error path. Only with
/// the `testing` feature.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, Default)]
pub struct FixedRandom {
    bytes: Vec<u8>,
    used: usize,
}

#[cfg(any(test, feature = "testing"))]
impl FixedRandom {
    /// A source that gives exactly `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> FixedRandom {
        FixedRandom {
            bytes: bytes.into(),
            used: 0,
        }
    }

    /// How many bytes are left to hand out.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.used
    }
}

#[cfg(any(test, feature = "testing"))]
impl Random for FixedRandom {
    /// The next `buf.len()` bytes, or an error (consuming nothing) if fewer are left.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RandomError> {
        let end = self.used + buf.len();
        let next = self.bytes.get(self.used..end).ok_or_else(|| {
            RandomError::new(format!(
                "the fixed source has {} bytes left, {} were asked for",
                self.remaining(),
                buf.len()
            ))
        })?;
        buf.copy_from_slice(next);
        self.used = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{ISSUED_SECRET_BYTES, Secret};

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
        let draw = |seed| {
            let mut bytes = [0_u8; 21];
            SeededRandom::new(seed).fill(&mut bytes).unwrap();
            bytes
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        // SplitMix64 from seed 0: its first output is 0xe220a8397b1dcdaf.
        assert_eq!(draw(0)[..8], 0xe220_a839_7b1d_cdaf_u64.to_le_bytes());
    }

    #[test]
    fn fixed_bytes_come_out_in_order_then_the_source_fails() {
        let mut random = FixedRandom::new([1, 2, 3, 4, 5]);
        let mut first = [0_u8; 2];
        random.fill(&mut first).unwrap();
        assert_eq!(first, [1, 2]);
        let mut too_many = [0_u8; 4];
        assert_eq!(
            random.fill(&mut too_many),
            Err(RandomError::new(
                "the fixed source has 3 bytes left, 4 were asked for"
            ))
        );
        assert_eq!(random.remaining(), 3, "a failed draw consumes nothing");
        let mut rest = [0_u8; 3];
        random.fill(&mut rest).unwrap();
        assert_eq!(rest, [3, 4, 5]);
    }

    #[test]
    fn a_secret_drawn_from_known_bytes_is_those_bytes() {
        let bytes: Vec<u8> = (1..=20).collect();
        let mut random = FixedRandom::new(bytes.clone());
        let secret = Secret::random(ISSUED_SECRET_BYTES, &mut random).unwrap();
        assert_eq!(secret.as_bytes(), &bytes[..]);
        assert_eq!(secret.to_base32(), "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYU");
        assert_eq!(random.remaining(), 0);
    }

    #[test]
    fn a_failing_source_gives_the_typed_error_not_a_panic() {
        let error = Secret::random(ISSUED_SECRET_BYTES, &mut FixedRandom::new([])).unwrap_err();
        assert_eq!(
            error,
            EngineError::Random {
                reason: "the fixed source has 0 bytes left, 20 were asked for".into()
            }
        );
        assert_eq!(
            error.to_string(),
            "no random bytes are available: the fixed source has 0 bytes left, 20 were asked for"
        );
    }

    #[test]
    fn the_os_source_fills_the_buffer() {
        let mut a = [0_u8; 32];
        let mut b = [0_u8; 32];
        OsRandom.fill(&mut a).unwrap();
        OsRandom.fill(&mut b).unwrap();
        assert_ne!(a, b, "two 256-bit draws are equal with probability 2^-256");
    }
}
