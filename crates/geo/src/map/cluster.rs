//! Screen-space aggregation of markers: points of one kind at one spot
//! become one group with a count; where more groups crowd into one grid
//! cell than can be read, the cell's points become one cluster with a count
//! badge.

use std::collections::BTreeMap;

/// Points of one kind (`K`) drawn as one symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<K> {
    /// Screen position (mean of its members).
    pub x: f64,
    /// Screen position.
    pub y: f64,
    /// What they are (domain, modality…).
    pub kind: K,
    /// Indices of the input points.
    pub members: Vec<usize>,
}

/// What the aggregation draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<K> {
    /// One symbol for points of one kind at one spot.
    Group(Group<K>),
    /// A count badge for a crowded cell (points of several kinds).
    Cluster {
        /// Screen position (mean of its members).
        x: f64,
        /// Screen position.
        y: f64,
        /// Indices of the input points.
        members: Vec<usize>,
    },
}

impl<K> Item<K> {
    /// The input points it stands for.
    pub fn members(&self) -> &[usize] {
        match self {
            Item::Group(g) => &g.members,
            Item::Cluster { members, .. } => members,
        }
    }
}

fn mean(points: &[(f64, f64)], members: &[usize]) -> (f64, f64) {
    let n = members.len().max(1) as f64;
    let (sx, sy) = members
        .iter()
        .fold((0.0, 0.0), |(a, b), &i| (a + points[i].0, b + points[i].1));
    (sx / n, sy / n)
}

/// Aggregates `points` (screen x, y) of kinds `kinds`: points of one kind
/// within `snap` units share a group; a `cell × cell` grid cell holding more
/// than `max_groups` groups becomes one cluster. Every input index ends up
/// in exactly one item.
pub fn aggregate<K: Ord + Copy>(
    points: &[(f64, f64)],
    kinds: &[K],
    snap: f64,
    cell: f64,
    max_groups: usize,
) -> Vec<Item<K>> {
    let snap = snap.max(0.1);
    let cell = cell.max(1.0);
    let mut groups: BTreeMap<(i64, i64, K), Vec<usize>> = BTreeMap::new();
    for (i, (&(x, y), &k)) in points.iter().zip(kinds).enumerate() {
        let key = ((x / snap).round() as i64, (y / snap).round() as i64, k);
        groups.entry(key).or_default().push(i);
    }
    let mut cells: BTreeMap<(i64, i64), Vec<Group<K>>> = BTreeMap::new();
    for ((_, _, kind), members) in groups {
        let (x, y) = mean(points, &members);
        cells
            .entry(((x / cell).floor() as i64, (y / cell).floor() as i64))
            .or_default()
            .push(Group {
                x,
                y,
                kind,
                members,
            });
    }
    let mut out = Vec::new();
    for (_, gs) in cells {
        if gs.len() <= max_groups {
            out.extend(gs.into_iter().map(Item::Group));
        } else {
            let mut members: Vec<usize> = gs.into_iter().flat_map(|g| g.members).collect();
            members.sort_unstable();
            let (x, y) = mean(points, &members);
            out.push(Item::Cluster { x, y, members });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_thousand_nearby_points_make_few_clusters_that_count_them_all() {
        let mut pts = Vec::new();
        let mut kinds = Vec::new();
        let mut seed = 42u64;
        for i in 0..10_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let dx = ((seed >> 33) % 1000) as f64 / 1000.0 * 40.0;
            let dy = ((seed >> 13) % 1000) as f64 / 1000.0 * 40.0;
            pts.push((300.0 + dx, 200.0 + dy));
            kinds.push(i % 5);
        }
        let items = aggregate(&pts, &kinds, 2.0, 30.0, 6);
        let clusters = items
            .iter()
            .filter(|i| matches!(i, Item::Cluster { .. }))
            .count();
        assert!(items.len() <= 9, "{} items", items.len());
        assert!(clusters >= 1 && clusters == items.len(), "all crowded");
        let total: usize = items.iter().map(|i| i.members().len()).sum();
        assert_eq!(total, 10_000);
        let mut seen: Vec<usize> = items.iter().flat_map(|i| i.members().to_vec()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000, "each point in exactly one item");
    }

    #[test]
    fn sparse_points_stay_individual_and_same_spot_same_kind_groups() {
        let pts = vec![(10.0, 10.0), (10.4, 10.2), (10.0, 10.0), (200.0, 50.0)];
        let kinds = vec!['a', 'a', 'b', 'a'];
        let items = aggregate(&pts, &kinds, 2.0, 30.0, 6);
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(|i| matches!(i, Item::Group(_))));
        let big = items
            .iter()
            .find_map(|i| match i {
                Item::Group(g) if g.members.len() == 2 => Some(g),
                _ => None,
            })
            .expect("two 'a' at one spot");
        assert_eq!(big.kind, 'a');
        assert!((big.x - 10.2).abs() < 1e-9);
    }
}
