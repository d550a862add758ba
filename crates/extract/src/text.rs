//! Text machinery shared by every matcher: folding, tokens with character
//! offsets, sentences and clauses, light stemming and transliteration.

use unicode_normalization::UnicodeNormalization;

/// The script a word is written in, as far as matching cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Digits only.
    Digits,
    /// Anything else (mixed, other scripts).
    Other,
}

/// One word or number of a text.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Character offset of the first character.
    pub cstart: usize,
    /// Character offset one past the last character.
    pub cend: usize,
    /// Folded form (NFKC, lower case, ё→е, apostrophes folded).
    /// Inline up to 24 bytes: most words need no allocation.
    pub folded: compact_str::CompactString,
    /// Script of the word.
    pub script: Script,
    /// Every letter is upper case (acronyms).
    pub all_caps: bool,
    /// First letter is upper case.
    pub capitalised: bool,
    /// Index of the sentence the token is in.
    pub sentence: usize,
}

/// A sentence (or a heading / list item line) of a text.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte offsets.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Range of token indices in the sentence.
    pub tokens: std::ops::Range<usize>,
    /// Index of the paragraph (block separated by a blank line or a line
    /// break before a heading/list item).
    pub paragraph: usize,
    /// The sentence stands on a line of its own and looks like a heading.
    pub heading: bool,
    /// Character offset of `start`.
    pub cstart: usize,
    /// Character offset of `end`.
    pub cend: usize,
}

/// A text cut into tokens and sentences, with byte→char offset mapping.
pub struct Analysed<'t> {
    /// The text itself.
    pub text: &'t str,
    /// Words and numbers in order.
    pub tokens: Vec<Token>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// The distinct folded words of the text.
    pub forms: Forms,
}

/// The distinct folded words ("forms") of a text. Tokens spelt alike share
/// a form, so that what depends only on the word (its stem, its IDs in
/// the lexicons) is worked out once per form instead of once per token.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// Each token's form (an index into `first_token`).
    pub of_token: Vec<u32>,
    /// Each form's first token, whose `folded` spells the form.
    pub first_token: Vec<u32>,
}

impl Forms {
    fn of(tokens: &[Token]) -> Forms {
        let mut index: crate::hash::FastMap<&str, u32> = crate::hash::FastMap::default();
        index.reserve(tokens.len() / 2);
        let mut forms = Forms {
            of_token: Vec::with_capacity(tokens.len()),
            first_token: Vec::new(),
        };
        for (i, t) in tokens.iter().enumerate() {
            let next = forms.first_token.len() as u32;
            let form = *index.entry(t.folded.as_str()).or_insert(next);
            if form == next {
                forms.first_token.push(i as u32);
            }
            forms.of_token.push(form);
        }
        forms
    }

    /// Number of distinct forms.
    pub fn len(&self) -> usize {
        self.first_token.len()
    }

    /// Whether the text has no words.
    pub fn is_empty(&self) -> bool {
        self.first_token.is_empty()
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '‘' | 'ʹ')
}

/// Folds one character for matching: lower case, ё→е, apostrophes to `'`,
/// dashes to `-`.
#[inline]
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(if c == '`' {
            '\''
        } else {
            c.to_ascii_lowercase()
        });
        return;
    }
    // The basic Russian alphabet is its own normal form: lower case is a
    // fixed offset (checked against the general path in the tests).
    match c {
        'а'..='я' => out.push(c),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        _ => fold_char_general(c, out),
    }
}

