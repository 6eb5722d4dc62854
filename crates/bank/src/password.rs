//! Login passwords, stored only as salted PBKDF2-HMAC-SHA256 hashes (RFC 8018 section 5.2).
//!
//! The derivation is RustCrypto's `pbkdf2` crate on the `hmac` and `sha2` already in the tree;
//! the published vectors in `tests/vectors/pbkdf2_sha256.txt` pin it down. Every hash carries
//! its iteration count, so hashes made with an older count still verify, and
//! [`Bank::authenticate`](crate::Bank::authenticate) re-hashes them at the bank's count on the
//! next good sign-in.

use core::fmt;

use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use webtoken_engine::hex::{from_hex, to_hex};
use webtoken_engine::random::Random;
use zeroize::Zeroizing;

use super::BankError;

/// PBKDF2 iteration count for the demo customers' hashes and for new passwords (OWASP's figure
/// for PBKDF2-HMAC-SHA256, and the page's own passphrase count).
///
/// Every sign-in spends one hash in the browser. Measured natively with the workspace's
/// release profile (`cargo test --release -p webtoken-bank --lib -- --ignored --nocapture
/// one_check_at_the_default_count`, AMD EPYC): 0.14 s with the CPU's SHA instructions, 0.28 s
/// with sha2's portable code (`RUSTFLAGS='--cfg sha2_backend="soft"'`), which is what wasm
/// runs; wasm is 1.5 to 3 times slower again, so about 0.4 to 0.9 s a sign-in in the page.
/// The demo customers' hashes are worked out ahead of time, so a first visit hashes nothing.
pub const DEFAULT_ITERATIONS: u32 = 600_000;

/// The count every hash used before issue 19 (a sixth of OWASP's): banks stored with it are
/// raised to [`DEFAULT_ITERATIONS`] when read, so their customers' hashes are upgraded on the
/// next good sign-in.
pub const LEGACY_ITERATIONS: u32 = 100_000;

/// The largest iteration count a stored hash may claim; a tampered record cannot hang sign-in.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// Salt length in bytes (128 bits, as NIST SP 800-132 asks at least).
pub const SALT_LEN: usize = 16;

/// Derived-key length in bytes: one SHA-256 block.
pub const HASH_LEN: usize = 32;

/// Derives `out.len()` bytes with PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2).
///
/// `iterations` of 0 is treated as 1, as the RFC requires a positive count.
pub fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    #[cfg(test)]
    SPENT.with(|spent| spent.set(spent.get() + u64::from(iterations.max(1))));
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations.max(1), out);
}

