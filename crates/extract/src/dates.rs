//! Time expressions: absolute dates in English, Russian, Belarusian,
//! Ukrainian and Polish forms, months, years, ranges and relative
//! expressions resolved against the document's publication date. The words
//! come from `data/rules/dates.toml`.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;
use watchfloor_model::{DateSpan, TimePrecision};

use crate::lexicon::FastMap;
use crate::phrase::{DocWords, Vocabulary};
use crate::text::{Analysed, Script};
use crate::KnowledgeError;

#[derive(Deserialize)]
struct Relative {
    phrase: String,
    unit: String,
    offset: i32,
}

#[derive(Deserialize, Default)]
struct Ago {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    units: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct LanguageDates {
    months: Vec<Vec<String>>,
    #[serde(default)]
    year_words: Vec<String>,
    #[serde(default)]
    relative: Vec<Relative>,
    #[serde(default)]
    weekdays: Vec<Vec<String>>,
    #[serde(default)]
    weekday_after: Vec<String>,
    #[serde(default)]
    ago: Ago,
    #[serde(default)]
    since: Vec<String>,
    #[serde(default)]
    between: Vec<String>,
    #[serde(default)]
    and: Vec<String>,
    #[serde(default)]
    from: Vec<String>,
    #[serde(default)]
    to: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

fn unit(name: &str) -> Option<Unit> {
    Some(match name {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        _ => return None,
    })
}

/// The date lexicons of every language.
#[derive(Default)]
pub struct DateLexicon {
    months: FastMap<String, (u8, bool)>, // folded word → (month 1-12, is English)
    year_words: Vec<String>,
    relative: Vec<(Vec<String>, Unit, i32)>,
    /// Day names (folded, the forms a date takes): 0 Monday … 6 Sunday,
    /// and whether a word of `weekday_after` must come right before.
    weekdays: FastMap<String, (u8, bool)>,
    /// Words a weekday comes after ("в среду", "w środę").
    weekday_after: Vec<String>,
    /// Indices into `relative` (in its order) by the phrase's first word.
    relative_by_first: FastMap<String, Vec<usize>>,
    /// Every word an expression may start with other than a number: its
    /// month (if it names one) and whether a relative phrase starts with it
    /// — one lookup per distinct word of a text.
    starters: FastMap<String, (Option<(u8, bool)>, bool)>,
    /// The same by word ID of the vocabulary linked with
    /// [`DateLexicon::link`] (0: none).
    vocabulary: u64,
    starter_of_word: Vec<(Option<(u8, bool)>, bool)>,
    ago_words: Vec<Vec<String>>,
    unit_words: FastMap<String, Unit>,
    since: Vec<Vec<String>>,
    between: Vec<Vec<String>>,
    and: Vec<Vec<String>>,
    from: Vec<Vec<String>>,
    to: Vec<Vec<String>>,
}

fn words(phrase: &str) -> Vec<String> {
    crate::text::fold(phrase)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl DateLexicon {
    /// Numbers every word an expression may start with in `vocabulary`,
    /// so that a document's words, looked up there once, say whether a
    /// date may start with them without a second lookup.
    pub fn link(&mut self, vocabulary: &mut Vocabulary) {
        self.starter_of_word =
            vocabulary.table_of(self.starters.iter().map(|(w, &s)| (w.as_str(), s)));
        self.vocabulary = vocabulary.identity();
    }

    /// Token `i`'s month (and whether it is English) and whether a
    /// relative expression may start with it.
    fn starter(&self, words: &DocWords<'_>, i: usize, folded: &str) -> (Option<(u8, bool)>, bool) {
        if self.vocabulary == words.vocabulary() {
            let id = words.folded_id(i) as usize;
            self.starter_of_word.get(id).copied().unwrap_or_default()
        } else {
            self.starters.get(folded).copied().unwrap_or_default()
        }
    }

    /// Adds one `dates.toml` (`[lang]` tables).
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), KnowledgeError> {
        let parsed: BTreeMap<String, LanguageDates> =
            toml::from_str(text).map_err(|e| KnowledgeError::Toml {
                file: file.to_string(),
                message: e.to_string(),
            })?;
        for (lang, l) in parsed {
            if l.months.len() != 12 {
                return Err(KnowledgeError::Invalid {
                    file: file.to_string(),
                    message: format!("[{lang}] has {} month lists, not 12", l.months.len()),
                });
            }
            for (i, forms) in l.months.iter().enumerate() {
                for f in forms {
                    for w in words(f) {
                        self.months.entry(w).or_insert((i as u8 + 1, lang == "en"));
                    }
                }
            }
            self.year_words
                .extend(l.year_words.iter().flat_map(|w| words(w)));
            for r in &l.relative {
                let u = unit(&r.unit).ok_or_else(|| KnowledgeError::Invalid {
                    file: file.to_string(),
                    message: format!(
                        "[{lang}] relative {:?} has unknown unit {:?}",
                        r.phrase, r.unit
                    ),
                })?;
                self.relative.push((words(&r.phrase), u, r.offset));
            }
            if !l.weekdays.is_empty() && l.weekdays.len() != 7 {
                return Err(KnowledgeError::Invalid {
                    file: file.to_string(),
                    message: format!("[{lang}] has {} weekday lists, not 7", l.weekdays.len()),
                });
            }
            let needs_after = !l.weekday_after.is_empty();
            for (day, forms) in l.weekdays.iter().enumerate() {
                for f in forms {
                    let slot = self
                        .weekdays
                        .entry(crate::text::fold(f))
                        .or_insert((day as u8, needs_after));
                    slot.1 |= needs_after;
                }
            }
            self.weekday_after
                .extend(l.weekday_after.iter().map(|w| crate::text::fold(w)));
            self.ago_words.extend(l.ago.words.iter().map(|w| words(w)));
            for (name, forms) in &l.ago.units {
                if let Some(u) = unit(name) {
                    for f in forms {
                        self.unit_words.insert(crate::text::fold(f), u);
                    }
                }
            }
            self.since.extend(l.since.iter().map(|w| words(w)));
            self.between.extend(l.between.iter().map(|w| words(w)));
            self.and.extend(l.and.iter().map(|w| words(w)));
            self.from.extend(l.from.iter().map(|w| words(w)));
            self.to.extend(l.to.iter().map(|w| words(w)));
        }
        // Longest relative phrases first.
        self.relative.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        self.relative_by_first.clear();
        for (n, (words, _, _)) in self.relative.iter().enumerate() {
            if let Some(first) = words.first() {
                self.relative_by_first
                    .entry(first.clone())
                    .or_default()
                    .push(n);
            }
        }
        self.starters.clear();
        for (w, &m) in &self.months {
            self.starters.entry(w.clone()).or_default().0 = Some(m);
        }
        for w in self.relative_by_first.keys().chain(self.weekdays.keys()) {
            self.starters.entry(w.clone()).or_default().1 = true;
        }
        Ok(())
    }
}

/// A time expression found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Sentence it is in.
    pub sentence: usize,
    /// What it means.
    pub span: DateSpan,
    /// For a day named by its weekday alone ("on Tuesday"), which `span`
    /// takes as the last such day up to the document date (news report
    /// what happened): the next such day after it, for what is announced.
    pub ahead: Option<DateSpan>,
}

fn ymd(y: i16, m: i8, d: i8) -> Option<Date> {
    Date::new(y, m, d).ok()
}

fn span_of(start: Date, end: Date, precision: TimePrecision) -> DateSpan {
    DateSpan {
        start: start.to_string(),
        end: end.to_string(),
        precision,
    }
}

fn month_span(y: i16, m: i8) -> Option<DateSpan> {
    let start = ymd(y, m, 1)?;
    Some(span_of(start, start.last_of_month(), TimePrecision::Month))
}

fn year_span(y: i16) -> Option<DateSpan> {
    Some(span_of(ymd(y, 1, 1)?, ymd(y, 12, 31)?, TimePrecision::Year))
}

struct Scan<'a, 't> {
    lex: &'a DateLexicon,
    a: &'a Analysed<'t>,
    /// Each token's month entry, looked up once.
    months: Vec<Option<(u8, bool)>>,
}

impl Scan<'_, '_> {
    fn tok(&self, i: usize) -> Option<&crate::text::Token> {
        self.a.tokens.get(i)
    }

