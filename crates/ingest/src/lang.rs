//! Language identification: `lingua` restricted to the languages of the
//! region, split by script, with a letter-based tie-breaker.

use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

/// Bytes of the text looked at; enough for a stable verdict, and it keeps
/// detection fast on long documents.
const SAMPLE_BYTES: usize = 1200;
/// Bytes looked at first: the verdict stands when it is beyond doubt.
const QUICK_SAMPLE_BYTES: usize = 300;
/// Fewer letters than this is too little to call.
const MIN_LETTERS: usize = 8;
/// A lingua margin below this lets the letter evidence decide.
const TIE_MARGIN: f64 = 0.25;

fn cyrillic_detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&[
            Language::Russian,
            Language::Belarusian,
            Language::Ukrainian,
        ])
        .build()
    })
}

fn latin_detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&[
            Language::English,
            Language::Polish,
            Language::German,
            Language::French,
            Language::Lithuanian,
            Language::Latvian,
        ])
        .build()
    })
}

fn code(lang: Language) -> &'static str {
    match lang {
        Language::Russian => "ru",
        Language::Belarusian => "be",
        Language::Ukrainian => "uk",
        Language::English => "en",
        Language::Polish => "pl",
        Language::German => "de",
        Language::French => "fr",
        Language::Lithuanian => "lt",
        Language::Latvian => "lv",
    }
}

/// Detects the language of `text` as an ISO 639-1 code: one of en, ru,
/// be, uk, pl, de, fr, lt, lv. Returns `None` for very short or
/// non-linguistic text (fewer than 8 letters) and for other scripts.
///
/// Only the first 1,200 bytes are examined, and only the first 300 when
/// they settle it.
pub fn detect_language(text: &str) -> Option<&'static str> {
    let text = text.trim_start();
    // Most documents are called from their first few hundred bytes; a
    // longer start is read only when the short one leaves any doubt.
    let quick = crate::prefix_at_char_boundary(text, QUICK_SAMPLE_BYTES);
    if quick.len() < text.len() {
        if let Verdict::Sure(code) = verdict(quick) {
            return Some(code);
        }
    }
    match verdict(crate::prefix_at_char_boundary(text, SAMPLE_BYTES)) {
        Verdict::Sure(code) => Some(code),
        Verdict::Unsure(code) => code,
    }
}

/// What a sample says: a language beyond doubt (lingua's margin is wide
/// and the letters, where they speak, agree), or a best guess.
enum Verdict {
    Sure(&'static str),
    Unsure(Option<&'static str>),
}

fn verdict(sample: &str) -> Verdict {
    let counts = LetterCounts::of(sample);
    let letters = counts.cyrillic + counts.latin + counts.other;
    if letters < MIN_LETTERS || counts.other * 2 > letters {
        return Verdict::Unsure(None);
    }
    let (detector, by_letters) = if counts.cyrillic >= counts.latin {
        (cyrillic_detector(), counts.cyrillic_verdict())
    } else {
        (latin_detector(), counts.latin_verdict())
    };
    let confidences = detector.compute_language_confidence_values(sample);
    let top = confidences.first().copied();
    let second = confidences.get(1).map_or(0.0, |(_, c)| *c);
    match (top, by_letters) {
        (Some((lang, c)), letters) if c - second >= TIE_MARGIN => {
            let code = code(lang);
            if letters.is_none_or(|l| l == code) {
                Verdict::Sure(code)
            } else {
                Verdict::Unsure(Some(code))
            }
        }
        (_, Some(verdict)) => Verdict::Unsure(Some(verdict)),
        (Some((lang, c)), None) if c > 0.0 => Verdict::Unsure(Some(code(lang))),
        _ => Verdict::Unsure(None),
    }
}

/// Maps a declared language tag (`en-GB`, `ru_RU`, `BEL`) to an ISO 639-1
/// code; `None` if it is not a recognisable tag.
pub(crate) fn normalise_language_tag(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" | "eng" => "en",
        "ru" | "rus" => "ru",
        "be" | "bel" => "be",
        "uk" | "ukr" => "uk",
        "pl" | "pol" => "pl",
        "de" | "deu" | "ger" => "de",
        "fr" | "fra" | "fre" => "fr",
        "lt" | "lit" => "lt",
        "lv" | "lav" => "lv",
        "et" | "est" => "et",
        "ka" | "kat" | "geo" => "ka",
        "hy" | "hye" | "arm" => "hy",
        "az" | "aze" => "az",
        "kk" | "kaz" => "kk",
        "ro" | "ron" | "rum" => "ro",
        "cs" | "ces" | "cze" => "cs",
        "sk" | "slk" => "sk",
        other => {
            // Any other two-letter code is passed through as given.
            return match other.len() {
                2 if other.bytes().all(|b| b.is_ascii_lowercase()) => {
                    ISO_639_1.iter().find(|c| **c == other).copied()
                }
                _ => None,
            };
        }
    })
}

