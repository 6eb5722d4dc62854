//! HMAC-SHA-1 of several HOTP counters at once on the x86 SHA extensions, interleaved.
//!
//! One SHA-1 compression on SHA-NI is a chain of 20 `sha1rnds4` instructions, each waiting for
//! the one before: a single stream leaves most of the unit idle. The HMACs of the steps of a
//! validation window are independent, so they run here side by side (N streams through the same
//! instruction sequence), which fills the pipeline; the HMAC itself is specialised to HOTP's
//! message (one 8-byte counter block, then one 20-byte digest block), built directly in
//! registers. [`ShaNi`] plugs this into the engine's [`PreparedKey::values_with`], which falls
//! back to its portable path when [`hmac_sha1`] returns `None` (a CPU without the extensions).
//!
//! This is the workspace's only `unsafe` code, so it lives here, in the one crate that needs
//! the speed (validation), behind the `sha-ni` feature and compiled only for x86-64: the
//! engine, and with it the token's display and the wasm, forbid `unsafe`. The functions here
//! are safe Rust: with `#[target_feature]`, the intrinsics (none of which touches memory) need
//! no `unsafe`. The single `unsafe` is the call into them, after the runtime check that the CPU
//! has the features they are compiled for.
//!
//! [`PreparedKey::values_with`]: webtoken_engine::PreparedKey::values_with

use core::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_extract_epi32, _mm_set_epi32, _mm_setzero_si128,
    _mm_sha1msg1_epu32, _mm_sha1msg2_epu32, _mm_sha1nexte_epu32, _mm_sha1rnds4_epu32,
    _mm_xor_si128,
};

use webtoken_engine::Sha1Batch;

/// The x86 SHA extensions as the engine's [`Sha1Batch`]: HMAC-SHA-1 of a validation window's
/// steps side by side, or `None` (the portable path) on a CPU without them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ShaNi;

impl Sha1Batch for ShaNi {
    fn hmac_sha1<const N: usize>(
        &self,
        inner: &[u32; 5],
        outer: &[u32; 5],
        counters: [u64; N],
    ) -> Option<[[u32; 5]; N]> {
        hmac_sha1(inner, outer, counters)
    }
}

/// SHA-1's block as four vectors of four message words, word 0 in the high lane (the layout
/// `sha1rnds4` takes).
type Block = [__m128i; 4];

/// HMAC-SHA-1 (as five big-endian words) of each counter's 8-byte big-endian encoding, from
/// the chaining values after the inner and outer key blocks; `None` if this CPU lacks SHA-NI.
fn hmac_sha1<const N: usize>(
    inner: &[u32; 5],
    outer: &[u32; 5],
    counters: [u64; N],
) -> Option<[[u32; 5]; N]> {
    let supported = std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse2")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1");
    if !supported {
        return None;
    }
    // SAFETY: `hmac_sha1_ni` only requires the CPU features it is compiled for (sha, sse2,
    // ssse3, sse4.1), and `supported` has just checked each of them at run time.
    // The crate denies `unsafe_code` (Cargo.toml); this call is the one place it is allowed.
    #[allow(unsafe_code)]
    let macs = unsafe { hmac_sha1_ni(inner, outer, counters) };
    Some(macs)
}

