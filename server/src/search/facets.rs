//! Counting facet values over every hit of a search.
//!
//! Tantivy's `FacetCollector` reads each segment's whole facet dictionary on every search
//! (to build its mapping) and turns every counted ordinal back into a string; with 11 000
//! organisations that was most of a search's time. Here each segment's value names are read
//! once and kept while the segment lives; a search only adds up ordinals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Value names per (segment, facet field), in ordinal order.
#[derive(Default)]
pub struct FacetNames {
    names: Mutex<HashMap<(SegmentId, &'static str), Arc<Vec<Arc<str>>>>>,
}

impl FacetNames {
    fn get(&self, segment: SegmentId, field: &'static str, reader: &FacetReader) -> tantivy::Result<Arc<Vec<Arc<str>>>> {
        if let Some(names) = self.lock().get(&(segment, field)) {
            return Ok(names.clone());
        }
        let mut facet = Facet::root();
        let mut names = Vec::with_capacity(reader.num_facets());
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            names.push(Arc::from(facet.to_path().first().copied().unwrap_or_default()));
        }
        let names = Arc::new(names);
        self.lock().insert((segment, field), names.clone());
        Ok(names)
    }

    /// Forgets segments that are no longer searched (after merges).
    pub fn retain(&self, alive: &[SegmentId]) {
        self.lock().retain(|(segment, _), _| alive.contains(segment));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(SegmentId, &'static str), Arc<Vec<Arc<str>>>>> {
        self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Counts of one facet: (value, number of hits).
pub type Counts = Vec<(Arc<str>, u64)>;

/// Counts the values of several facet fields over all hits.
pub struct FacetCounter<'a> {
    pub fields: Vec<&'static str>,
    pub names: &'a FacetNames,
}

/// The per-segment part of [`FacetCounter`].
pub struct SegmentFacetCounter {
    readers: Vec<FacetReader>,
    names: Vec<Arc<Vec<Arc<str>>>>,
    counts: Vec<Vec<u32>>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Vec<Counts>;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let mut readers = Vec::with_capacity(self.fields.len());
        let mut names = Vec::with_capacity(self.fields.len());
        let mut counts = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let reader = segment.facet_reader(field)?;
            names.push(self.names.get(segment.segment_id(), field, &reader)?);
            counts.push(vec![0u32; reader.num_facets()]);
            readers.push(reader);
        }
        Ok(SegmentFacetCounter { readers, names, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Counts>>) -> tantivy::Result<Vec<Counts>> {
        let mut fruits = fruits.into_iter();
        let Some(first) = fruits.next() else { return Ok(vec![Vec::new(); self.fields.len()]) };
        let rest: Vec<Vec<Counts>> = fruits.collect();
        if rest.is_empty() {
            return Ok(first);
        }
        // Per facet field: the lists of all segments, merged into the longest one.
        let mut per_field: Vec<Vec<Counts>> = first.into_iter().map(|counts| vec![counts]).collect();
        for fruit in rest {
            for (lists, counts) in per_field.iter_mut().zip(fruit) {
                lists.push(counts);
            }
        }
        Ok(per_field.into_iter().map(merge_into_longest).collect())
    }
}

/// Adds several count lists, each sorted by value. After writes there is one large
/// segment and several small ones: their few values are looked up in the large list
/// instead of copying it once per small segment.
fn merge_into_longest(mut lists: Vec<Counts>) -> Counts {
    let Some(longest) = (0..lists.len()).max_by_key(|i| lists[*i].len()) else { return Vec::new() };
    let mut base = lists.swap_remove(longest);
    let mut missing: Counts = Vec::new();
    for (value, count) in lists.into_iter().flatten() {
        match base.binary_search_by(|(known, _)| known.as_bytes().cmp(value.as_bytes())) {
            Ok(at) => base[at].1 += count,
            Err(_) => missing.push((value, count)),
        }
    }
    if missing.is_empty() {
        return base;
    }
    missing.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut summed: Counts = Vec::with_capacity(missing.len());
    for (value, count) in missing {
        match summed.last_mut() {
            Some(last) if last.0 == value => last.1 += count,
            _ => summed.push((value, count)),
        }
    }
    merge_sorted(base, summed)
}

/// Adds two count lists that are sorted by value.
fn merge_sorted(a: Counts, b: Counts) -> Counts {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.0.as_bytes().cmp(y.0.as_bytes()) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    let (value, count) = a.next().expect("peeked");
                    let (_, more) = b.next().expect("peeked");
                    Some((value, count + more))
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Vec<Counts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (reader, counts) in self.readers.iter().zip(self.counts.iter_mut()) {
            for ord in reader.facet_ords(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> Vec<Counts> {
        self.counts
            .into_iter()
            .zip(self.names)
            .map(|(counts, names)| {
                counts
                    .into_iter()
                    .enumerate()
                    .filter(|(_, count)| *count > 0)
                    .map(|(ord, count)| (names[ord].clone(), u64::from(count)))
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_counts_merge_by_value() {
        let list = |items: &[(&str, u64)]| items.iter().map(|(v, c)| (Arc::<str>::from(*v), *c)).collect::<Counts>();
        let merged = merge_sorted(list(&[("BW", 2), ("BY", 1), ("NW", 4)]), list(&[("BE", 1), ("BY", 3)]));
        assert_eq!(merged, list(&[("BE", 1), ("BW", 2), ("BY", 4), ("NW", 4)]));
        let many = merge_into_longest(vec![
            list(&[("BY", 1)]),
            list(&[("BE", 1), ("BW", 2), ("BY", 1), ("NW", 4)]),
            list(&[("HH", 1), ("BY", 2)]),
            list(&[("HH", 2)]),
        ]);
        assert_eq!(many, list(&[("BE", 1), ("BW", 2), ("BY", 4), ("HH", 3), ("NW", 4)]));
    }
}
