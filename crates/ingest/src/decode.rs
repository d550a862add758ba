//! Bytes to text: BOMs, declared charsets, detection, and a check that the
//! result is real text rather than mojibake.
//!
//! Order: a byte-order mark wins; then a charset declared by an HTML
//! `<meta>` or the XML declaration (if it decodes cleanly and plausibly);
//! then valid UTF-8; then `chardetng`'s guess, which for Cyrillic text is
//! re-checked against the other Cyrillic code pages by letter statistics
//! (KOI8-R read as Windows-1251 comes out as mostly capital letters in
//! the wrong frequencies, and vice versa).

use encoding_rs::{
    Encoding, IBM866, ISO_8859_5, KOI8_R, KOI8_U, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251,
    X_MAC_CYRILLIC,
};

use crate::IngestError;

/// Decoded text and the (lower-case WHATWG) name of the encoding used.
pub(crate) struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

pub(crate) fn decode(source: &str, bytes: &[u8]) -> Result<Decoded, IngestError> {
    let enc_err = |reason: String| IngestError::Encoding {
        path: source.to_string(),
        reason,
    };
    // 1. Byte-order marks.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let text = enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom_len..])
            .ok_or_else(|| enc_err(format!("invalid {} after its byte-order mark", enc.name())))?;
        let text = text.into_owned();
        check_text(source, &text, enc)?;
        return Ok(Decoded {
            text,
            encoding: label(enc),
        });
    }
    check_binary_bytes(source, bytes)?;

    // 2. A declared charset (HTML meta / XML declaration).
    if let Some(enc) = declared_charset(bytes) {
        if enc != UTF_16LE && enc != UTF_16BE {
            if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
                if plausibility_problem(&text).is_none() {
                    let text = text.into_owned();
                    check_text(source, &text, enc)?;
                    return Ok(Decoded {
                        text,
                        encoding: label(enc),
                    });
                }
            }
        }
    }

    // 3. Valid UTF-8.
    if let Ok(text) = std::str::from_utf8(bytes) {
        check_text(source, text, UTF_8)?;
        return Ok(Decoded {
            text: text.to_string(),
            encoding: label(UTF_8),
        });
    }

    // 4. Detection, with Cyrillic code pages re-ranked by letter statistics.
    // Both look at a sample; only the winner decodes the whole input.
    let sample = sample_at_line_end(bytes, SAMPLE_BYTES);
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(None, false);
    let cyrillic_guess = CYRILLIC.contains(&guess);
    let guessed_cyr_letters = guess
        .decode_without_bom_handling_and_without_replacement(sample)
        .map(|t| t.chars().filter(|c| is_cyrillic(*c)).count())
        .unwrap_or(0);
    let enc = if cyrillic_guess || guessed_cyr_letters >= 8 {
        let extra = (!cyrillic_guess).then_some(guess);
        let mut best: Option<(f64, &'static Encoding)> = None;
        for enc in CYRILLIC.iter().copied().chain(extra) {
            let Some(text) = enc.decode_without_bom_handling_and_without_replacement(sample) else {
                continue;
            };
            let score = cyrillic_score(&text);
            if best.is_none_or(|(s, _)| score > s + 1e-9) {
                best = Some((score, enc));
            }
        }
        best.map(|(_, e)| e)
            .ok_or_else(|| enc_err("no Cyrillic code page decodes the bytes".to_string()))?
    } else {
        guess
    };
    let text = enc
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            enc_err(format!(
                "not UTF-8, and the best guess ({}) does not decode the bytes",
                enc.name()
            ))
        })?
        .into_owned();
    check_text(source, &text, enc)?;
    Ok(Decoded {
        text,
        encoding: label(enc),
    })
}

/// Bytes examined to choose a legacy encoding.
const SAMPLE_BYTES: usize = 64 * 1024;