#[inline(never)]
fn fold_char_general(c: char, out: &mut String) {
    match c {
        'ё' | 'Ё' => out.push('е'),
        'ї' | 'Ї' => out.push('ї'),
        c if is_apostrophe(c) => out.push('\''),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => out.push('-'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => {
            let mut buf = [0u8; 4];
            let s: &str = c.encode_utf8(&mut buf);
            for n in s.nfkc() {
                for l in n.to_lowercase() {
                    out.push(if l == 'ё' { 'е' } else { l });
                }
            }
        }
    }
}

/// Folds a string (see [`fold_char`]).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn script_of(word: &str) -> Script {
    let mut latin = false;
    let mut cyr = false;
    let mut digit = false;
    let mut other = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if c == '\'' || c == '-' {
        } else if ('\u{0400}'..='\u{052F}').contains(&c) {
            cyr = true;
        } else if c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c)) {
            latin = true;
        } else {
            other = true;
        }
    }
    match (latin, cyr, digit, other) {
        (true, false, _, false) => Script::Latin,
        (false, true, _, false) => Script::Cyrillic,
        (false, false, true, false) => Script::Digits,
        _ => Script::Other,
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || matches!(c, '\u{0300}'..='\u{036F}')
    }
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "st", "vs", "etc",
    "no", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "г", "гг", "т", "тыс", "млн", "млрд", "им", "ул", "r", "ok", "tys", "mln", "mld", "ст",
    "п", "пп", "д", "ген", "см",
];

/// A position in a text read a character at a time, with ASCII decoded
/// without the general UTF-8 path.
struct Cursor<'t> {
    text: &'t str,
    /// Byte offset of the next character (always a char boundary).
    pos: usize,
}

impl<'t> Cursor<'t> {
    /// The next character and its byte offset, without moving.
    #[inline]
    fn peek(&self) -> Option<(usize, char)> {
        let b = *self.text.as_bytes().get(self.pos)?;
        if b < 0x80 {
            Some((self.pos, b as char))
        } else {
            self.text[self.pos..].chars().next().map(|c| (self.pos, c))
        }
    }

    /// The next character and its byte offset.
    #[inline]
    fn next(&mut self) -> Option<(usize, char)> {
        let next = self.peek()?;
        self.pos += next.1.len_utf8();
        Some(next)
    }

    /// The ASCII letters and digits from here on (not consumed).
    #[inline]
    fn ascii_alphanumeric_run(&self) -> &'t [u8] {
        let rest = &self.text.as_bytes()[self.pos..];
        let n = rest
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        &rest[..n]
    }
}