    fn gap(&self, i: usize) -> &str {
        // Text between token i-1 and token i.
        match (i.checked_sub(1).and_then(|p| self.tok(p)), self.tok(i)) {
            (Some(p), Some(t)) => &self.a.text[p.end..t.start],
            _ => "",
        }
    }

    fn same_sentence(&self, i: usize, j: usize) -> bool {
        matches!((self.tok(i), self.tok(j)), (Some(a), Some(b)) if a.sentence == b.sentence)
    }

    fn number(&self, i: usize) -> Option<u32> {
        let t = self.tok(i)?;
        if t.script != Script::Digits || t.folded.len() > 4 {
            return None;
        }
        t.folded.parse().ok()
    }

    fn year(&self, i: usize) -> Option<i16> {
        let t = self.tok(i)?;
        if t.folded.len() != 4 {
            return None;
        }
        let y = self.number(i)?;
        (1900..=2100).contains(&y).then_some(y as i16)
    }

    fn month(&self, i: usize) -> Option<u8> {
        let t = self.tok(i)?;
        let (m, english) = self.months[i]?;
        if english && !t.capitalised {
            return None;
        }
        // A capitalised "May" must sit beside a number or a preposition.
        if english && t.folded == "may" {
            let next_num = self.number(i + 1).is_some();
            let prev = i
                .checked_sub(1)
                .and_then(|p| self.tok(p))
                .map(|p| p.folded.as_str());
            if !next_num
                && !matches!(
                    prev,
                    Some(
                        "in" | "of" | "since" | "until" | "early" | "late" | "mid" | "from" | "by"
                    )
                )
            {
                return None;
            }
        }
        Some(m)
    }

