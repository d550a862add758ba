//! The map's visual vocabulary: domain colours, modality shapes, palette,
//! and XML escaping of every piece of caller text.

use std::fmt::Write;

use watchfloor_model::{Domain, Modality};

use super::geometry::num;

/// Colour of a domain's markers (also used for the report's bars).
pub fn domain_colour(d: Domain) -> &'static str {
    match d {
        Domain::Military => "#b3261e",
        Domain::Political => "#1f4e99",
        Domain::Economic => "#c98a00",
        Domain::Information => "#6d3b8f",
        Domain::International => "#23794a",
    }
}

/// How a modality is drawn, in words (for legends and captions).
pub fn modality_shape(m: Modality) -> &'static str {
    match m {
        Modality::Observed => "filled circle",
        Modality::Ongoing => "filled square",
        Modality::Projected => "open triangle",
        Modality::Hypothetical => "open diamond",
        Modality::Negated => "cross",
    }
}

/// Sea.
pub const SEA: &str = "#cfdde8";
/// Land of third countries.
pub const LAND: &str = "#f4f1ea";
/// The target state.
pub const TARGET: &str = "#f6e0b5";
/// The aggressor state.
pub const AGGRESSOR: &str = "#ead7d3";
/// Borders and coasts.
pub const BORDER: &str = "#8f8a80";
/// Occupied/disputed areas' outline and hatching.
pub const OCCUPIED: &str = "#a8322b";
/// Range rings.
pub const RING: &str = "#5a2a1a";
/// Ink for text.
pub const INK: &str = "#1d1d1d";

/// Escapes text for SVG/XML content and attribute values, and drops
/// characters XML 1.0 cannot carry (control characters other than tab and
/// newlines, U+FFFE, U+FFFF).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A link target safe to put in an `href`: web links, fragments and
/// relative paths; anything with another scheme (`javascript:`…) is refused.
pub fn safe_href(href: &str) -> Option<String> {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    let scheme_end = h.find(':');
    let first_sep = h.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_sep) {
        (Some(c), Some(s)) => c < s,
        (Some(_), None) => true,
        _ => false,
    };
    let ok = !h.is_empty()
        && (lower.starts_with("http://") || lower.starts_with("https://") || !has_scheme)
        && !h.chars().any(char::is_control);
    ok.then(|| esc(h))
}

/// Appends an SVG marker of modality `m` centred on `(x, y)` with radius
/// `r`; `dashed` draws it open and dashed (a location known only roughly).
pub fn symbol(out: &mut String, m: Modality, x: f64, y: f64, r: f64, colour: &str, dashed: bool) {
    let dash = if dashed {
        " stroke-dasharray=\"2 1.5\""
    } else {
        ""
    };
    let filled = matches!(m, Modality::Observed | Modality::Ongoing) && !dashed;
    let (fill, stroke, sw) = if filled {
        (colour, "#ffffff", "1.2")
    } else {
        ("#ffffff", colour, "2")
    };
    let p = |v: f64| num(v);
    let _ = match m {
        Modality::Observed => write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
            p(x), p(y), p(r)
        ),
        Modality::Ongoing => write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
            p(x - r * 0.9), p(y - r * 0.9), p(r * 1.8), p(r * 1.8)
        ),
        Modality::Projected => write!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\" stroke-linejoin=\"round\"{dash}/>",
            p(x), p(y - r * 1.15), p(x + r * 1.05), p(y + r * 0.75), p(x - r * 1.05), p(y + r * 0.75)
        ),
        Modality::Hypothetical => write!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\" stroke-dasharray=\"3 1.5\"/>",
            p(x), p(y - r * 1.2), p(x + r * 1.2), p(y), p(x), p(y + r * 1.2), p(x - r * 1.2), p(y)
        ),
        Modality::Negated => write!(
            out,
            "<path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"#ffffff\" stroke-width=\"4.4\" stroke-linecap=\"round\"/><path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"{colour}\" stroke-width=\"2.4\" stroke-linecap=\"round\"{dash}/>",
            p(x - r), p(y - r), p(x + r), p(y + r), p(x - r), p(y + r), p(x + r), p(y - r),
            p(x - r), p(y - r), p(x + r), p(y + r), p(x - r), p(y + r), p(x + r), p(y - r)
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_control_characters_dropped() {
        let s = esc("<script>alert('x')</script> & \"q\"\u{0}\u{1b}");
        assert_eq!(
            s,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn only_safe_links_pass() {
        assert_eq!(
            safe_href("https://a.example/?q=1&b=2").as_deref(),
            Some("https://a.example/?q=1&amp;b=2")
        );
        assert_eq!(safe_href("#event-12").as_deref(), Some("#event-12"));
        assert_eq!(safe_href("events/12").as_deref(), Some("events/12"));
        assert!(safe_href("javascript:alert(1)").is_none());
        assert!(safe_href(" JavaScript:alert(1)").is_none());
        assert!(safe_href("data:text/html,x").is_none());
        assert!(safe_href("").is_none());
    }

    #[test]
    fn each_modality_has_its_own_shape() {
        let mut seen = Vec::new();
        for m in Modality::ALL {
            let mut s = String::new();
            symbol(&mut s, *m, 10.0, 10.0, 5.0, "#b3261e", false);
            let tag = s.split([' ', '>']).next().unwrap_or("").to_string();
            let lines = s.matches('L').count();
            seen.push((
                tag,
                s.contains("fill=\"#b3261e\""),
                s.contains("dasharray"),
                lines,
            ));
        }
        assert_eq!(
            seen[0],
            ("<circle".into(), true, false, 0),
            "observed: filled circle"
        );
        assert!(!seen[2].1, "projected is hollow");
        assert!(seen[3].2, "hypothetical is dashed");
        assert_eq!(
            seen.iter().collect::<std::collections::BTreeSet<_>>().len(),
            5
        );
    }
}
