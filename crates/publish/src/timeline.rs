//! The timeline figure: evidence per period (month, or year when the
//! evidence spans more than three years), stacked by domain, with the
//! overall index drawn over it when the assessment has one.

use std::collections::BTreeMap;
use std::fmt::Write;

use watchfloor_model::{Domain, IndexPoint};

use crate::map::domain_colour;
use crate::report::{domain_title, EventPoint, Figure};

const W: f64 = 960.0;
const H: f64 = 300.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 52.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 44.0;

/// Monthly or yearly buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// `YYYY-MM`.
    Month,
    /// `YYYY`.
    Year,
}

fn month_index(date: &str) -> Option<i64> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

fn label(index: i64, g: Granularity) -> String {
    match g {
        Granularity::Month => format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
        Granularity::Year => format!("{}", index),
    }
}

/// Dated evidence counted per period (its key: a month or a year number)
/// and domain.
pub type Buckets = Vec<(i64, BTreeMap<Domain, usize>)>;

/// Counts of dated evidence per period and domain, the granularity chosen,
/// and the number of undated events.
pub fn bucket(events: &[EventPoint<'_>]) -> (Granularity, Buckets, usize) {
    let dated: Vec<(i64, Domain)> = events
        .iter()
        .filter_map(|e| {
            e.item
                .date
                .as_deref()
                .and_then(month_index)
                .map(|m| (m, e.domain))
        })
        .collect();
    let undated = events.len() - dated.len();
    let (Some(lo), Some(hi)) = (
        dated.iter().map(|d| d.0).min(),
        dated.iter().map(|d| d.0).max(),
    ) else {
        return (Granularity::Month, Vec::new(), undated);
    };
    let g = if hi - lo > 36 {
        Granularity::Year
    } else {
        Granularity::Month
    };
    let key = |m: i64| match g {
        Granularity::Month => m,
        Granularity::Year => m.div_euclid(12),
    };
    let mut out: Buckets = (key(lo)..=key(hi)).map(|k| (k, BTreeMap::new())).collect();
    for (m, d) in dated {
        let i = (key(m) - key(lo)) as usize;
        if let Some(slot) = out.get_mut(i) {
            *slot.1.entry(d).or_default() += 1;
        }
    }
    (g, out, undated)
}

/// A round top for the count axis and its tick step (at most six ticks).
fn axis(max: usize) -> (usize, usize) {
    let max = max.max(1);
    for step in [
        1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
    ] {
        if max.div_ceil(step) <= 6 {
            return (max.div_ceil(step) * step, step);
        }
    }
    let step = max.div_ceil(6);
    (step * 6, step)
}

/// Draws the timeline.
pub fn figure(events: &[EventPoint<'_>], indices: &BTreeMap<String, Vec<IndexPoint>>) -> Figure {
    let (g, buckets, undated) = bucket(events);
    let mut notes = Vec::new();
    if undated > 0 {
        notes.push(format!(
            "{undated} of {} events carry no date and are not drawn.",
            events.len()
        ));
    }
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg id=\"wf-timeline\" class=\"wf-figure\" viewBox=\"0 0 {W:.0} {H:.0}\" role=\"img\" aria-labelledby=\"wf-timeline-title\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\
<title id=\"wf-timeline-title\">Evidence per {} by domain</title><rect x=\"0\" y=\"0\" width=\"{W:.0}\" height=\"{H:.0}\" fill=\"#ffffff\"/>",
        if g == Granularity::Month { "month" } else { "year" }
    );
    // Legend.
    let mut x = LEFT;
    for d in Domain::ALL {
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"12\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"22\" fill=\"#222\">{}</text>",
            domain_colour(*d),
            x + 17.0,
            domain_title(*d)
        );
        x += 110.0;
    }
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let base = TOP + plot_h;
    let max = buckets
        .iter()
        .map(|b| b.1.values().sum::<usize>())
        .max()
        .unwrap_or(0);
    let (top, step) = axis(max);
    for v in (0..=top).step_by(step) {
        let y = base - plot_h * v as f64 / top as f64;
        let _ = write!(
            svg,
            "<line x1=\"{LEFT:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e3e3e3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{v}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let _ = write!(
        svg,
        "<text transform=\"translate(12 {:.1}) rotate(-90)\" text-anchor=\"middle\" fill=\"#555\">events</text>",
        TOP + plot_h / 2.0
    );
    if buckets.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#777\">No dated evidence.</text>",
            W / 2.0,
            TOP + plot_h / 2.0
        );
    }
    let n = buckets.len().max(1);
    let slot = plot_w / n as f64;
    let bar_w = (slot * 0.72).max(1.5);
    let every = ((34.0 / slot).ceil() as usize).max(1);
    for (i, (k, counts)) in buckets.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut y = base;
        for d in Domain::ALL {
            let c = counts.get(d).copied().unwrap_or(0);
            if c == 0 {
                continue;
            }
            let hgt = plot_h * c as f64 / top as f64;
            y -= hgt;
            let _ = write!(
                svg,
                "<rect class=\"wf-bar\" data-period=\"{}\" data-domain=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{hgt:.1}\" fill=\"{}\"><title>{}: {c} {} events</title></rect>",
                label(*k, g),
                d,
                domain_colour(*d),
                label(*k, g),
                d
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                x + bar_w / 2.0,
                base + 16.0,
                label(*k, g)
            );
        }
    }
    let _ = write!(
        svg,
        "<line x1=\"{LEFT:.1}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\" stroke=\"#333\"/>",
        W - RIGHT
    );
    // Overall index on the right axis.
    if let (Some(series), Some(first)) = (indices.get("overall"), buckets.first()) {
        let mut per: BTreeMap<i64, f64> = BTreeMap::new();
        for p in series {
            if let Some(m) = month_index(&p.month) {
                let k = match g {
                    Granularity::Month => m,
                    Granularity::Year => m.div_euclid(12),
                };
                per.insert(k, p.value.clamp(0.0, 1.0));
            }
        }
        let pts: Vec<String> = per
            .iter()
            .filter_map(|(k, v)| {
                let i = k - first.0;
                (i >= 0 && (i as usize) < buckets.len()).then(|| {
                    format!(
                        "{:.1},{:.1}",
                        LEFT + slot * (i as f64 + 0.5),
                        base - plot_h * v
                    )
                })
            })
            .collect();
        if !pts.is_empty() {
            let _ = write!(
                svg,
                "<polyline class=\"wf-index\" points=\"{}\" fill=\"none\" stroke=\"#1b1b1b\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1b1b1b\">1.0</text><text x=\"{:.1}\" y=\"{base:.1}\" fill=\"#1b1b1b\">0</text>\
<line x1=\"{:.1}\" y1=\"22\" x2=\"{:.1}\" y2=\"22\" stroke=\"#1b1b1b\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"26\" fill=\"#222\">overall index (right axis, 0–1)</text>",
                pts.join(" "),
                W - RIGHT + 6.0,
                TOP + 4.0,
                W - RIGHT + 6.0,
                x,
                x + 22.0,
                x + 27.0
            );
        }
    }
    svg.push_str("</svg>");
    let dated: usize = buckets.iter().map(|b| b.1.values().sum::<usize>()).sum();
    Figure {
        svg,
        caption: format!(
            "Evidence over time: {dated} dated events per {} by domain (event date, else the document's date){}.",
            if g == Granularity::Month { "month" } else { "year" },
            if indices.contains_key("overall") {
                ", with the overall index"
            } else {
                ""
            }
        ),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::report::unique_evidence;

    #[test]
    fn long_spans_are_counted_by_year_and_undated_events_noted() {
        let a = fixture::assessment();
        let ev = unique_evidence(&a);
        let (g, buckets, undated) = bucket(&ev);
        assert_eq!(
            g,
            Granularity::Year,
            "2021 to 2025 is more than three years"
        );
        assert_eq!(buckets.first().map(|b| b.0), Some(2021));
        assert_eq!(buckets.last().map(|b| b.0), Some(2025));
        assert_eq!(undated, 3);
        let f = figure(&ev, &a.indices);
        assert_eq!(f.svg.matches("class=\"wf-bar\"").count(), 3);
        assert!(f.svg.contains("class=\"wf-index\""));
        assert!(f.notes[0].starts_with("3 of 7 events"));
    }

    #[test]
    fn axis_ticks_are_round() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(6), (6, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(23), (25, 5));
        assert_eq!(axis(130), (150, 25));
    }

    #[test]
    fn short_spans_are_counted_by_month() {
        let mut a = fixture::assessment();
        a.indicators[2].evidence.clear();
        let ev = unique_evidence(&a);
        let (g, buckets, _) = bucket(&ev);
        assert_eq!(g, Granularity::Month);
        assert_eq!(buckets.len(), 4, "2024-12 .. 2025-03");
        assert_eq!(buckets[0].1.get(&Domain::Military), Some(&1));
    }
}