/// ISO 639-1 codes accepted as declared languages beyond the named ones.
const ISO_639_1: [&str; 40] = [
    "ar", "bg", "bs", "ca", "da", "el", "es", "fa", "fi", "ga", "he", "hi", "hr", "hu", "id", "is",
    "it", "ja", "ko", "ky", "mk", "mn", "ms", "nl", "no", "pt", "sl", "sq", "sr", "sv", "tg", "th",
    "tk", "tr", "tt", "ur", "uz", "vi", "zh", "cy",
];

#[derive(Default)]
struct LetterCounts {
    cyrillic: usize,
    latin: usize,
    other: usize,
    // Cyrillic markers.
    u_short: usize, // ў
    i_dot: usize,   // і
    uk_only: usize, // ї є ґ
    y_e: usize,     // ы э
    hard: usize,    // ъ
    i_ru_uk: usize, // и
    shch: usize,    // щ
    // Latin markers.
    pl: usize,
    de: usize,
    lt: usize,
    lv: usize,
    fr: usize,
}

impl LetterCounts {
    fn of(text: &str) -> Self {
        let mut n = LetterCounts::default();
        for c in text.chars() {
            if !c.is_alphabetic() {
                continue;
            }
            let lc = c.to_lowercase().next().unwrap_or(c);
            if ('\u{0400}'..='\u{04ff}').contains(&c) {
                n.cyrillic += 1;
                match lc {
                    'ў' => n.u_short += 1,
                    'і' => n.i_dot += 1,
                    'ї' | 'є' | 'ґ' => n.uk_only += 1,
                    'ы' | 'э' => n.y_e += 1,
                    'ъ' => n.hard += 1,
                    'и' => n.i_ru_uk += 1,
                    'щ' => n.shch += 1,
                    _ => {}
                }
            } else if c.is_ascii_alphabetic() || ('\u{00c0}'..='\u{024f}').contains(&c) {
                n.latin += 1;
                match lc {
                    'ą' | 'ę' | 'ł' | 'ś' | 'ź' | 'ż' | 'ń' | 'ć' => n.pl += 1,
                    'ä' | 'ö' | 'ü' | 'ß' => n.de += 1,
                    'ė' | 'į' | 'ų' => n.lt += 1,
                    'ā' | 'ē' | 'ī' | 'ņ' | 'ļ' | 'ķ' | 'ģ' => n.lv += 1,
                    'è' | 'ê' | 'ç' | 'à' | 'ù' | 'œ' | 'â' | 'î' | 'ô' | 'û' | 'ë' => {
                        n.fr += 1
                    }
                    _ => {}
                }
            } else {
                n.other += 1;
            }
        }
        n
    }

