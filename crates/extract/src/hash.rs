//! The hash maps of the engine's hot paths: a fast, non-cryptographic
//! hasher for word IDs and short words.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

/// A fast, non-cryptographic hasher for the trie's small integer keys and
/// the key dictionary (the input is the engine's own, not an attacker's
/// choice of hash-flooding keys: a pathological text only slows one
/// document).
#[derive(Default, Clone, Copy)]
pub struct FoldHasher(u64);

impl std::hash::Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (the table slot) depending on
        // the low bits of the input only: fold the high bits in.
        let h = self.0;
        (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (h >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Hash map with [`FoldHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FoldHasher>>;

/// Hash set with [`FoldHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FoldHasher>>;