    fn phrase_ends_before(&self, phrases: &[Vec<String>], at: usize) -> Option<usize> {
        for p in phrases {
            if p.is_empty() || p.len() > at {
                continue;
            }
            let start = at - p.len();
            if p.iter()
                .enumerate()
                .all(|(k, w)| self.tok(start + k).is_some_and(|t| t.folded == *w))
                && self.same_sentence(start, at)
            {
                return Some(start);
            }
        }
        None
    }

    fn phrase_at(&self, phrases: &[Vec<String>], at: usize) -> Option<usize> {
        for p in phrases {
            if !p.is_empty()
                && p.iter()
                    .enumerate()
                    .all(|(k, w)| self.tok(at + k).is_some_and(|t| t.folded == *w))
                && self.same_sentence(at, at + p.len() - 1)
            {
                return Some(at + p.len());
            }
        }
        None
    }

    fn skip_year_words(&self, mut i: usize) -> usize {
        while self
            .tok(i)
            .is_some_and(|t| self.lex.year_words.iter().any(|w| *w == t.folded))
            && self.same_sentence(i - 1, i)
        {
            i += 1;
        }
        i
    }

    /// An absolute date starting at token i: (span, one past last token).
    fn absolute(&self, i: usize, context_year: Option<i16>) -> Option<(DateSpan, usize)> {
        let t = self.tok(i)?;
        // ISO 2021-09-10 and 15.05.1992 / 15/05/1992.
        if let (Some(a), Some(b), Some(c)) =
            (self.number(i), self.number(i + 1), self.number(i + 2))
        {
            let (g1, g2) = (self.gap(i + 1), self.gap(i + 2));
            if t.folded.len() == 4 && g1 == "-" && g2 == "-" {
                if let Some(d) = ymd(a as i16, b as i8, c as i8) {
                    return Some((span_of(d, d, TimePrecision::Day), i + 3));
                }
            }
            if ((g1 == "." && g2 == ".") || (g1 == "/" && g2 == "/"))
                && self.tok(i + 2).is_some_and(|x| x.folded.len() == 4)
            {
                {
                    if let Some(d) = ymd(c as i16, b as i8, a as i8) {
                        return Some((
                            span_of(d, d, TimePrecision::Day),
                            self.skip_year_words(i + 3),
                        ));
                    }
                }
            }
        }
        // 15 May 1992 / 15 мая 1992 года / 15 May.
        if let (Some(day), Some(m)) = (self.number(i), self.month(i + 1)) {
            if (1..=31).contains(&day) && t.folded.len() <= 2 && self.same_sentence(i, i + 1) {
                if let Some(y) = self.year(i + 2) {
                    let d = ymd(y, m as i8, day as i8)?;
                    return Some((
                        span_of(d, d, TimePrecision::Day),
                        self.skip_year_words(i + 3),
                    ));
                }
                let y = context_year?;
                let d = ymd(y, m as i8, day as i8)?;
                return Some((span_of(d, d, TimePrecision::Day), i + 2));
            }
        }
        if let Some(m) = self.month(i) {
            // May 15, 1992 / May 15.
            if let Some(day) = self.number(i + 1).filter(|d| (1..=31).contains(d)) {
                if self.tok(i + 1).is_some_and(|x| x.folded.len() <= 2) {
                    if let Some(y) = self.year(i + 2).filter(|_| self.same_sentence(i, i + 2)) {
                        let d = ymd(y, m as i8, day as i8)?;
                        return Some((span_of(d, d, TimePrecision::Day), i + 3));
                    }
                    if let Some(y) = context_year {
                        let d = ymd(y, m as i8, day as i8)?;
                        return Some((span_of(d, d, TimePrecision::Day), i + 2));
                    }
                }
            }
            // May 2002 / мая 2002 года.
            if let Some(y) = self.year(i + 1).filter(|_| self.same_sentence(i, i + 1)) {
                return Some((month_span(y, m as i8)?, self.skip_year_words(i + 2)));
            }
            // A month alone takes the year in force.
            let y = context_year?;
            return Some((month_span(y, m as i8)?, i + 1));
        }
        if let Some(y) = self.year(i) {
            // Not part of a longer number (1,2021 or 3.2021).
            let g = self.gap(i);
            if (g == "," || g == ".")
                && i > 0
                && self.tok(i - 1).is_some_and(|p| p.script == Script::Digits)
            {
                return None;
            }
            return Some((year_span(y)?, self.skip_year_words(i + 1)));
        }
        None
    }

