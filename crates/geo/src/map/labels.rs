//! Greedy label placement: labels in order of priority, each tried at its
//! candidate positions (right, left, above, below, diagonals of its point),
//! kept at the first position whose box hits neither a placed label nor an
//! obstacle (markers, legend, scale bar) and stays on the canvas; labels
//! that fit nowhere are dropped.

use super::geometry::Rect;

/// Horizontal alignment of a label's text at its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

impl Anchor {
    /// The SVG `text-anchor` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An estimate of the width of `text` in a sans-serif face at `size`, with
/// `spacing` of letter-spacing: wide enough that estimated boxes that do not
/// overlap do not overlap on screen.
pub fn text_width(text: &str, size: f64, spacing: f64) -> f64 {
    let mut w = 0.0;
    let mut n = 0usize;
    for c in text.chars() {
        n += 1;
        w += match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'I' => 0.28,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.36,
            'm' | 'w' | 'M' | 'W' | 'Ш' | 'Щ' | 'Ж' | 'ш' | 'щ' | 'ж' => 0.86,
            c if c.is_uppercase() => 0.70,
            c if c.is_ascii_digit() => 0.56,
            _ => 0.56,
        };
    }
    w * size + spacing * n.saturating_sub(1) as f64
}

/// A label waiting to be placed.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    /// Higher goes first.
    pub priority: f64,
    /// The point it names (screen).
    pub x: f64,
    /// The point it names (screen).
    pub y: f64,
    /// Gap between the point and the text (the symbol's radius).
    pub gap: f64,
    /// Text box width.
    pub width: f64,
    /// Text box height (all lines).
    pub height: f64,
    /// Only centred on the point (area names), else around it.
    pub centred: bool,
    /// May cover the soft obstacles (markers): drawn beneath them, like a
    /// country's name.
    pub beneath: bool,
}

/// Where a label went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Index of the request.
    pub index: usize,
    /// Text anchor x.
    pub x: f64,
    /// Baseline y of the first line.
    pub y: f64,
    /// Alignment.
    pub anchor: Anchor,
    /// The box it occupies.
    pub bbox: Rect,
}

/// Candidate positions of a request, best first: `(anchor x, anchor, box)`.
fn candidates(r: &LabelRequest) -> Vec<(f64, Anchor, Rect)> {
    let (w, h, g) = (r.width, r.height, r.gap + 2.0);
    let boxed = |left: f64, top: f64, anchor: Anchor| {
        let x = match anchor {
            Anchor::Start => left,
            Anchor::Middle => left + w / 2.0,
            Anchor::End => left + w,
        };
        (x, anchor, Rect::new(left, top, left + w, top + h))
    };
    let (x, y) = (r.x, r.y);
    if r.centred {
        let mut v = Vec::new();
        for (dx, dy) in [
            (0.0, 0.0),
            (0.0, -h * 0.8),
            (0.0, h * 0.8),
            (-w * 0.25, 0.0),
            (w * 0.25, 0.0),
            (0.0, -h * 1.6),
            (0.0, h * 1.6),
            (-w * 0.5, -h),
            (w * 0.5, h),
            (-w * 0.5, h),
            (w * 0.5, -h),
            (0.0, -h * 2.6),
            (0.0, h * 2.6),
        ] {
            v.push(boxed(x + dx - w / 2.0, y + dy - h / 2.0, Anchor::Middle));
        }
        return v;
    }
    let mut v = Vec::with_capacity(16);
    // Close to the point first, then a step further out (past markers
    // spread around it).
    for g in [g, g + 14.0] {
        v.extend([
            boxed(x + g, y - h / 2.0, Anchor::Start),           // right
            boxed(x - g - w, y - h / 2.0, Anchor::End),         // left
            boxed(x - w / 2.0, y - g - h, Anchor::Middle),      // above
            boxed(x - w / 2.0, y + g, Anchor::Middle),          // below
            boxed(x + g * 0.7, y - g * 0.7 - h, Anchor::Start), // above right
            boxed(x + g * 0.7, y + g * 0.7, Anchor::Start),     // below right
            boxed(x - g * 0.7 - w, y - g * 0.7 - h, Anchor::End), // above left
            boxed(x - g * 0.7 - w, y + g * 0.7, Anchor::End),   // below left
        ]);
    }
    v
}

