//! HOTP values (RFC 4226 section 5) through HMAC pad states: the one way this workspace computes
//! a code, for the token's display, the JS API and the token service's validation alike.

use core::fmt;

use sha1::Digest;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{Algorithm, EngineError, Secret, check_digits};

/// The initial hash values of FIPS 180-4 section 5.3.
const SHA1_IV: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];
/// SHA-256's initial hash value (FIPS 180-4 section 5.3.3), for the audit chain's precomputed state.
pub const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
const SHA512_IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// The HMAC pads of RFC 2104 section 2.
const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;

/// The chaining values after the inner (`K0 ^ ipad`) and outer (`K0 ^ opad`) key blocks.
///
/// SHA-1, the bank's model, is kept inline (40 bytes); the wider states are boxed so that a
/// credential record stays small and its hot part fits in fewer cache lines.
#[derive(Clone)]
enum Pads {
    Sha1([u32; 5], [u32; 5]),
    Sha256(Box<([u32; 8], [u32; 8])>),
    Sha512(Box<([u64; 8], [u64; 8])>),
}

/// A secret keyed into HMAC once, ready to compute HOTP values (RFC 4226 section 5.3) for many
/// counters.
///
/// HMAC (RFC 2104) hashes `K0 ^ ipad` and `K0 ^ opad` as the first block of its inner and outer
/// hashes; those blocks depend on the key alone, so their chaining values are computed here once
/// and each HOTP value then costs exactly two compressions (the 8-byte counter and the inner
/// digest each fit in one padded block). The compression functions are RustCrypto's `sha1` and
/// `sha2`; [`PreparedKey::values_with`] lets a caller plug in a faster SHA-1 for several counters
/// at once (the token service's SHA-NI code, see [`Sha1Batch`]). Tests check every value against
/// `totp-rs` and the `hmac` crate.
///
/// The chaining values are as good as the key, so they are wiped on drop and never printed.
#[derive(Clone)]
pub struct PreparedKey {
    pads: Pads,
}

impl PreparedKey {
    /// Keys HMAC with `secret` for `algorithm`.
    pub fn new(secret: &Secret, algorithm: Algorithm) -> PreparedKey {
        let key = secret.as_bytes();
        let pads = match algorithm {
            Algorithm::Sha1 => {
                let (inner, outer) = pad_states(key, SHA1_IV, sha1::block_api::compress, |k| {
                    sha1::Sha1::digest(k).to_vec()
                });
                Pads::Sha1(inner, outer)
            }
            Algorithm::Sha256 => {
                let (inner, outer) =
                    pad_states(key, SHA256_IV, sha2::block_api::compress256, |k| {
                        sha2::Sha256::digest(k).to_vec()
                    });
                Pads::Sha256(Box::new((inner, outer)))
            }
            Algorithm::Sha512 => {
                let (inner, outer) =
                    pad_states(key, SHA512_IV, sha2::block_api::compress512, |k| {
                        sha2::Sha512::digest(k).to_vec()
                    });
                Pads::Sha512(Box::new((inner, outer)))
            }
        };
        PreparedKey { pads }
    }

    /// The hash function this key was prepared for.
    pub fn algorithm(&self) -> Algorithm {
        match self.pads {
            Pads::Sha1(..) => Algorithm::Sha1,
            Pads::Sha256(..) => Algorithm::Sha256,
            Pads::Sha512(..) => Algorithm::Sha512,
        }
    }

    /// HOTP(K, C) as a number below 10^`digits` (RFC 4226 section 5.3, dynamic truncation).
    pub fn value(&self, counter: u64, digits: u8) -> Result<u32, EngineError> {
        let [value] = self.values([counter], digits)?;
        Ok(value)
    }

    /// HOTP(K, C) for each counter C in `counters`, as [`PreparedKey::value`] computes it.
    pub fn values<const N: usize>(
        &self,
        counters: [u64; N],
        digits: u8,
    ) -> Result<[u32; N], EngineError> {
        self.values_with(&PortableOnly, counters, digits)
    }

    /// HOTP(K, C) for each counter C in `counters`, with `batch` computing the HMAC-SHA-1s where
    /// it can (a validation window asks for its steps this way; on SHA-NI the HMACs run side by
    /// side and cost little more than one). Other algorithms, and SHA-1 when `batch` answers
    /// `None`, take the portable path. Every counter is computed in full whatever the others give.
    pub fn values_with<B: Sha1Batch, const N: usize>(
        &self,
        batch: &B,
        counters: [u64; N],
        digits: u8,
    ) -> Result<[u32; N], EngineError> {
        check_digits(digits)?;
        let modulus = 10_u32.pow(u32::from(digits));
        if let Pads::Sha1(inner, outer) = &self.pads
            && let Some(macs) = batch.hmac_sha1(inner, outer, counters)
        {
            return Ok(macs.map(|mac| {
                let mut bytes = [0_u8; 20];
                write_state(&mac, &mut bytes);
                truncate(&bytes) % modulus
            }));
        }
        Ok(counters.map(|counter| self.portable_value(counter) % modulus))
    }