    /// A day number usable in a date (1–31, one or two digits).
    fn day(&self, i: usize) -> Option<u32> {
        self.number(i)
            .filter(|d| (1..=31).contains(d) && self.tok(i).is_some_and(|t| t.folded.len() <= 2))
    }

    /// After token `at`: a dash, or a "to" word; returns where the second
    /// bound starts.
    fn range_link(&self, at: usize) -> Option<usize> {
        if self.tok(at).is_some() && matches!(self.gap(at).trim(), "-" | "–" | "—") {
            return Some(at);
        }
        self.phrase_at(&self.lex.to, at)
            .filter(|&n| self.same_sentence(at, n))
    }

    /// Day ranges within one month: "с 15 по 19 сентября 2023 года",
    /// "15–19 September", "September 5-9, 2023", "from 5 to 9 May".
    fn day_range(&self, i: usize, context_year: Option<i16>) -> Option<(DateSpan, usize)> {
        // Across months: "с 15 марта по 14 апреля 2022 года", "from 28 February to 3 March 2024".
        if let (Some(d1), Some(m1)) = (self.day(i), self.month(i + 1)) {
            if let Some(j) = self.range_link(i + 2) {
                if let (Some(_), Some(_)) = (self.day(j), self.month(j + 1)) {
                    if let Some((second, end)) = self.absolute(j, context_year) {
                        let year: i16 = second.start.get(..4)?.parse().ok()?;
                        let start = ymd(year, m1 as i8, d1 as i8)?;
                        if start.to_string() <= second.end {
                            return Some((
                                span_of(start, second.end.parse().ok()?, TimePrecision::Range),
                                end,
                            ));
                        }
                    }
                }
            }
        }
        let (d1, d2, m, after) = if let Some(d1) = self.day(i) {
            let j = self.range_link(i + 1)?;
            let d2 = self.day(j)?;
            let m = self.month(j + 1)?;
            (d1, d2, m, j + 2)
        } else {
            let m = self.month(i)?;
            let d1 = self.day(i + 1)?;
            let j = self.range_link(i + 2)?;
            (d1, self.day(j)?, m, j + 1)
        };
        if d2 < d1 || !self.same_sentence(i, after - 1) {
            return None;
        }
        let (y, end) = match self.year(after).filter(|_| self.same_sentence(i, after)) {
            Some(y) => (y, self.skip_year_words(after + 1)),
            None => (context_year?, after),
        };
        let start = ymd(y, m as i8, d1 as i8)?;
        let stop = ymd(y, m as i8, d2 as i8)?;
        Some((span_of(start, stop, TimePrecision::Range), end))
    }