/// [`hmac_sha1`] on the SHA extensions.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn hmac_sha1_ni<const N: usize>(
    inner: &[u32; 5],
    outer: &[u32; 5],
    counters: [u64; N],
) -> [[u32; 5]; N] {
    let zero = _mm_setzero_si128();
    // FIPS 180-4 section 5.1.1 padding after the 64-byte key block: a 1 bit after the message,
    // and the bit length of key block and message in the last word.
    let inner_blocks = counters.map(|counter| -> Block {
        let [high, low] = [(counter >> 32) as u32, counter as u32];
        [
            words(high, low, 0x8000_0000, 0),
            zero,
            zero,
            words(0, 0, 0, (64 + 8) * 8),
        ]
    });
    let (abcd, e) = compress(state(inner), inner_blocks);
    // The inner digest is the outer message: its first four words are the ABCD vector as it
    // stands, the fifth is E's high lane.
    let mut outer_blocks = [[zero; 4]; N];
    for (block, (abcd, e)) in outer_blocks.iter_mut().zip(abcd.iter().zip(&e)) {
        *block = [
            *abcd,
            words(_mm_extract_epi32::<3>(*e) as u32, 0x8000_0000, 0, 0),
            zero,
            words(0, 0, 0, (64 + 20) * 8),
        ];
    }
    let (abcd, e) = compress(state(outer), outer_blocks);
    let mut macs = [[0_u32; 5]; N];
    for (mac, (abcd, e)) in macs.iter_mut().zip(abcd.iter().zip(&e)) {
        *mac = [
            _mm_extract_epi32::<3>(*abcd) as u32,
            _mm_extract_epi32::<2>(*abcd) as u32,
            _mm_extract_epi32::<1>(*abcd) as u32,
            _mm_extract_epi32::<0>(*abcd) as u32,
            _mm_extract_epi32::<3>(*e) as u32,
        ];
    }
    macs
}

/// Four words as one vector, the first in the high lane.
#[target_feature(enable = "sse2")]
fn words(w0: u32, w1: u32, w2: u32, w3: u32) -> __m128i {
    _mm_set_epi32(w0 as i32, w1 as i32, w2 as i32, w3 as i32)
}

/// A chaining value as the ABCD vector (A in the high lane) and the E vector (E in the high lane).
#[target_feature(enable = "sse2")]
fn state(words_in: &[u32; 5]) -> (__m128i, __m128i) {
    let [a, b, c, d, e] = *words_in;
    (words(a, b, c, d), words(e, 0, 0, 0))
}