    /// HOTP(K, C) before the reduction modulo 10^digits, on the portable compression functions.
    fn portable_value(&self, counter: u64) -> u32 {
        let message = counter.to_be_bytes();
        let (mac, len) = match &self.pads {
            Pads::Sha1(inner, outer) => hmac(inner, outer, &message, sha1::block_api::compress),
            Pads::Sha256(pads) => hmac(&pads.0, &pads.1, &message, sha2::block_api::compress256),
            Pads::Sha512(pads) => hmac(&pads.0, &pads.1, &message, sha2::block_api::compress512),
        };
        truncate(&mac[..len])
    }

    /// HOTP(K, C) as a string of `digits` digits with leading zeros.
    pub fn code(&self, counter: u64, digits: u8) -> Result<String, EngineError> {
        let value = self.value(counter, digits)?;
        Ok(format!("{value:0width$}", width = usize::from(digits)))
    }
}

/// A faster HMAC-SHA-1 of several HOTP counters at once, for [`PreparedKey::values_with`].
///
/// The engine itself has no `unsafe` code: the token service implements this on the x86 SHA
/// extensions, behind its `sha-ni` feature. An implementation is handed the key's pad states,
/// which are as good as the key: it must neither keep nor show them.
pub trait Sha1Batch {
    /// HMAC-SHA-1, as five words (FIPS 180-4's H0 to H4), of each counter's 8-byte big-endian
    /// encoding (RFC 4226 section 5.2), from the chaining values after the inner (`K0 ^ ipad`) and
    /// outer (`K0 ^ opad`) key blocks; `None` to leave it to the portable path (for example on a
    /// CPU without the instructions).
    fn hmac_sha1<const N: usize>(
        &self,
        inner: &[u32; 5],
        outer: &[u32; 5],
        counters: [u64; N],
    ) -> Option<[[u32; 5]; N]>;
}

/// The [`Sha1Batch`] of [`PreparedKey::values`]: it always leaves the work to the portable path.
struct PortableOnly;

impl Sha1Batch for PortableOnly {
    fn hmac_sha1<const N: usize>(
        &self,
        _inner: &[u32; 5],
        _outer: &[u32; 5],
        _counters: [u64; N],
    ) -> Option<[[u32; 5]; N]> {
        None
    }
}

impl Drop for PreparedKey {
    fn drop(&mut self) {
        match &mut self.pads {
            Pads::Sha1(inner, outer) => {
                inner.zeroize();
                outer.zeroize();
            }
            Pads::Sha256(pads) => {
                pads.0.zeroize();
                pads.1.zeroize();
            }
            Pads::Sha512(pads) => {
                pads.0.zeroize();
                pads.1.zeroize();
            }
        }
    }
}

impl ZeroizeOnDrop for PreparedKey {}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PreparedKey({}, <redacted>)", self.algorithm())
    }
}

/// A word of a hash state, written big-endian into digests (FIPS 180-4 section 3.1).
trait Word: Copy + Zeroize {
    const BYTES: usize;
    fn write_be(self, out: &mut [u8]);
}

impl Word for u32 {
    const BYTES: usize = 4;
    fn write_be(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_be_bytes());
    }
}

impl Word for u64 {
    const BYTES: usize = 8;
    fn write_be(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_be_bytes());
    }
}

/// The chaining values after `K0 ^ ipad` and `K0 ^ opad`, where K0 is the key padded with zeros
/// to the block size `B`, or its digest if it is longer than a block (FIPS 198-1 section 4).
fn pad_states<W: Word, const N: usize, const B: usize>(
    key: &[u8],
    iv: [W; N],
    compress: impl Fn(&mut [W; N], &[[u8; B]]),
    digest: impl Fn(&[u8]) -> Vec<u8>,
) -> ([W; N], [W; N]) {
    let mut k0 = Zeroizing::new([0_u8; B]);
    if key.len() > B {
        let hashed = Zeroizing::new(digest(key));
        k0[..hashed.len()].copy_from_slice(&hashed);
    } else {
        k0[..key.len()].copy_from_slice(key);
    }
    let mut block = Zeroizing::new([0_u8; B]);
    let mut state = |pad: u8| {
        for (out, byte) in block.iter_mut().zip(k0.iter()) {
            *out = byte ^ pad;
        }
        let mut state = iv;
        compress(&mut state, core::slice::from_ref(&*block));
        state
    };
    (state(IPAD), state(OPAD))
}

