//! HMAC-SHA256 (RFC 2104) of the audit chain, from pad states prepared once per key.
//!
//! HMAC hashes `K0 ^ ipad` and `K0 ^ opad` as the first block of its inner and outer hashes;
//! those blocks depend on the key alone, so their chaining values are computed once (as the
//! engine's `PreparedKey` does for the codes). A validation's event, about 100 bytes, then
//! costs exactly three compressions of RustCrypto's `sha2` (SHA-NI where the CPU has it): its
//! two padded inner blocks in one call, and the outer block. The `hmac` crate computes the same
//! value (the tests check it) but copies its whole state and buffers each block on every MAC.
//!
//! The validation bench builds this file into its limit too (`benches/validate.rs`), so that the
//! limit times the audit MAC exactly as the service computes it.

use sha2::block_api::compress256;
use webtoken_engine::SHA256_IV;
use zeroize::Zeroize;

/// SHA-256's block, in bytes.
const BLOCK: usize = 64;
/// Blocks of [`MacKey::mac_short`]'s buffer: a validation's event and its padding fit in two.
const BUFFERED: usize = 2;
/// Longest message [`MacKey::mac_short`] pads in its two blocks: the 1 bit and the 8-byte
/// length must follow it.
pub(crate) const SHORT: usize = BUFFERED * BLOCK - 1 - 8;

/// An HMAC-SHA256 key as the chaining values after its inner and outer key blocks; as good as
/// the key, so wiped on drop and never printed.
#[derive(Clone)]
pub(crate) struct MacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl MacKey {
    /// The key `bytes` (at most one block, as the audit key's 32 bytes are) prepared for HMAC.
    pub(crate) fn new(bytes: &[u8; 32]) -> MacKey {
        let state = |pad: u8| {
            let mut block = [pad; BLOCK];
            for (out, byte) in block.iter_mut().zip(bytes) {
                *out ^= byte;
            }
            let mut state = SHA256_IV;
            compress256(&mut state, core::slice::from_ref(&block));
            block.zeroize();
            state
        };
        MacKey {
            inner: state(0x36),
            outer: state(0x5c),
        }
    }

    /// HMAC-SHA256 of the concatenation of `parts`: the seal, the key's id and the staff
    /// events, whose free text makes them longer than [`MacKey::mac_short`] takes. The message
    /// is padded in one buffer and its blocks compressed in one call.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut message = parts.concat();
        // FIPS 180-4 section 5.1.1: a 1 bit, zeros, and the bit length (the key block
        // included) in the last 8 bytes of the last block.
        let bits = ((BLOCK + message.len()) * 8) as u64;
        message.push(0x80);
        let padded = (message.len() + 8).next_multiple_of(BLOCK);
        message.resize(padded - 8, 0);
        message.extend_from_slice(&bits.to_be_bytes());
        let (blocks, _) = message.as_chunks::<BLOCK>();
        let mut state = self.inner;
        compress256(&mut state, blocks);
        self.outer(state)
    }

    /// HMAC-SHA256 of `buffer[..len]`, the path of every validation's event: a message that
    /// fits with its padding in two blocks (at most [`SHORT`] bytes) is padded in a copy of its
    /// buffer of a fixed size and hashed in one call. A longer `len` takes [`MacKey::mac`], as
    /// does a `len` past the buffer (its whole length).
    pub(crate) fn mac_short(&self, buffer: &[u8; BUFFERED * BLOCK], len: usize) -> [u8; 32] {
        if len > SHORT {
            return self.mac(&[&buffer[..len.min(buffer.len())]]);
        }
        let mut blocks = [[0_u8; BLOCK]; BUFFERED];
        let padded = blocks.as_flattened_mut();
        padded.copy_from_slice(buffer);
        padded[len] = 0x80;
        padded[len + 1..].fill(0);
        let used = if len + 1 + 8 <= BLOCK { 1 } else { 2 };
        let bits = ((BLOCK + len) * 8) as u64;
        padded[used * BLOCK - 8..used * BLOCK].copy_from_slice(&bits.to_be_bytes());
        let mut state = self.inner;
        compress256(&mut state, &blocks[..used]);
        self.outer(state)
    }

    /// The outer hash over the inner digest: one block.
    fn outer(&self, inner_digest: [u32; 8]) -> [u8; 32] {
        let mut block = [0_u8; BLOCK];
        for (chunk, word) in block.chunks_exact_mut(4).zip(&inner_digest) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        block[32] = 0x80;
        block[BLOCK - 8..].copy_from_slice(&(((BLOCK + 32) * 8) as u64).to_be_bytes());
        let mut state = self.outer;
        compress256(&mut state, core::slice::from_ref(&block));
        let mut mac = [0_u8; 32];
        for (chunk, word) in mac.chunks_exact_mut(4).zip(&state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        mac
    }
}

impl Drop for MacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::MacKey;

    fn reference(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn every_length_across_three_blocks_matches_the_hmac_crate() {
        let data: Vec<u8> = (0..=255).collect();
        for key in [
            [0_u8; 32],
            [7; 32],
            core::array::from_fn(|i| (i as u8).wrapping_mul(31)),
        ] {
            let prepared = MacKey::new(&key);
            for len in 0..data.len() {
                assert_eq!(
                    prepared.mac(&[&data[..len]]),
                    reference(&key, &[&data[..len]]),
                    "{len} bytes"
                );
            }
        }
    }

    #[test]
    fn short_messages_match_whatever_follows_them_in_the_buffer() {
        let key = [0x33; 32];
        let prepared = MacKey::new(&key);
        // Bytes after the message must not count, so the buffer is full of them.
        let buffer: [u8; 128] = core::array::from_fn(|i| (i as u8).wrapping_mul(7) | 1);
        for len in 0..=buffer.len() + 1 {
            let message = &buffer[..len.min(buffer.len())];
            assert_eq!(
                prepared.mac_short(&buffer, len),
                reference(&key, &[message]),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn parts_are_hashed_as_their_concatenation_wherever_they_split() {
        let key = [0x5a; 32];
        let prepared = MacKey::new(&key);
        let data: Vec<u8> = (0..300_u32).map(|i| (i * 7) as u8).collect();
        for (a, b) in [
            (0, 0),
            (1, 127),
            (63, 64),
            (96, 200),
            (128, 128),
            (119, 9),
            (250, 40),
        ] {
            let (first, rest) = data.split_at(a);
            let (second, third) = rest.split_at(b.min(rest.len()));
            assert_eq!(
                prepared.mac(&[first, second, third]),
                reference(&key, &[&data]),
                "split at {a} and {b}"
            );
        }
    }

    /// RFC 4231 section 4.3, test case 2, with its 4-byte key zero-padded as HMAC pads it.
    #[test]
    fn rfc_4231_test_case_2() {
        let mut key = [0_u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = MacKey::new(&key).mac(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            webtoken_engine::hex::to_hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