/// At most `max` bytes from the start, cut after a newline when there is
/// one in the second half (so no multi-byte sequence is split in typical
/// text).
fn sample_at_line_end(bytes: &[u8], max: usize) -> &[u8] {
    if bytes.len() <= max {
        return bytes;
    }
    let head = &bytes[..max];
    match head.iter().rposition(|&b| b == b'\n') {
        Some(i) if i > max / 2 => &head[..=i],
        _ => head,
    }
}

/// Cyrillic single-byte encodings tried, in order of preference on ties
/// (KOI8-R and KOI8-U agree on Russian text; KOI8-R is then named).
const CYRILLIC: [&Encoding; 6] = [
    WINDOWS_1251,
    KOI8_R,
    KOI8_U,
    IBM866,
    ISO_8859_5,
    X_MAC_CYRILLIC,
];

fn label(enc: &'static Encoding) -> &'static str {
    match enc.name() {
        "UTF-8" => "utf-8",
        "UTF-16LE" => "utf-16le",
        "UTF-16BE" => "utf-16be",
        "KOI8-R" => "koi8-r",
        "KOI8-U" => "koi8-u",
        "IBM866" => "ibm866",
        "ISO-8859-5" => "iso-8859-5",
        "x-mac-cyrillic" => "x-mac-cyrillic",
        // encoding_rs names are already lower-case for the windows-* family
        // and most others.
        other => other,
    }
}

/// NUL bytes or many C0 control characters mean binary data.
fn check_binary_bytes(source: &str, bytes: &[u8]) -> Result<(), IngestError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary {
            path: source.to_string(),
            reason: format!("NUL byte at offset {pos}"),
        });
    }
    let controls = bytes.iter().filter(|&&b| is_binary_control(b)).count();
    if controls > 0 && controls * 200 > bytes.len() {
        return Err(IngestError::Binary {
            path: source.to_string(),
            reason: format!("{controls} control bytes in {} bytes", bytes.len()),
        });
    }
    Ok(())
}

fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f)
}

/// Checks decoded text: no replacement characters, no control characters,
/// no mojibake.
fn check_text(source: &str, text: &str, enc: &'static Encoding) -> Result<(), IngestError> {
    let mut replacement = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        if c == '\u{fffd}' {
            replacement += 1;
        } else if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r' | '\u{0c}' | '\u{1b}')
            || c == '\u{7f}'
        {
            controls += 1;
        }
    }
    if replacement > 0 {
        return Err(IngestError::Encoding {
            path: source.to_string(),
            reason: format!(
                "decoded as {} but holds {replacement} U+FFFD replacement character(s): the text was damaged by an earlier wrong decoding",
                enc.name()
            ),
        });
    }
    if controls > 0 && (controls * 200 > text.len() || text.contains('\0')) {
        return Err(IngestError::Binary {
            path: source.to_string(),
            reason: format!(
                "{controls} control characters after decoding as {}",
                enc.name()
            ),
        });
    }
    if let Some(why) = plausibility_problem(text) {
        return Err(IngestError::Encoding {
            path: source.to_string(),
            reason: format!("decoded as {} but {why}", enc.name()),
        });
    }
    Ok(())
}

/// Why the text looks garbled, if it does.
fn plausibility_problem(text: &str) -> Option<String> {
    let stats = LetterStats::of(text);
    if stats.mojibake_pairs >= 4 && stats.mojibake_pairs * 10 > stats.cyrillic + stats.latin_ext {
        return Some(format!(
            "looks like mojibake ({} sequences such as \"Ð¾\" or \"Рѕ\" typical of UTF-8 read in a legacy code page)",
            stats.mojibake_pairs
        ));
    }
    if stats.cyrillic >= 20 && stats.common_ratio() < 0.35 {
        return Some(format!(
            "the Cyrillic letters look garbled (only {:.0}% are common letters, real text has about 60%)",
            stats.common_ratio() * 100.0
        ));
    }
    None
}