/// Cuts a text into tokens and sentences. Never fails; offsets always lie
/// on character boundaries.
pub fn analyse(text: &str) -> Analysed<'_> {
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 6);
    let mut sentences = Vec::new();
    let mut sentence_start = 0usize;
    let mut sentence_tok = 0usize;
    let mut paragraph = 0usize;
    let mut chars = Cursor { text, pos: 0 };
    let mut cpos = 0usize;
    let mut line_start = true;
    let mut line_tok = 0usize; // index of the first token on the current line
    let mut pending_break: Option<usize> = None; // byte offset where a sentence ends
    let mut folded = String::new(); // the word being folded (reused)

    let close = |sentences: &mut Vec<Sentence>,
                 tokens: &Vec<Token>,
                 start: usize,
                 end: usize,
                 tok_from: usize,
                 paragraph: usize| {
        let slice = &text[start..end];
        if slice.trim().is_empty() {
            return;
        }
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        sentences.push(Sentence {
            start: start + lead,
            end: end - trail,
            tokens: tok_from..tokens.len(),
            paragraph,
            heading: false,
            cstart: 0,
            cend: 0,
        });
    };

    while let Some((i, c)) = chars.next() {
        if let Some(brk) = pending_break.take() {
            // A sentence ends at `brk` if what follows starts a new one.
            if c.is_whitespace()
                || c == '"'
                || c == '“'
                || c == '«'
                || c.is_uppercase()
                || c.is_numeric()
                || c == '-'
            {
                for t in &mut tokens[sentence_tok..] {
                    t.sentence = sentences.len();
                }
                close(
                    &mut sentences,
                    &tokens,
                    sentence_start,
                    brk,
                    sentence_tok,
                    paragraph,
                );
                sentence_start = brk;
                sentence_tok = tokens.len();
            }
        }
        if c == '\n' {
            // Line breaks end sentences: headings, list items and paragraphs.
            for t in &mut tokens[sentence_tok..] {
                t.sentence = sentences.len();
            }
            close(
                &mut sentences,
                &tokens,
                sentence_start,
                i,
                sentence_tok,
                paragraph,
            );
            sentence_start = i + 1;
            sentence_tok = tokens.len();
            if line_start || matches!(chars.peek(), Some((_, '\n'))) {
                paragraph += 1;
            } else if let Some((_, next)) = chars.peek() {
                if !next.is_lowercase() {
                    paragraph += 1;
                }
            }
            line_start = true;
            line_tok = tokens.len();
            cpos += 1;
            continue;
        }
        if !c.is_whitespace() {
            line_start = false;
        }
        if is_word_char(c) {
            let start = i;
            let cstart = cpos;
            let mut end = i + c.len_utf8();
            cpos += 1;
            folded.clear();
            fold_char(c, &mut folded);
            let mut upper = c.is_uppercase() as usize;
            let mut lower = c.is_lowercase() as usize;
            let capitalised = c.is_uppercase();
            loop {
                // ASCII letters and digits, the common case, a byte at a time.
                let run = chars.ascii_alphanumeric_run();
                if !run.is_empty() {
                    for &b in run {
                        folded.push(b.to_ascii_lowercase() as char);
                        upper += b.is_ascii_uppercase() as usize;
                        lower += b.is_ascii_lowercase() as usize;
                    }
                    cpos += run.len();
                    chars.pos += run.len();
                    end = chars.pos;
                }
                match chars.peek() {
                    Some((j, d)) if is_word_char(d) => {
                        chars.next();
                        fold_char(d, &mut folded);
                        upper += d.is_uppercase() as usize;
                        lower += d.is_lowercase() as usize;
                        end = j + d.len_utf8();
                        cpos += 1;
                    }
                    Some((j, d)) if is_apostrophe(d) => {
                        // Keep an apostrophe inside a word (O'Brien, сям'я, Russia's).
                        let after = text[j + d.len_utf8()..].chars().next();
                        if after.is_some_and(|a| a.is_alphabetic()) {
                            chars.next();
                            fold_char(d, &mut folded);
                            end = j + d.len_utf8();
                            cpos += 1;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            let script = script_of(&folded);
            tokens.push(Token {
                start,
                end,
                cstart,
                cend: cpos,
                folded: compact_str::CompactString::from(folded.as_str()),
                script,
                all_caps: upper >= 2 && lower == 0
                    || (upper == 1 && lower == 0 && end - start == 1),
                capitalised,
                sentence: 0,
            });
            continue;
        }
        cpos += 1;
        if matches!(c, '.' | '!' | '?' | '…') {
            let prev = tokens.last();
            let list_marker = tokens.len() == line_tok + 1
                && prev.is_some_and(|t| {
                    t.script == Script::Digits
                        || t.folded.chars().count() == 1
                        || t.folded.chars().all(|r| matches!(r, 'i' | 'v' | 'x'))
                });
            let is_abbrev = c == '.'
                && (list_marker
                    || prev.is_some_and(|t| {
                        t.end == i
                            && (ABBREVIATIONS.contains(&t.folded.as_str())
                                || (t.folded.chars().count() == 1
                                    && t.capitalised
                                    && t.script != Script::Digits))
                    }));
            let is_decimal = c == '.'
                && prev.is_some_and(|t| t.end == i && t.script == Script::Digits)
                && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit());
            if !is_abbrev && !is_decimal {
                // Take closing quotes/brackets with the sentence.
                let mut end = i + c.len_utf8();
                while let Some((j, d)) = chars.peek() {
                    if matches!(d, '"' | '”' | '»' | ')' | '’' | '.' | '!' | '?') {
                        chars.next();
                        cpos += 1;
                        end = j + d.len_utf8();
                    } else {
                        break;
                    }
                }
                pending_break = Some(end);
            }
        }
    }
    for t in &mut tokens[sentence_tok..] {
        t.sentence = sentences.len();
    }
    close(
        &mut sentences,
        &tokens,
        sentence_start,
        text.len(),
        sentence_tok,
        paragraph,
    );
    // Fix sentence indices (closing may skip empty slices).
    for (si, s) in sentences.iter().enumerate() {
        for t in &mut tokens[s.tokens.clone()] {
            t.sentence = si;
        }
    }
    set_char_offsets(text, &mut sentences);
    let forms = Forms::of(&tokens);
    let mut analysed = Analysed {
        text,
        tokens,
        sentences,
        forms,
    };
    mark_headings(&mut analysed);
    analysed
}

/// Fills the character offsets of sentence bounds in one pass over the text.
fn set_char_offsets(text: &str, sentences: &mut [Sentence]) {
    let mut bounds: Vec<(usize, usize, bool)> = Vec::with_capacity(sentences.len() * 2);
    for (i, s) in sentences.iter().enumerate() {
        bounds.push((s.start, i, true));
        bounds.push((s.end, i, false));
    }
    bounds.sort_unstable();
    let mut chars = 0usize;
    let mut byte = 0usize;
    for (at, i, is_start) in bounds {
        chars += text[byte..at].chars().count();
        byte = at;
        if is_start {
            sentences[i].cstart = chars;
        } else {
            sentences[i].cend = chars;
        }
    }
}

fn mark_headings(a: &mut Analysed<'_>) {
    let text = a.text;
    for s in &mut a.sentences {
        let line_alone = (s.start == 0 || text[..s.start].ends_with('\n'))
            && (s.end == text.len() || text[s.end..].starts_with('\n'));
        let body = &text[s.start..s.end];
        let words = s.tokens.len();
        s.heading = line_alone && words <= 12 && !body.ends_with('.') && !body.starts_with('-');
    }
}

/// Which stemming rules apply to Latin-script words of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatinRules {
    /// English: possessives and plural -s.
    English,
    /// Polish case endings.
    Polish,
}

const CYRILLIC_ENDINGS: &[&str] = &[
    "иями", "ями", "ами", "амі", "ямі", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "ией",
    "иях", "ах", "ях", "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю",
    "ом", "ем", "ам", "ям", "ов", "ев", "ью", "ия", "ии", "ию", "ою", "ею", "ів", "ої", "ій", "ая",
    "ай", "ых", "их", "ым", "им", "а", "я", "о", "е", "и", "ы", "у", "ю", "ь", "й", "і", "ї", "ў",
    "є",
];

const POLISH_ENDINGS: &[&str] = &[
    "ami", "ach", "owi", "iem", "ów", "om", "ie", "ia", "iu", "ią", "ię", "ej", "ym", "im", "em",
    "ą", "ę", "a", "e", "i", "o", "u", "y",
];

fn strip_longest<'a>(word: &'a str, endings: &[&str], min_stem: usize) -> &'a str {
    let n = word.chars().count();
    for e in endings {
        if let Some(stem) = word.strip_suffix(e) {
            if n - e.chars().count() >= min_stem {
                return stem;
            }
        }
    }
    word
}