#[cfg(test)]
std::thread_local! {
    /// PBKDF2 iterations this test thread has run, so tests can count work rather than time it.
    static SPENT: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// PBKDF2 iterations the calling test's thread has run so far.
#[cfg(test)]
pub(crate) fn iterations_spent() -> u64 {
    SPENT.with(core::cell::Cell::get)
}

/// A salted PBKDF2-HMAC-SHA256 password hash with its iteration count.
///
/// Serialised as `{ "iterations": 100000, "salt": "<hex>", "hash": "<hex>" }`; a record whose
/// sizes or count are out of range is refused when read.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PasswordHashRecord", into = "PasswordHashRecord")]
pub struct PasswordHash {
    iterations: u32,
    salt: [u8; SALT_LEN],
    hash: [u8; HASH_LEN],
}

impl PasswordHash {
    /// Hashes `password` with a fresh salt from `random` ([`OsRandom`] outside tests).
    ///
    /// [`OsRandom`]: webtoken_engine::random::OsRandom
    pub fn new(
        password: &str,
        iterations: u32,
        random: &mut (impl Random + ?Sized),
    ) -> Result<Self, BankError> {
        let mut salt = [0u8; SALT_LEN];
        random.fill(&mut salt).map_err(|_| BankError::Random)?;
        Self::with_salt(password, salt, iterations)
    }

    /// Hashes `password` with the given salt (for tests and for re-hashing at a new count).
    pub fn with_salt(
        password: &str,
        salt: [u8; SALT_LEN],
        iterations: u32,
    ) -> Result<Self, BankError> {
        if !(1..=MAX_ITERATIONS).contains(&iterations) {
            return Err(BankError::Iterations(iterations));
        }
        let mut hash = [0u8; HASH_LEN];
        pbkdf2_hmac_sha256(password.as_bytes(), &salt, iterations, &mut hash);
        Ok(Self {
            iterations,
            salt,
            hash,
        })
    }

    /// A hash made elsewhere: its iteration count, and its salt and hash in hex; checked as a
    /// stored record is.
    pub fn from_hex_parts(iterations: u32, salt: &str, hash: &str) -> Result<Self, String> {
        Self::try_from(PasswordHashRecord {
            iterations,
            salt: salt.to_owned(),
            hash: hash.to_owned(),
        })
    }

    /// Whether `password` matches, compared in constant time (case-sensitive: bytes as typed).
    pub fn verify(&self, password: &str) -> bool {
        let mut candidate = Zeroizing::new([0u8; HASH_LEN]);
        pbkdf2_hmac_sha256(
            password.as_bytes(),
            &self.salt,
            self.iterations,
            &mut candidate[..],
        );
        bool::from(candidate.ct_eq(&self.hash))
    }

    /// The iteration count this hash was made with.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// A hash no password matches, at `iterations`: verifying against it costs what a real
    /// check at that count costs, so an unknown contract ID takes as long as a known one.
    pub(crate) fn dummy(iterations: u32) -> Self {
        Self {
            iterations: iterations.clamp(1, MAX_ITERATIONS),
            salt: [0; SALT_LEN],
            // Not the PBKDF2 output of any password anyone can find: 2^-256 odds.
            hash: [0; HASH_LEN],
        }
    }

    /// `password` (already verified) hashed again at `iterations`, keeping this hash's salt.
    ///
    /// The salt stays: it is unique to this contract already, and sign-in has no random
    /// source (the flows are pure); the new count is what makes the stored hash stronger.
    pub(crate) fn rehashed(&self, password: &str, iterations: u32) -> Result<Self, BankError> {
        Self::with_salt(password, self.salt, iterations)
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHash")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl webtoken_engine::json::ToJson for PasswordHash {
    /// As its serde form (`PasswordHashRecord`): iterations, salt and hash in hex.
    fn write_json(&self, out: &mut webtoken_engine::json::Out) {
        webtoken_engine::json::object(out, |o| {
            o.field("iterations", &self.iterations)
                .field("salt", &to_hex(&self.salt))
                .field("hash", &to_hex(&self.hash));
        });
    }
}

impl webtoken_engine::json::FromJson for PasswordHash {
    /// Checked as its serde form is on the way in.
    fn from_json(
        value: &webtoken_engine::json::Value,
    ) -> Result<Self, webtoken_engine::json::JsonError> {
        let f = value.fields()?;
        let record = PasswordHashRecord {
            iterations: f.get("iterations")?,
            salt: f.get("salt")?,
            hash: f.get("hash")?,
        };
        Self::try_from(record).map_err(webtoken_engine::json::JsonError::new)
    }
}

/// The serialised form of [`PasswordHash`], checked on the way in.
#[derive(Serialize, Deserialize)]
struct PasswordHashRecord {
    iterations: u32,
    salt: String,
    hash: String,
}

impl From<PasswordHash> for PasswordHashRecord {
    fn from(value: PasswordHash) -> Self {
        Self {
            iterations: value.iterations,
            salt: to_hex(&value.salt),
            hash: to_hex(&value.hash),
        }
    }
}

impl TryFrom<PasswordHashRecord> for PasswordHash {
    type Error = String;

    fn try_from(value: PasswordHashRecord) -> Result<Self, Self::Error> {
        if !(1..=MAX_ITERATIONS).contains(&value.iterations) {
            return Err(format!("iteration count {} out of range", value.iterations));
        }
        let salt = from_hex(&value.salt)
            .and_then(|bytes| <[u8; SALT_LEN]>::try_from(bytes).ok())
            .ok_or("salt must be 16 bytes of hex")?;
        let hash = from_hex(&value.hash)
            .and_then(|bytes| <[u8; HASH_LEN]>::try_from(bytes).ok())
            .ok_or("hash must be 32 bytes of hex")?;
        Ok(Self {
            iterations: value.iterations,
            salt,
            hash,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use webtoken_engine::random::{FixedRandom, OsRandom, SeededRandom};

    /// One vector of `tests/vectors/pbkdf2_sha256.txt`.
    struct Vector {
        password: Vec<u8>,
        salt: Vec<u8>,
        iterations: u32,
        key: Vec<u8>,
    }

    fn vectors() -> Vec<Vector> {
        let text = include_str!("../tests/vectors/pbkdf2_sha256.txt");
        let mut vectors = Vec::new();
        for block in text.split("\n\n") {
            let fields: Vec<(&str, &str)> = block
                .lines()
                .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
                .map(|line| line.split_once(" = ").expect("`key = value` lines"))
                .collect();
            if fields.is_empty() {
                continue;
            }
            let get = |key: &str| {
                fields
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.trim())
                    .unwrap_or_else(|| panic!("field {key} in {block}"))
            };
            vectors.push(Vector {
                password: from_hex(get("P")).unwrap(),
                salt: from_hex(get("S")).unwrap(),
                iterations: get("c").parse().unwrap(),
                key: from_hex(get("DK")).unwrap(),
            });
        }
        vectors
    }

    #[test]
    fn published_vectors() {
        let vectors = vectors();
        assert_eq!(vectors.len(), 7, "every block of the vector file is read");
        for vector in vectors {
            let mut out = vec![0u8; vector.key.len()];
            pbkdf2_hmac_sha256(&vector.password, &vector.salt, vector.iterations, &mut out);
            assert_eq!(
                to_hex(&out),
                to_hex(&vector.key),
                "c = {}",
                vector.iterations
            );
        }
    }

    #[test]
    fn verify_is_case_sensitive_and_exact() {
        let hash = PasswordHash::with_salt("demo-Pass1", [7; SALT_LEN], 10).unwrap();
        for (typed, expected) in [
            ("demo-Pass1", true),
            ("demo-pass1", false),
            ("DEMO-PASS1", false),
            ("demo-Pass1 ", false),
            ("demo-Pass", false),
            ("", false),
        ] {
            assert_eq!(hash.verify(typed), expected, "{typed:?}");
        }
    }

    #[test]
    fn salts_differ_and_count_is_kept() {
        let a = PasswordHash::new("same", 10, &mut OsRandom).unwrap();
        let b = PasswordHash::new("same", 10, &mut OsRandom).unwrap();
        assert_ne!(a, b, "two hashes of one password have different salts");
        assert!(a.verify("same") && b.verify("same"));
        assert_eq!(a.iterations(), 10);
    }

    #[test]
    fn the_salt_is_drawn_from_the_random_source() {
        let mut random = FixedRandom::new([7; SALT_LEN]);
        let hash = PasswordHash::new("pw", 10, &mut random).unwrap();
        assert_eq!(
            hash,
            PasswordHash::with_salt("pw", [7; SALT_LEN], 10).unwrap()
        );
        assert_eq!(random.remaining(), 0);
        // The same seed salts the same way.
        assert_eq!(
            PasswordHash::new("pw", 10, &mut SeededRandom::new(3)).unwrap(),
            PasswordHash::new("pw", 10, &mut SeededRandom::new(3)).unwrap()
        );
    }

    #[test]
    fn a_failing_random_source_is_the_typed_error() {
        let short = FixedRandom::new([7; SALT_LEN - 1]);
        for mut random in [FixedRandom::new([]), short] {
            assert_eq!(
                PasswordHash::new("pw", 10, &mut random),
                Err(BankError::Random)
            );
        }
    }

    #[test]
    fn iteration_count_is_bounded() {
        for bad in [0, MAX_ITERATIONS + 1] {
            assert_eq!(
                PasswordHash::with_salt("x", [0; SALT_LEN], bad),
                Err(BankError::Iterations(bad))
            );
        }
    }

    #[test]
    fn serde_round_trip_and_refuses_tampered_records() {
        let hash = PasswordHash::with_salt("pw", [1; SALT_LEN], 3).unwrap();
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"iterations":3,"salt":"{}","hash":"{}"}}"#,
                "01".repeat(16),
                to_hex(&hash.hash)
            )
        );
        let back: PasswordHash = serde_json::from_str(&json).unwrap();
        assert_eq!(back, hash);
        assert!(back.verify("pw"));
        for tampered in [
            json.replace(r#""iterations":3"#, r#""iterations":0"#),
            json.replace(r#""iterations":3"#, r#""iterations":4000000000"#),
            json.replace(&"01".repeat(16), "01"),
            json.replace(&"01".repeat(16), &"zz".repeat(16)),
        ] {
            assert!(
                serde_json::from_str::<PasswordHash>(&tampered).is_err(),
                "{tampered}"
            );
        }
    }

    /// The cost of one sign-in's check at [`DEFAULT_ITERATIONS`], printed (run with
    /// `--release --ignored --nocapture`; a debug build is not the page's speed).
    #[test]
    #[ignore = "a measurement, not a check"]
    fn one_check_at_the_default_count() {
        let hash =
            PasswordHash::with_salt("demo-Pass1", [7; SALT_LEN], DEFAULT_ITERATIONS).unwrap();
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                assert!(hash.verify("demo-Pass1"));
                start.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        println!(
            "PBKDF2-HMAC-SHA256 at {DEFAULT_ITERATIONS}: median {:.1} ms, fastest {:.1} ms of 5",
            runs[2] * 1e3,
            runs[0] * 1e3
        );
    }

    #[test]
    fn the_dummy_hash_matches_nothing_and_costs_a_check() {
        let dummy = PasswordHash::dummy(10);
        assert_eq!(dummy.iterations(), 10);
        assert!(!dummy.verify("") && !dummy.verify("demo-Pass1"));
        assert_eq!(PasswordHash::dummy(0).iterations(), 1);
    }

    #[test]
    fn rehashing_keeps_the_salt_and_raises_the_count() {
        let old = PasswordHash::with_salt("pw", [3; SALT_LEN], 10).unwrap();
        let new = old.rehashed("pw", 20).unwrap();
        assert_eq!(
            new,
            PasswordHash::with_salt("pw", [3; SALT_LEN], 20).unwrap()
        );
        assert!(new.verify("pw") && !new.verify("pW"));
        assert_eq!(old.rehashed("pw", 0), Err(BankError::Iterations(0)));
    }

    #[test]
    fn debug_hides_salt_and_hash() {
        let hash = PasswordHash::with_salt("pw", [0xab; SALT_LEN], 2).unwrap();
        let shown = format!("{hash:?}");
        assert!(!shown.contains("ab"), "{shown}");
        assert!(shown.contains("iterations: 2"), "{shown}");
    }
}