/// How much decoded text looks like Russian, Belarusian or Ukrainian:
/// the share of common letters plus half the share of lower-case letters,
/// scaled by the share of non-ASCII characters that are Cyrillic letters
/// (a wrong code page turns some letters into symbols). Text without
/// Cyrillic scores 0.
pub(crate) fn cyrillic_score(text: &str) -> f64 {
    let s = LetterStats::of(text);
    if s.cyrillic == 0 {
        return 0.0;
    }
    let lower = s.cyrillic_lower as f64 / s.cyrillic as f64;
    let coverage = s.cyrillic as f64 / s.non_ascii.max(1) as f64;
    let penalty = s.mojibake_pairs as f64 / s.cyrillic as f64;
    (s.common_ratio() + 0.5 * lower) * coverage - penalty
}

#[derive(Default)]
struct LetterStats {
    cyrillic: usize,
    cyrillic_lower: usize,
    cyrillic_common: usize,
    latin_ext: usize,
    non_ascii: usize,
    mojibake_pairs: usize,
}

impl LetterStats {
    fn of(text: &str) -> Self {
        let mut s = LetterStats::default();
        let mut prev = ' ';
        for c in text.chars() {
            if !c.is_ascii() {
                s.non_ascii += 1;
            }
            if is_cyrillic(c) {
                s.cyrillic += 1;
                if ('а'..='џ').contains(&c) || c > 'џ' && c.is_lowercase() {
                    s.cyrillic_lower += 1;
                }
                if is_common_cyrillic(c) {
                    s.cyrillic_common += 1;
                }
            } else if ('\u{00c0}'..='\u{024f}').contains(&c) {
                s.latin_ext += 1;
            }
            if matches!(prev, 'Р' | 'С' | 'Ð' | 'Ñ' | 'Ã' | 'Å' | 'Ä') && is_mojibake_tail(c)
            {
                s.mojibake_pairs += 1;
            }
            prev = c;
        }
        s
    }

    fn common_ratio(&self) -> f64 {
        if self.cyrillic == 0 {
            0.0
        } else {
            self.cyrillic_common as f64 / self.cyrillic as f64
        }
    }
}

fn is_cyrillic(c: char) -> bool {
    match c as u32 {
        0x400..=0x45f => true,
        0x460..=0x4ff => c.is_alphabetic(),
        _ => false,
    }
}

/// The most frequent letters of Russian, Belarusian and Ukrainian text
/// (together about 60% of letters), either case.
fn is_common_cyrillic(c: char) -> bool {
    matches!(
        c,
        'о' | 'а'
            | 'е'
            | 'и'
            | 'і'
            | 'н'
            | 'т'
            | 'с'
            | 'р'
            | 'в'
            | 'л'
            | 'к'
            | 'О'
            | 'А'
            | 'Е'
            | 'И'
            | 'І'
            | 'Н'
            | 'Т'
            | 'С'
            | 'Р'
            | 'В'
            | 'Л'
            | 'К'
    )
}

/// Characters that a UTF-8 continuation byte (0x80–0xBF) becomes when read
/// as Latin-1, Windows-1252 or Windows-1251.
fn is_mojibake_tail(c: char) -> bool {
    let u = c as u32;
    (0x80..=0xbf).contains(&u)
        || (0x400..=0x40f).contains(&u) && c != 'Ё'
        || (0x452..=0x45f).contains(&u) && !matches!(c, 'і' | 'ў' | 'ї' | 'є')
        || matches!(
            u,
            0x490
                | 0x491
                | 0x152
                | 0x153
                | 0x160
                | 0x161
                | 0x178
                | 0x17d
                | 0x17e
                | 0x192
                | 0x2c6
                | 0x2dc
        )
        || (0x2013..=0x203a).contains(&u)
        || matches!(u, 0x20ac | 0x2116 | 0x2122)
}