    /// Belarusian has ў, і, ы, э but no и, щ, ъ; Ukrainian has і, ї, є, ґ,
    /// и, щ but no ы, э, ъ; Russian has и, ы, э, ъ, щ but no і, ў.
    fn cyrillic_verdict(&self) -> Option<&'static str> {
        let ru_marks = self.y_e + self.hard;
        if self.u_short > 0 && self.i_ru_uk + self.shch + self.hard == 0 {
            Some("be")
        } else if self.uk_only > 0 && ru_marks == 0 {
            Some("uk")
        } else if self.i_dot > 0 && self.y_e > 0 && self.i_ru_uk == 0 {
            Some("be")
        } else if self.i_dot > 0 && self.i_ru_uk > 0 && ru_marks == 0 {
            Some("uk")
        } else if self.i_dot + self.u_short + self.uk_only == 0 && ru_marks > 0 {
            Some("ru")
        } else {
            None
        }
    }

    /// The language whose distinctive letters alone are present.
    fn latin_verdict(&self) -> Option<&'static str> {
        let groups = [
            (self.pl, "pl"),
            (self.de, "de"),
            (self.lt, "lt"),
            (self.lv, "lv"),
            (self.fr, "fr"),
        ];
        let mut present = groups.iter().filter(|(n, _)| *n > 0);
        match (present.next(), present.next()) {
            (Some((_, code)), None) => Some(code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsettled_start_is_read_further() {
        // 300 bytes of numbers and codes say nothing; the Russian after
        // them decides.
        let start = "2024-03-13 12:00 UTC 54.1 27.5 ID 4471-B ".repeat(8);
        let body = "Министерство обороны сообщило о прибытии эшелонов с техникой \
                    в Барановичи и Осиповичи для совместных учений. "
            .repeat(6);
        assert!(start.len() >= QUICK_SAMPLE_BYTES);
        assert_eq!(detect_language(&format!("{start}{body}")), Some("ru"));
        // And a clear start is enough on its own.
        let english = "Units of the Western Military District arrived at the airfield \
                       near Gomel on Monday, the ministry said. "
            .repeat(6);
        assert_eq!(detect_language(&format!("{english}{body}")), Some("en"));
    }

    #[test]
    fn headlines_from_the_probe() {
        let cases = [
            ("ru", "Минобороны сообщило о прибытии эшелонов в Барановичи"),
            ("be", "Вучэнні праходзяць на палігоне каля Брэста"),
            ("uk", "Міністерство оборони повідомило про рух техніки"),
            ("pl", "Ćwiczenia odbywają się w pobliżu Brześcia"),
            ("en", "Units arrived at the airfield near Gomel"),
            ("ru", "Колонна техники в Осиповичах"),
            ("be", "Калона тэхнікі ў Асіповічах"),
            ("uk", "Колона техніки в Осиповичах"),
            ("ru", "Учения Запад-2021"),
            ("be", "Вучэнні Захад-2021"),
            ("de", "Die Übung fand in der Nähe von Brest statt"),
            (
                "lt",
                "Pratybos vyko netoli Lietuvos sienos, pranešė kariuomenė",
            ),
        ];
        for (want, text) in cases {
            assert_eq!(detect_language(text), Some(want), "{text}");
        }
    }

    #[test]
    fn too_short_or_not_language() {
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("ok"), None);
        assert_eq!(
            detect_language("12:00 | 15.03.2024 | +375 29 123-45-67"),
            None
        );
        assert_eq!(
            detect_language("東京で演習が行われた東京で演習が行われた"),
            None
        );
    }

    #[test]
    fn tags() {
        assert_eq!(normalise_language_tag("en-GB"), Some("en"));
        assert_eq!(normalise_language_tag("ru_RU"), Some("ru"));
        assert_eq!(normalise_language_tag("BEL"), Some("be"));
        assert_eq!(normalise_language_tag("it"), Some("it"));
        assert_eq!(normalise_language_tag("xx"), None);
        assert_eq!(normalise_language_tag("english"), None);
    }
}
