//! Publication dates to `YYYY-MM-DD`.

/// Normalises a publication date to `YYYY-MM-DD`, or `None` when it cannot
/// be read.
///
/// Accepted: ISO dates (`2024-03-15`, `2024/03/15`), RFC 3339 and ISO date
/// times (`2024-03-15T08:30:00+03:00`), `YYYY-MM-DD HH:MM`, compact
/// `20240315`, `DD.MM.YYYY`, RFC 2822 (`Fri, 15 Mar 2024 08:30:00 +0300`) and
/// `March 15, 2024`. The date is the calendar date as written by the
/// publisher; no time-zone conversion is applied, so a Minsk article stamped
/// `2024-03-15T01:00:00+03:00` stays on the 15th.
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 10 && all_digits(&b[0..4]) {
        let sep = b[4];
        if matches!(sep, b'-' | b'/' | b'.')
            && b[7] == sep
            && all_digits(&b[5..7])
            && all_digits(&b[8..10])
            && b.get(10).is_none_or(|c| !c.is_ascii_digit())
        {
            return ymd(num(&b[0..4]), num(&b[5..7]), num(&b[8..10]));
        }
    }
    if b.len() >= 8
        && all_digits(&b[0..8])
        && b.get(8).is_none_or(|c| matches!(c, b'T' | b't' | b' '))
    {
        return ymd(num(&b[0..4]), num(&b[4..6]), num(&b[6..8]));
    }
    if b.len() >= 10
        && all_digits(&b[0..2])
        && b[2] == b'.'
        && all_digits(&b[3..5])
        && b[5] == b'.'
        && all_digits(&b[6..10])
        && b.get(10).is_none_or(|c| !c.is_ascii_digit())
    {
        return ymd(num(&b[6..10]), num(&b[3..5]), num(&b[0..2]));
    }
    textual(s)
}

/// RFC 2822 (`[Wkd,] D Mon YYYY …`) and `Month D, YYYY`.
fn textual(s: &str) -> Option<String> {
    // Drop a leading weekday ("Fri," / "Friday,").
    let rest = match s.find(',') {
        Some(i) if s[..i].chars().all(|c| c.is_ascii_alphabetic()) && i <= 9 => &s[i + 1..],
        _ => s,
    };
    let mut words = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    let a = words.next()?;
    let b = words.next()?;
    let c = words.next()?;
    let (day, month, year) = if let Some(m) = month_number(b) {
        (a, m, c)
    } else if let Some(m) = month_number(a) {
        (b, m, c)
    } else {
        return None;
    };
    let day = day.trim_end_matches(|c: char| c.is_ascii_alphabetic()); // "15th"
    if day.is_empty() || day.len() > 2 || !all_digits(day.as_bytes()) {
        return None;
    }
    if !all_digits(year.as_bytes()) {
        return None;
    }
    let year = match year.len() {
        4 => num(year.as_bytes()),
        // RFC 2822 obsolete two-digit years.
        2 => {
            let y = num(year.as_bytes());
            if y < 50 {
                2000 + y
            } else {
                1900 + y
            }
        }
        _ => return None,
    };
    ymd(year, month, num(day.as_bytes()))
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if word.len() < 3 || !word.is_ascii() {
        return None;
    }
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('.');
    let pos = MONTHS.iter().position(|m| w.starts_with(m))?;
    // "March" and "Mar" are months; "Marshal" is not.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let ok = w.len() == 3 || FULL[pos].starts_with(w) || (pos == 8 && w == "sept");
    ok.then_some(pos as u32 + 1)
}

fn all_digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

fn num(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |acc, d| {
        acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    })
}

fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (d <= days).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::normalise_date as n;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(n("2024-03-15").as_deref(), Some("2024-03-15"));
        assert_eq!(
            n(" 2024-03-15T01:00:00+03:00 ").as_deref(),
            Some("2024-03-15")
        );
        assert_eq!(n("2024-03-15 08:30").as_deref(), Some("2024-03-15"));
        assert_eq!(n("2024/03/15").as_deref(), Some("2024-03-15"));
        assert_eq!(n("20240315").as_deref(), Some("2024-03-15"));
        assert_eq!(n("15.03.2024").as_deref(), Some("2024-03-15"));
        assert_eq!(
            n("Fri, 15 Mar 2024 08:30:00 +0300").as_deref(),
            Some("2024-03-15")
        );
        assert_eq!(n("15 Mar 2024 08:30:00 GMT").as_deref(), Some("2024-03-15"));
        assert_eq!(
            n("Friday, 1 March 24 10:00 Z").as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(n("March 15, 2024").as_deref(), Some("2024-03-15"));
        assert_eq!(n("Sept 9th, 2021").as_deref(), Some("2021-09-09"));
        assert_eq!(n("2024-02-29").as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn rejects_nonsense() {
        for s in [
            "",
            "yesterday",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "32 Jan 2024",
            "Marshal 5, 2024",
            "2024-03-150",
            "15 Mar 202",
            "99999999",
        ] {
            assert_eq!(n(s), None, "{s:?}");
        }
    }
}