/// Places labels greedily by priority. `obstacles` are boxes no label may
/// cover; `soft` are boxes only labels drawn `beneath` may cover (markers);
/// `canvas` is the box every label must stay inside. Returns the placements
/// (in order of placement) and the indices dropped.
pub fn place(
    requests: &[LabelRequest],
    obstacles: &[Rect],
    soft: &[Rect],
    canvas: Rect,
    line_height: f64,
) -> (Vec<Placement>, Vec<usize>) {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by(|&a, &b| requests[b].priority.total_cmp(&requests[a].priority));
    let mut placed: Vec<Placement> = Vec::new();
    let mut dropped = Vec::new();
    for i in order {
        let r = &requests[i];
        let spot = candidates(r).into_iter().find(|(_, _, b)| {
            let b = b.grow(1.0);
            canvas.contains(&b)
                && !obstacles.iter().any(|o| o.overlaps(&b))
                && (r.beneath || !soft.iter().any(|o| o.overlaps(&b)))
                && !placed.iter().any(|p| p.bbox.overlaps(&b))
        });
        match spot {
            Some((x, anchor, bbox)) => placed.push(Placement {
                index: i,
                x,
                // First baseline: one line's ascent below the box's top.
                y: bbox.y0 + line_height * 0.8,
                anchor,
                bbox,
            }),
            None => dropped.push(i),
        }
    }
    (placed, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(priority: f64, x: f64, y: f64, w: f64) -> LabelRequest {
        LabelRequest {
            priority,
            x,
            y,
            gap: 3.0,
            width: w,
            height: 12.0,
            centred: false,
            beneath: false,
        }
    }

    #[test]
    fn no_two_placed_labels_overlap() {
        // 200 labels crowded into a 300×200 box.
        let mut rs = Vec::new();
        let mut seed = 7u64;
        for i in 0..200 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = 20.0 + (seed >> 33) as f64 % 260.0;
            let y = 20.0 + (seed >> 17) as f64 % 160.0;
            rs.push(req(i as f64 % 7.0, x, y, 30.0 + (i % 5) as f64 * 8.0));
        }
        let canvas = Rect::new(0.0, 0.0, 300.0, 200.0);
        let (placed, dropped) = place(&rs, &[], &[], canvas, 12.0);
        assert!(!placed.is_empty() && !dropped.is_empty());
        assert_eq!(placed.len() + dropped.len(), rs.len());
        for (i, a) in placed.iter().enumerate() {
            assert!(canvas.contains(&a.bbox));
            for b in &placed[i + 1..] {
                assert!(!a.bbox.overlaps(&b.bbox), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn higher_priority_wins_and_the_loser_moves_or_drops() {
        let rs = vec![req(1.0, 100.0, 100.0, 60.0), req(9.0, 100.0, 100.0, 60.0)];
        let (placed, _) = place(&rs, &[], &[], Rect::new(0.0, 0.0, 400.0, 400.0), 12.0);
        assert_eq!(placed[0].index, 1, "priority 9 is placed first");
        assert_eq!(
            placed[0].anchor,
            Anchor::Start,
            "at its first choice (right)"
        );
        assert_eq!(placed[1].anchor, Anchor::End, "the other goes left");
    }

    #[test]
    fn obstacles_and_canvas_edges_are_respected() {
        let rs = vec![req(1.0, 100.0, 100.0, 60.0)];
        let wall = Rect::new(102.0, 80.0, 200.0, 120.0);
        let (placed, _) = place(&rs, &[wall], &[], Rect::new(0.0, 0.0, 400.0, 400.0), 12.0);
        assert!(!placed[0].bbox.overlaps(&wall));
        // A label at the right edge cannot go right.
        let rs = vec![req(1.0, 395.0, 100.0, 60.0)];
        let (placed, _) = place(&rs, &[], &[], Rect::new(0.0, 0.0, 400.0, 400.0), 12.0);
        assert_eq!(placed[0].anchor, Anchor::End);
        // Nowhere to go: dropped.
        let (placed, dropped) = place(
            &rs,
            &[Rect::new(0.0, 0.0, 400.0, 400.0)],
            &[],
            Rect::new(0.0, 0.0, 400.0, 400.0),
            12.0,
        );
        assert!(placed.is_empty() && dropped == vec![0]);
        // Soft obstacles (markers) stop ordinary labels, not those beneath.
        let mut rs = vec![req(1.0, 100.0, 100.0, 60.0)];
        let all = [Rect::new(0.0, 0.0, 400.0, 400.0)];
        let canvas = Rect::new(0.0, 0.0, 400.0, 400.0);
        assert!(place(&rs, &[], &all, canvas, 12.0).0.is_empty());
        rs[0].beneath = true;
        assert_eq!(place(&rs, &[], &all, canvas, 12.0).0.len(), 1);
    }

    #[test]
    fn width_estimate_grows_with_text_and_capitals() {
        assert!(text_width("MINSK", 10.0, 0.0) > text_width("minsk", 10.0, 0.0));
        assert!(text_width("Minsk Region", 10.0, 0.0) > text_width("Minsk", 10.0, 0.0));
        assert!(text_width("AB", 10.0, 2.0) - text_width("AB", 10.0, 0.0) == 2.0);
    }
}