/// One SHA-1 compression (FIPS 180-4 section 6.1.2) of a block for each of N streams that share
/// a starting state, the streams interleaved instruction by instruction. The round structure is
/// that of RustCrypto's `sha1` x86 backend: 20 groups of four rounds, the message schedule
/// computed four words at a time from the 16 words before.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn compress<const N: usize>(
    start: (__m128i, __m128i),
    blocks: [Block; N],
) -> ([__m128i; N], [__m128i; N]) {
    let (start_abcd, start_e) = start;
    // The last five schedule vectors of each stream, in a ring indexed by group modulo 5.
    let mut schedule = blocks.map(|[w0, w1, w2, w3]| [w0, w1, w2, w3, _mm_setzero_si128()]);
    // The two working vectors swap roles every group: one holds ABCD, the other the ABCD
    // before it (from which `sha1nexte` derives E).
    let mut even = [start_abcd; N];
    let mut odd = [_mm_setzero_si128(); N];
    for (odd, w) in odd.iter_mut().zip(&schedule) {
        *odd = _mm_sha1rnds4_epu32::<0>(start_abcd, _mm_add_epi32(start_e, w[0]));
    }
    // `sha1rnds4` takes its round function as a constant: one call per group of five groups.
    macro_rules! group {
        ($group:literal, $function:literal) => {
            for ((even, odd), w) in even.iter_mut().zip(odd.iter_mut()).zip(schedule.iter_mut()) {
                if $group >= 4 {
                    w[$group % 5] = _mm_sha1msg2_epu32(
                        _mm_xor_si128(
                            _mm_sha1msg1_epu32(w[($group + 1) % 5], w[($group + 2) % 5]),
                            w[($group + 3) % 5],
                        ),
                        w[($group + 4) % 5],
                    );
                }
                if $group % 2 == 1 {
                    *even = _mm_sha1rnds4_epu32::<$function>(
                        *odd,
                        _mm_sha1nexte_epu32(*even, w[$group % 5]),
                    );
                } else {
                    *odd = _mm_sha1rnds4_epu32::<$function>(
                        *even,
                        _mm_sha1nexte_epu32(*odd, w[$group % 5]),
                    );
                }
            }
        };
    }
    group!(1, 0);
    group!(2, 0);
    group!(3, 0);
    group!(4, 0);
    group!(5, 1);
    group!(6, 1);
    group!(7, 1);
    group!(8, 1);
    group!(9, 1);
    group!(10, 2);
    group!(11, 2);
    group!(12, 2);
    group!(13, 2);
    group!(14, 2);
    group!(15, 3);
    group!(16, 3);
    group!(17, 3);
    group!(18, 3);
    group!(19, 3);
    // Group 19 (odd) left ABCD in `even`; the E of its input comes from `odd`.
    let abcd = even.map(|abcd| _mm_add_epi32(start_abcd, abcd));
    let e = odd.map(|before| _mm_sha1nexte_epu32(before, start_e));
    (abcd, e)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use webtoken_engine::{Algorithm, MAX_SECRET_BYTES, MIN_SECRET_BYTES, PreparedKey, Secret};

    use super::*;

    /// One block through RustCrypto's compression function, the reference.
    fn reference(state: &[u32; 5], message: &[u8]) -> [u32; 5] {
        let mut block = [0_u8; 64];
        block[..message.len()].copy_from_slice(message);
        block[message.len()] = 0x80;
        block[56..].copy_from_slice(&((64 + message.len() as u64) * 8).to_be_bytes());
        let mut state = *state;
        sha1::block_api::compress(&mut state, &[block]);
        state
    }

    fn reference_hmac(inner: &[u32; 5], outer: &[u32; 5], counter: u64) -> [u32; 5] {
        let digest = reference(inner, &counter.to_be_bytes());
        let mut bytes = [0_u8; 20];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(digest) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        reference(outer, &bytes)
    }

    #[test]
    fn every_stream_matches_the_reference_at_the_edges_of_the_counter_range() {
        let inner = [
            0x6745_2301,
            0xefcd_ab89,
            0x98ba_dcfe,
            0x1032_5476,
            0xc3d2_e1f0,
        ];
        let outer = [
            0x0123_4567,
            0x89ab_cdef,
            0xfedc_ba98,
            0x7654_3210,
            0xf0e1_d2c3,
        ];
        let counters = [0, 1, u64::MAX, u64::MAX - 1, 1 << 32, (1 << 32) - 1];
        let Some(macs) = hmac_sha1(&inner, &outer, counters) else {
            // A CPU without SHA-NI: the portable path is what runs, and its own tests cover it.
            return;
        };
        for (mac, counter) in macs.iter().zip(counters) {
            assert_eq!(
                *mac,
                reference_hmac(&inner, &outer, counter),
                "counter {counter}"
            );
        }
        let Some([single]) = hmac_sha1(&inner, &outer, [u64::MAX]) else {
            return;
        };
        assert_eq!(single, reference_hmac(&inner, &outer, u64::MAX));
    }

    proptest! {
        /// Where the engine takes the SHA-NI path, it agrees with the portable one it replaces,
        /// for any key and counters, the ends of the range included.
        #[test]
        fn sha_ni_values_agree_with_the_portable_path(
            bytes in proptest::collection::vec(any::<u8>(), MIN_SECRET_BYTES..=MAX_SECRET_BYTES),
            first in prop_oneof![any::<u64>(), Just(0_u64), Just(u64::MAX - 2)],
            digits in 6_u8..=8,
        ) {
            let secret = Secret::from_bytes(bytes).expect("a valid length");
            let key = PreparedKey::new(&secret, Algorithm::Sha1);
            let counters = [first, first.wrapping_add(1), first.wrapping_add(2)];
            prop_assert_eq!(
                key.values_with(&ShaNi, counters, digits).expect("6 to 8 digits"),
                key.values(counters, digits).expect("6 to 8 digits")
            );
        }
    }
}
