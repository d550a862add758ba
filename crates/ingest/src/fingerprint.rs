//! Text normalisation and fingerprints for exact and near-duplicate
//! detection.

use sha2::{Digest, Sha256};
use unicode_normalization::{is_nfkc, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalises text for hashing and de-duplication: NFKC, lower case,
/// ё→е, typographic quotes to `"` / `'`, dashes and hyphens to `-`, every
/// whitespace run to one space, trimmed. Idempotent.
pub fn normalise_text(text: &str) -> String {
    let mut out = normalise_pass(text);
    // One pass leaves NFKC-normal, lower-case, folded text unless lower-
    // casing produced a sequence NFKC would change again (rare: combining
    // marks); further passes reach the fixed point.
    for _ in 0..4 {
        let normal = all_fast(&out)
            || match is_nfkc_quick(out.chars()) {
                IsNormalized::Yes => true,
                IsNormalized::Maybe => is_nfkc(&out),
                IsNormalized::No => false,
            };
        if normal {
            break;
        }
        out = normalise_pass(&out);
    }
    out
}

fn normalise_pass(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |c: char, out: &mut String| {
        let c = fold(c);
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    };
    let mut lower = |c: char, out: &mut String| {
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), out);
        } else if ('А'..='Я').contains(&c) {
            push(char::from_u32(c as u32 + 0x20).unwrap_or(c), out);
        } else if ('а'..='џ').contains(&c) {
            push(c, out);
        } else {
            for l in c.to_lowercase() {
                push(l, out);
            }
        }
    };
    if all_fast(text) || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(|c| lower(c, &mut out));
    } else {
        text.nfkc().for_each(|c| lower(c, &mut out));
    }
    out
}

/// Whether every character is one that NFKC leaves alone and that needs no
/// table look-up to say so: ASCII, basic Cyrillic, Latin-1 letters and
/// Latin Extended-A (minus its few compatibility characters). Lets the
/// common case skip the normalisation tables.
fn all_fast(text: &str) -> bool {
    text.chars().all(|c| match c as u32 {
        0x00..=0x7f | 0xc0..=0xff | 0x400..=0x45f | 0x490..=0x491 => true,
        0x132 | 0x133 | 0x13f | 0x140 | 0x149 | 0x17f => false,
        0x100..=0x17f => true,
        _ => false,
    })
}

fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        '«' | '»' | '„' | '“' | '”' | '‟' | '″' | '〃' | '＂' => '"',
        '‘' | '’' | '‚' | '‛' | 'ʼ' | '′' | '`' | '´' | 'ʹ' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '⁃' | '﹘' | '﹣' | '－' => {
            '-'
        }
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => ' ',
        _ => c,
    }
}

/// `sha256:` followed by the lower-case hex SHA-256 of
/// [`normalise_text`]`(text)`; equal for texts that differ only in case,
/// whitespace, quotes, dashes or ё/е.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(normalise_text(text).as_bytes());
    format!("sha256:{}", hex::encode(digest))
}

/// 64-bit SimHash over word 3-shingles of [`normalise_text`]`(text)`.
/// Words are runs of letters and digits; texts of one or two words form a
/// single shingle; empty text gives 0. Near-duplicates differ in few bits
/// (see [`hamming`]). The hash function is fixed, so values are stable
/// across runs and builds and may be stored.
pub fn simhash(text: &str) -> u64 {
    let norm = normalise_text(text);
    let words: Vec<u64> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fnv1a(w.as_bytes()))
        .collect();
    if words.is_empty() {
        return 0;
    }
    let mut weights = [0i64; 64];
    let mut add = |h: u64| {
        for (bit, w) in weights.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *w += 1;
            } else {
                *w -= 1;
            }
        }
    };
    if words.len() < 3 {
        add(mix(words.iter().fold(0, |acc, w| acc.rotate_left(23) ^ w)));
    } else {
        for s in words.windows(3) {
            add(mix(s[0] ^ s[1].rotate_left(21) ^ s[2].rotate_left(42)));
        }
    }
    weights.iter().enumerate().fold(
        0u64,
        |acc, (bit, w)| if *w > 0 { acc | 1 << bit } else { acc },
    )
}

/// Number of differing bits between two SimHashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The SplitMix64 finaliser: spreads every input bit over all output bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds() {
        assert_eq!(
            normalise_text("  «Ёлки»\u{a0}— “Запад‑2021”\n\tＡＢＣ  "),
            "\"елки\" - \"запад-2021\" abc"
        );
        assert_eq!(normalise_text("It’s  MINSK"), "it's minsk");
        assert_eq!(normalise_text(""), "");
    }

    #[test]
    fn hash_ignores_case_and_spacing() {
        assert_eq!(content_hash("Hello  World"), content_hash("hello world\n"));
        assert_ne!(content_hash("hello world"), content_hash("hello word"));
        assert!(content_hash("x").starts_with("sha256:"));
        assert_eq!(content_hash("x").len(), 7 + 64);
    }

    #[test]
    fn simhash_basics() {
        assert_eq!(simhash(""), 0);
        assert_eq!(simhash("A b c d"), simhash("a  B c d"));
        assert_ne!(simhash("one"), simhash("two"));
        assert_eq!(hamming(0b1011, 0b0001), 2);
        assert_eq!(hamming(u64::MAX, 0), 64);
    }
}