/// The matching key of a folded word as a prefix of the word and a
/// replacement ending (Polish soft consonants): the key is
/// `stem + ending`. Allocation-free form of [`stem_into`].
pub fn stem_parts(folded: &str, script: Script, latin: LatinRules) -> (&str, &'static str) {
    match script {
        Script::Cyrillic => (strip_longest(folded, CYRILLIC_ENDINGS, 3), ""),
        Script::Latin => match latin {
            LatinRules::English => {
                let w = folded
                    .strip_suffix("'s")
                    .or_else(|| folded.strip_suffix('\''))
                    .unwrap_or(folded);
                let n = w.chars().count();
                if n > 4
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !w.ends_with("us")
                    && !w.ends_with("is")
                {
                    (&w[..w.len() - 1], "")
                } else {
                    (w, "")
                }
            }
            LatinRules::Polish => {
                let w = folded;
                let soft = match w.chars().last() {
                    Some('ś') => Some("s"),
                    Some('ć') => Some("c"),
                    Some('ń') => Some("n"),
                    Some('ź') => Some("z"),
                    _ => None,
                };
                if let Some(hard) = soft {
                    let cut = w.len() - w.chars().last().map_or(0, char::len_utf8);
                    (&w[..cut], hard)
                } else {
                    (strip_longest(w, POLISH_ENDINGS, 3), "")
                }
            }
        },
        _ => (folded, ""),
    }
}