    /// The weekday token `i` names (0 Monday … 6 Sunday), where the
    /// language's preposition, if it needs one, comes right before it.
    fn weekday(&self, i: usize) -> Option<u8> {
        let &(day, needs_after) = self.lex.weekdays.get(self.tok(i)?.folded.as_str())?;
        let after_ok = !needs_after
            || i.checked_sub(1)
                .filter(|&p| self.same_sentence(p, i))
                .and_then(|p| self.tok(p))
                .is_some_and(|t| self.lex.weekday_after.iter().any(|w| *w == t.folded));
        after_ok.then_some(day)
    }

    fn relative(&self, i: usize, published: Option<Date>) -> Option<(DateSpan, usize)> {
        let anchor = published?;
        let candidates = self
            .tok(i)
            .and_then(|t| self.lex.relative_by_first.get(t.folded.as_str()));
        for &n in candidates.into_iter().flatten() {
            let (words, u, offset) = &self.lex.relative[n];
            if let Some(end) = self.phrase_at(std::slice::from_ref(words), i) {
                return Some((shift(anchor, *u, *offset)?, end));
            }
        }
        // A weekday: the last such day up to the document date.
        if let Some(day) = self.weekday(i) {
            let back =
                (anchor.weekday().to_monday_zero_offset() as i32 - i32::from(day)).rem_euclid(7);
            return Some((shift(anchor, Unit::Day, -back)?, i + 1));
        }
        // N units ago.
        let n = self.number(i)?;
        let u = *self.lex.unit_words.get(self.tok(i + 1)?.folded.as_str())?;
        let end = self.phrase_at(&self.lex.ago_words, i + 2)?;
        Some((shift(anchor, u, -(n as i32))?, end))
    }
}

/// The next day after `anchor` on the weekday of `day` (a day span).
fn ahead_of(anchor: Date, day: &DateSpan) -> Option<DateSpan> {
    let named = day.start.parse::<Date>().ok()?;
    let weekday = named.weekday().to_monday_zero_offset() as i32;
    let forward = (weekday - anchor.weekday().to_monday_zero_offset() as i32 - 1).rem_euclid(7) + 1;
    shift(anchor, Unit::Day, forward)
}

fn shift(anchor: Date, u: Unit, offset: i32) -> Option<DateSpan> {
    let span = match u {
        Unit::Day => {
            let d = anchor.checked_add(jiff::Span::new().days(offset)).ok()?;
            span_of(d, d, TimePrecision::Relative)
        }
        Unit::Week => {
            let d = anchor.checked_add(jiff::Span::new().weeks(offset)).ok()?;
            let monday = d
                .checked_sub(jiff::Span::new().days(d.weekday().to_monday_zero_offset() as i32))
                .ok()?;
            let sunday = monday.checked_add(jiff::Span::new().days(6)).ok()?;
            span_of(monday, sunday, TimePrecision::Relative)
        }
        Unit::Month => {
            let d = anchor
                .first_of_month()
                .checked_add(jiff::Span::new().months(offset))
                .ok()?;
            span_of(d, d.last_of_month(), TimePrecision::Relative)
        }
        Unit::Year => {
            let y = anchor.year().checked_add(offset as i16)?;
            span_of(ymd(y, 1, 1)?, ymd(y, 12, 31)?, TimePrecision::Relative)
        }
    };
    Some(span)
}

/// Finds every time expression of a text.
pub fn find_dates(
    lex: &DateLexicon,
    a: &Analysed<'_>,
    words: &DocWords<'_>,
    published: Option<&str>,
) -> Vec<DateMention> {
    let published = published
        .and_then(|p| p.get(..10))
        .and_then(|p| p.parse::<Date>().ok());
    // Looked up once per distinct word: (month, may start an expression).
    // Every expression starts with a number, a month or the first word of
    // a relative expression (which needs a publication date): other tokens
    // are passed over without trying each form.
    let per_form: Vec<(Option<(u8, bool)>, bool)> = a
        .forms
        .first_token
        .iter()
        .map(|&ti| {
            let t = &a.tokens[ti as usize];
            if t.script == Script::Digits {
                return (None, true);
            }
            let (month, relative) = lex.starter(words, ti as usize, &t.folded);
            let relative = published.is_some() && relative;
            (month, month.is_some() || relative)
        })
        .collect();
    let months: Vec<Option<(u8, bool)>> = a
        .forms
        .of_token
        .iter()
        .map(|&f| per_form[f as usize].0)
        .collect();
    let starts: Vec<bool> = a
        .forms
        .of_token
        .iter()
        .map(|&f| per_form[f as usize].1)
        .collect();
    let scan = Scan { lex, a, months };
    let mut out = Vec::new();
    let mut context_year = published.map(|d| d.year());
    let mut i = 0;
    while i < a.tokens.len() {
        if !starts[i] {
            i += 1;
            continue;
        }
        let Some((span, end)) = scan
            .day_range(i, context_year)
            .or_else(|| scan.relative(i, published))
            .or_else(|| scan.absolute(i, context_year))
        else {
            i += 1;
            continue;
        };
        let mut first = i;
        let mut span = span;
        let mut end = end;
        // Ranges: between X and Y, from X to Y, X–Y, since X.
        // A day range is already a range: it only takes a "from"/"с" just
        // before it into the span.
        let day_range = span.precision == TimePrecision::Range;
        if day_range {
            if let Some(start) = scan.phrase_ends_before(&lex.from, i) {
                first = start;
            }
        }
        let opener_between = scan.phrase_ends_before(&lex.between, i);
        let opener_from = scan.phrase_ends_before(&lex.from, i);
        let dash_next =
            a.tokens.get(end).is_some() && matches!(scan.gap(end).trim(), "-" | "–" | "—");
        let connective = scan
            .phrase_at(
                if opener_between.is_some() {
                    &lex.and
                } else {
                    &lex.to
                },
                end,
            )
            .filter(|_| opener_between.is_some() || opener_from.is_some())
            .or(dash_next.then_some(end));
        let mut ranged = day_range;
        if let Some(next) = connective.filter(|_| !day_range) {
            if let Some((second, end2)) =
                scan.absolute(next, span.start.get(..4).and_then(|y| y.parse().ok()))
            {
                if scan.same_sentence(i, next) {
                    let (s, e) = if second.start < span.start {
                        (second.start, span.end)
                    } else {
                        (span.start, second.end)
                    };
                    span = DateSpan {
                        start: s,
                        end: e,
                        precision: TimePrecision::Range,
                    };
                    first = opener_between.or(opener_from).unwrap_or(i);
                    end = end2;
                    ranged = true;
                }
            }
        }
        if !ranged {
            if let Some(start) = scan
                .phrase_ends_before(&lex.since, i)
                .filter(|_| span.precision != TimePrecision::Relative)
            {
                let until = published
                    .map(|d| d.to_string())
                    .filter(|p| *p >= span.end)
                    .unwrap_or(span.end.clone());
                span = DateSpan {
                    start: span.start,
                    end: until,
                    precision: TimePrecision::Range,
                };
                first = start;
            } else if dash_next {
                // "2010–currently": an open range.
                let until = published.map(|d| d.to_string()).unwrap_or(span.end.clone());
                span = DateSpan {
                    start: span.start,
                    end: until,
                    precision: TimePrecision::Range,
                };
            }
        }
        if span.precision != TimePrecision::Relative {
            context_year = span
                .start
                .get(..4)
                .and_then(|y| y.parse().ok())
                .or(context_year);
        }
        let ahead = published
            .filter(|_| end == i + 1 && scan.weekday(i).is_some())
            .and_then(|anchor| ahead_of(anchor, &span));
        out.push(DateMention {
            first,
            last: end.max(first + 1),
            sentence: a.tokens[i].sentence,
            span,
            ahead,
        });
        i = end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyse;

    fn lexicon() -> DateLexicon {
        let mut lex = DateLexicon::default();
        for (name, text) in crate::embedded::FILES {
            if *name == "rules/dates.toml" {
                lex.add_file(name, text).unwrap();
            }
        }
        lex
    }

    /// The time expressions of `text`, its words looked up through a
    /// vocabulary the lexicon is linked to or, with `linked` false, in the
    /// lexicon's own table.
    fn found(text: &str, published: Option<&str>, linked: bool) -> Vec<DateMention> {
        let a = analyse(text);
        let keys: Vec<&str> = a.tokens.iter().map(|t| t.folded.as_str()).collect();
        let mut lex = lexicon();
        let mut vocabulary = Vocabulary::default();
        if linked {
            lex.link(&mut vocabulary);
        }
        find_dates(&lex, &a, &vocabulary.document(&a, &keys), published)
    }

    fn spans(text: &str, published: Option<&str>) -> Vec<String> {
        let show = |found: Vec<DateMention>| -> Vec<String> {
            found
                .iter()
                .map(|d| format!("{}..{}:{}", d.span.start, d.span.end, d.span.precision))
                .collect()
        };
        // The same dates either way.
        let linked = show(found(text, published, true));
        let unlinked = show(found(text, published, false));
        assert_eq!(linked, unlinked, "{text}");
        linked
    }

    #[test]
    fn english_absolute_forms() {
        assert_eq!(
            spans("on May 15, 1992, six states", None),
            vec!["1992-05-15..1992-05-15:day"]
        );
        assert_eq!(
            spans("held in May 2002.", None),
            vec!["2002-05-01..2002-05-31:month"]
        );
        assert_eq!(
            spans("In 2003, forces", None),
            vec!["2003-01-01..2003-12-31:year"]
        );
        assert_eq!(
            spans("on 2021-09-10 and 15.05.1992", None),
            vec!["2021-09-10..2021-09-10:day", "1992-05-15..1992-05-15:day"]
        );
        assert_eq!(spans("Russia may strike", None), Vec::<String>::new());
    }

    #[test]
    fn month_alone_takes_the_year_in_force() {
        assert_eq!(
            spans(
                "In 2002 it met. In December of the same year, it joined.",
                None
            ),
            vec![
                "2002-01-01..2002-12-31:year",
                "2002-12-01..2002-12-31:month"
            ]
        );
    }

    #[test]
    fn ranges_and_since() {
        assert_eq!(
            spans("between 2021 and 2020", None),
            vec!["2020-01-01..2021-12-31:range"]
        );
        assert_eq!(
            spans("since 2021, Moscow", Some("2025-01-24")),
            vec!["2021-01-01..2025-01-24:range"]
        );
        assert_eq!(
            spans("crises (2010–currently)", Some("2025-01-24")),
            vec!["2010-01-01..2025-01-24:range"]
        );
    }

    #[test]
    fn day_ranges_in_every_order() {
        assert_eq!(
            spans("прошли с 15 по 19 сентября 2023 года", None),
            vec!["2023-09-15..2023-09-19:range"]
        );
        assert_eq!(
            spans("held 15–19 September 2023", None),
            vec!["2023-09-15..2023-09-19:range"]
        );
        assert_eq!(
            spans("on September 5-9, 2023", None),
            vec!["2023-09-05..2023-09-09:range"]
        );
        assert_eq!(
            spans("from 5 to 9 May 2024", None),
            vec!["2024-05-05..2024-05-09:range"]
        );
        assert_eq!(
            spans("z 3 по 9 березня 2022", None),
            vec!["2022-03-03..2022-03-09:range"]
        );
        // A descending pair is not a range.
        assert_eq!(
            spans("19 to 15 May 2024", None),
            vec!["2024-05-15..2024-05-15:day"]
        );
    }

    #[test]
    fn ranges_across_months_take_the_year_of_their_end() {
        assert_eq!(
            spans("С 15 марта по 14 апреля 2022 года цена", None),
            vec!["2022-03-15..2022-04-14:range"]
        );
        assert_eq!(
            spans("from 28 February to 3 March 2024", None),
            vec!["2024-02-28..2024-03-03:range"]
        );
    }

    #[test]
    fn slavic_forms() {
        assert_eq!(
            spans("15 сентября 2023 года учения", None),
            vec!["2023-09-15..2023-09-15:day"]
        );
        assert_eq!(
            spans("у лютому 2022 року", None),
            vec!["2022-02-01..2022-02-28:month"]
        );
        assert_eq!(
            spans("12 marca 2024 r.", None),
            vec!["2024-03-12..2024-03-12:day"]
        );
    }

    #[test]
    fn a_weekday_is_the_last_such_day_up_to_the_document_date() {
        // 2024-03-13 is a Wednesday.
        let day = |text: &str| spans(text, Some("2024-03-13"));
        assert_eq!(
            day("The ministry said on Monday"),
            vec!["2024-03-11..2024-03-11:relative"]
        );
        assert_eq!(
            day("troops arrived on Wednesday"),
            vec!["2024-03-13..2024-03-13:relative"]
        );
        assert_eq!(day("on Thursday"), vec!["2024-03-07..2024-03-07:relative"]);
        assert_eq!(
            day("Учения начались во вторник"),
            vec!["2024-03-12..2024-03-12:relative"]
        );
        assert_eq!(
            day("Ćwiczenia rozpoczęły się w poniedziałek"),
            vec!["2024-03-11..2024-03-11:relative"]
        );
        assert_eq!(
            day("Навучанні пачаліся ў панядзелак"),
            vec!["2024-03-11..2024-03-11:relative"]
        );
        assert_eq!(
            day("Навчання почалися у вівторок"),
            vec!["2024-03-12..2024-03-12:relative"]
        );
        // Without a document date, or without the preposition a Slavic form
        // needs ("среду" alone is also "environment"), no date.
        assert!(spans("on Monday", None).is_empty());
        assert!(day("влияние на окружающую среду").is_empty());
        assert_eq!(day("в среду"), vec!["2024-03-13..2024-03-13:relative"]);
    }

    #[test]
    fn a_weekday_looks_ahead_for_what_is_announced() {
        let monday = found(
            "The ministers will meet on Monday.",
            Some("2024-03-13"),
            true,
        );
        assert_eq!(monday.len(), 1);
        assert_eq!(monday[0].span.start, "2024-03-11");
        let ahead = monday[0].ahead.as_ref().map(|d| d.start.as_str());
        assert_eq!(ahead, Some("2024-03-18"));
        // A day written in full has no other reading.
        let full = found("on 11 March 2024", Some("2024-03-13"), true);
        assert!(!full.is_empty() && full.iter().all(|d| d.ahead.is_none()));
    }

    #[test]
    fn relative_expressions_need_a_publication_date() {
        assert_eq!(
            spans("вчера в Минске", Some("2024-03-13")),
            vec!["2024-03-12..2024-03-12:relative"]
        );
        assert_eq!(
            spans("this week", Some("2025-01-24")),
            vec!["2025-01-20..2025-01-26:relative"]
        );
        assert_eq!(
            spans("last year", Some("2025-01-24")),
            vec!["2024-01-01..2024-12-31:relative"]
        );
        assert_eq!(
            spans("3 days ago", Some("2025-01-24")),
            vec!["2025-01-21..2025-01-21:relative"]
        );
        assert!(spans("this week", None).is_empty());
    }
}