/// The charset declared in the first 1024 bytes by `<meta charset=…>`,
/// `<meta http-equiv=… content="…; charset=…">` or `<?xml … encoding=…?>`.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                b.to_ascii_lowercase() as char
            } else {
                ' '
            }
        })
        .collect();
    let value_after = |key: &str| -> Option<String> {
        let i = head.find(key)? + key.len();
        let rest = head[i..].trim_start_matches([' ', '"', '\'']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    };
    let label = if head.trim_start().starts_with("<?xml") {
        value_after("encoding=")
    } else {
        None
    }
    .or_else(|| {
        head.contains("<meta")
            .then(|| value_after("charset="))
            .flatten()
    })?;
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RU: &str = "Совместные учения вооружённых сил России и Беларуси прошли на полигоне под Барановичами, сообщило министерство обороны.";

    #[test]
    fn windows_1251_and_koi8r_are_told_apart() {
        let (cp1251, _, _) = WINDOWS_1251.encode(RU);
        let d = decode("t", &cp1251).expect("1251 decodes");
        assert_eq!(d.encoding, "windows-1251");
        assert_eq!(d.text, RU);
        let (koi, _, _) = KOI8_R.encode(RU);
        let d = decode("t", &koi).expect("koi8 decodes");
        assert_eq!(d.encoding, "koi8-r");
        assert_eq!(d.text, RU);
    }

    #[test]
    fn wrong_code_page_scores_lower() {
        let (koi, _, _) = KOI8_R.encode(RU);
        let (as1251, _, _) = WINDOWS_1251.decode(&koi);
        assert!(cyrillic_score(&as1251) < cyrillic_score(RU) - 0.5);
        assert!(plausibility_problem(&as1251).is_some());
        assert!(plausibility_problem(RU).is_none());
    }

    #[test]
    fn utf8_read_as_1251_is_mojibake() {
        let (garbled, _, _) = WINDOWS_1251.decode(RU.as_bytes());
        let why = plausibility_problem(&garbled).expect("mojibake detected");
        assert!(why.contains("mojibake"), "{why}");
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.decode(RU.as_bytes());
        assert!(plausibility_problem(&latin1).is_some());
        // Mojibake saved as UTF-8 is still refused.
        let err = decode("m.txt", garbled.as_bytes()).err().expect("refused");
        assert!(matches!(err, IngestError::Encoding { .. }), "{err}");
        assert!(err.to_string().starts_with("m.txt: "));
    }

    #[test]
    fn declared_meta_charset_is_honoured() {
        let html = format!(
            "<html><head><meta charset=\"windows-1251\"><title>x</title></head><body><p>{RU}</p></body></html>"
        );
        let (bytes, _, _) = WINDOWS_1251.encode(&html);
        let d = decode("p.html", &bytes).expect("decodes");
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.text.contains(RU));
        assert_eq!(
            declared_charset(b"<?xml version=\"1.0\" encoding='KOI8-R'?><rss>"),
            Some(KOI8_R)
        );
        assert_eq!(
            declared_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            ),
            Some(UTF_8)
        );
    }

    #[test]
    fn replacement_characters_and_binary_are_refused() {
        let err = decode("r.txt", "abc \u{fffd} def".as_bytes()).err();
        assert!(matches!(err, Some(IngestError::Encoding { .. })));
        let err = decode("b.txt", b"abc\0def").err();
        assert!(matches!(err, Some(IngestError::Binary { .. })));
        let err = decode("c.txt", b"\x01\x02\x03\x04abc").err();
        assert!(matches!(err, Some(IngestError::Binary { .. })));
    }

    #[test]
    fn polish_in_windows_1250_still_decodes() {
        let pl =
            "Ćwiczenia odbywają się w pobliżu Brześcia, a żołnierze ćwiczą przeprawę przez rzekę.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(pl);
        let d = decode("pl.txt", &bytes).expect("decodes");
        assert_eq!(d.text, pl);
    }
}