/// HMAC(K, message) from the pad states, for a message short enough to share one block with its
/// padding (FIPS 180-4 section 5.1: a 1 bit, zeros, and the bit length in the last 8 bytes; the
/// upper half of SHA-512's 16-byte length is zero). Returns the digest in a 64-byte buffer and
/// its length.
fn hmac<W: Word, const N: usize, const B: usize>(
    inner: &[W; N],
    outer: &[W; N],
    message: &[u8],
    compress: impl Fn(&mut [W; N], &[[u8; B]]),
) -> ([u8; 64], usize) {
    let digest_len = N * W::BYTES;
    let padded = |content: &[u8]| {
        let mut block = [0_u8; B];
        block[..content.len()].copy_from_slice(content);
        block[content.len()] = 0x80;
        // The bit length counts the key block hashed before this one.
        let bits = ((B + content.len()) * 8) as u64;
        block[B - 8..].copy_from_slice(&bits.to_be_bytes());
        block
    };
    let mut state = *inner;
    compress(&mut state, &[padded(message)]);
    let mut inner_digest = [0_u8; 64];
    write_state(&state, &mut inner_digest[..digest_len]);
    let mut state = *outer;
    compress(&mut state, &[padded(&inner_digest[..digest_len])]);
    let mut mac = [0_u8; 64];
    write_state(&state, &mut mac[..digest_len]);
    (mac, digest_len)
}

fn write_state<W: Word, const N: usize>(state: &[W; N], out: &mut [u8]) {
    for (chunk, word) in out.chunks_exact_mut(W::BYTES).zip(state) {
        word.write_be(chunk);
    }
}

/// Dynamic truncation of RFC 4226 section 5.3: 31 bits at the offset named by the low nibble of
/// the last byte.
fn truncate(hash: &[u8]) -> u32 {
    let last = hash[hash.len() - 1];
    let offset = usize::from(last & 0x0f);
    let bytes = [
        hash[offset],
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ];
    u32::from_be_bytes(bytes) & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{MAX_SECRET_BYTES, MIN_SECRET_BYTES};

    /// A [`Sha1Batch`] on RustCrypto's compression function, one counter at a time: what a fast
    /// one must compute, written out plainly.
    struct Reference;

    impl Sha1Batch for Reference {
        fn hmac_sha1<const N: usize>(
            &self,
            inner: &[u32; 5],
            outer: &[u32; 5],
            counters: [u64; N],
        ) -> Option<[[u32; 5]; N]> {
            fn block(state: &[u32; 5], message: &[u8]) -> [u32; 5] {
                let mut block = [0_u8; 64];
                block[..message.len()].copy_from_slice(message);
                block[message.len()] = 0x80;
                block[56..].copy_from_slice(&((64 + message.len() as u64) * 8).to_be_bytes());
                let mut state = *state;
                sha1::block_api::compress(&mut state, &[block]);
                state
            }
            Some(counters.map(|counter| {
                let mut digest = [0_u8; 20];
                write_state(&block(inner, &counter.to_be_bytes()), &mut digest);
                block(outer, &digest)
            }))
        }
    }

    /// A [`Sha1Batch`] that answers wrong: shows that `values_with` uses what a batch gives.
    struct Zeros;

    impl Sha1Batch for Zeros {
        fn hmac_sha1<const N: usize>(
            &self,
            _inner: &[u32; 5],
            _outer: &[u32; 5],
            _counters: [u64; N],
        ) -> Option<[[u32; 5]; N]> {
            Some([[0; 5]; N])
        }
    }

    #[test]
    fn values_with_uses_the_batch_for_sha1_only() {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("20 bytes");
        let sha1 = PreparedKey::new(&secret, Algorithm::Sha1);
        // An all-zero MAC truncates at offset 0 to 0.
        assert_eq!(sha1.values_with(&Zeros, [0, 1], 6), Ok([0, 0]));
        // RFC 4226 Appendix D: counters 0 and 1 give 755224 and 287082.
        assert_eq!(
            sha1.values_with(&Reference, [0, 1], 6),
            Ok([755_224, 287_082])
        );
        let sha256 = PreparedKey::new(&secret, Algorithm::Sha256);
        assert_eq!(
            sha256.values_with(&Zeros, [0, 1], 6),
            sha256.values([0, 1], 6)
        );
        assert_eq!(
            sha1.values_with(&Reference, [0], 9),
            Err(EngineError::UnsupportedDigits { digits: 9 })
        );
    }

    proptest! {
        /// A batch computing what the portable path computes gives the same values through
        /// `values_with`: the hook's contract (words, counter encoding, truncation) is the one
        /// the portable path follows.
        #[test]
        fn values_with_a_reference_batch_agree_with_the_portable_path(
            bytes in proptest::collection::vec(any::<u8>(), MIN_SECRET_BYTES..=MAX_SECRET_BYTES),
            first in prop_oneof![any::<u64>(), Just(0_u64), Just(u64::MAX - 2)],
        ) {
            let secret = Secret::from_bytes(bytes).expect("a valid length");
            let key = PreparedKey::new(&secret, Algorithm::Sha1);
            let counters = [first, first.wrapping_add(1), first.wrapping_add(2)];
            let portable = counters.map(|counter| key.portable_value(counter) % 1_000_000);
            prop_assert_eq!(key.values_with(&Reference, counters, 6).expect("6 digits"), portable);
            prop_assert_eq!(key.values(counters, 6).expect("6 digits"), portable);
            prop_assert_eq!(key.value(first, 6).expect("6 digits"), portable[0]);
        }
    }
}