/// The matching key of a folded word: case endings stripped so that
/// inflected forms of a name share one key.
pub fn stem_into(folded: &str, script: Script, latin: LatinRules, out: &mut String) {
    out.clear();
    let (stem, ending) = stem_parts(folded, script, latin);
    out.push_str(stem);
    out.push_str(ending);
}

/// Convenience wrapper around [`stem_into`].
pub fn stem(folded: &str, script: Script, latin: LatinRules) -> String {
    let mut out = String::new();
    stem_into(folded, script, latin, &mut out);
    out
}

/// Latin transliteration of folded Cyrillic (BGN/PCGN-like, lower case),
/// used to let Latin-script text match Cyrillic aliases.
pub fn transliterate(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        let t = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' => "ye",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'і' => "i",
            'ї' => "yi",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ў' => "w",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => "",
            'ы' => "y",
            'ь' => "",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            '\'' => "",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(w: &str, latin: LatinRules) -> String {
        let f = fold(w);
        stem(&f, script_of(&f), latin)
    }

    #[test]
    fn fast_folding_paths_agree_with_the_general_one() {
        for c in ('\u{0}'..='\u{052F}').filter(|c| !c.is_control()) {
            let (mut fast, mut general) = (String::new(), String::new());
            fold_char(c, &mut fast);
            if c.is_ascii() {
                general.push(if c == '`' {
                    '\''
                } else {
                    c.to_ascii_lowercase()
                });
            } else {
                fold_char_general(c, &mut general);
            }
            assert_eq!(fast, general, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn russian_case_forms_share_a_key() {
        for group in [
            &["Беларусь", "Беларуси", "Беларусью"][..],
            &["Белоруссия", "Белоруссии", "Белоруссией", "Белоруссию"],
            &["Барановичи", "Барановичах", "Барановичами"],
            &["Осиповичи", "Осиповичами", "Осиповичах"],
            &["Москва", "Москвы", "Москве", "Москвой"],
            &["Россия", "России", "Россией", "Россию"],
        ] {
            let k = key(group[0], LatinRules::English);
            for w in group {
                assert_eq!(key(w, LatinRules::English), k, "{w} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn polish_case_forms_share_a_key() {
        for group in [
            &["Białoruś", "Białorusi", "Białorusią"][..],
            &["Rosja", "Rosji", "Rosją", "Rosję"],
            &["Mińsk", "Mińsku"],
        ] {
            let k = key(group[0], LatinRules::Polish);
            for w in group {
                assert_eq!(key(w, LatinRules::Polish), k, "{w}");
            }
        }
    }

    #[test]
    fn english_possessives_and_plurals_fold_but_belarus_stays() {
        assert_eq!(key("Russia's", LatinRules::English), "russia");
        assert_eq!(key("Iskanders", LatinRules::English), "iskander");
        assert_eq!(key("Belarus", LatinRules::English), "belarus");
        assert_eq!(key("Belarus'", LatinRules::English), "belarus");
    }

    #[test]
    fn folding_handles_yo_quotes_dashes_and_compatibility_forms() {
        assert_eq!(fold("Ёлки’s — ＡＢ"), "елки's - ab");
    }

    #[test]
    fn tokens_carry_char_offsets_and_sentences_split_sensibly() {
        let text = "Минск, 5 мая. Россия и U.S. troops met at 3.5 km.\nII. Next steps\nDone";
        let a = analyse(text);
        let words: Vec<&str> = a.tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(&words[..5], &["Минск", "5", "мая", "Россия", "и"]);
        assert_eq!(a.tokens[3].cstart, 14);
        let sentences: Vec<&str> = a.sentences.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(
            sentences,
            vec![
                "Минск, 5 мая.",
                "Россия и U.S. troops met at 3.5 km.",
                "II. Next steps",
                "Done"
            ]
        );
        assert!(a.sentences[2].heading);
    }

    #[test]
    fn transliteration_gives_common_latin_forms() {
        assert_eq!(transliterate("лукашенко"), "lukashenko");
        assert_eq!(transliterate("щит"), "shchit");
    }
}
