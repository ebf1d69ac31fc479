//! Counting facet values over every hit of a search, and checking facet filters.
//!
//! Tantivy's `FacetCollector` reads each segment's facet dictionary on every search and
//! turns every counted ordinal back into a string; with 11 000 organisations that was
//! most of a search's time. Here every facet value gets an id in one dictionary shared by
//! all segments, and each segment's values are kept as a flat array of ids per document,
//! made once when the segment appears. A search then only adds up integers: no strings,
//! no column decoding, and no merging of per-segment lists by value.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The index field that holds every facet value of a document as `facet:value`.
const FIELD: &str = "facets";

/// Every facet value seen in the index, each with a stable id.
#[derive(Default, Clone)]
pub struct Dictionary {
    /// `facet:value` by id.
    names: Vec<Arc<str>>,
    /// (`facet:value`, id), sorted by value: for lookups, prefixes and alphabetical order.
    sorted: Vec<(Arc<str>, u32)>,
}

impl Dictionary {
    /// The id of a value, if it was ever indexed.
    fn id(&self, value: &str) -> Option<u32> {
        self.position(value).map(|at| self.sorted[at].1)
    }

    /// Where a value is in `sorted`, if it was ever indexed.
    fn position(&self, value: &str) -> Option<usize> {
        self.sorted
            .binary_search_by(|(name, _)| name.as_ref().cmp(value))
            .ok()
    }

    /// Positions in `sorted` of the values starting with `prefix`.
    fn prefix_range(&self, prefix: &str) -> Range<usize> {
        let start = self
            .sorted
            .partition_point(|(name, _)| name.as_ref() < prefix);
        let len = self.sorted[start..].partition_point(|(name, _)| name.starts_with(prefix));
        start..start + len
    }

    /// Adds values not seen before; returns the ids of `values` in order.
    fn intern(&mut self, values: &[String]) -> Vec<u32> {
        values
            .iter()
            .map(|value| {
                self.id(value).unwrap_or_else(|| {
                    let id = self.names.len() as u32;
                    self.names.push(Arc::from(value.as_str()));
                    // Kept sorted as values arrive; a new segment rarely brings more than a few.
                    let at = self
                        .sorted
                        .partition_point(|(name, _)| name.as_ref() < value.as_str());
                    self.sorted
                        .insert(at, (self.names[id as usize].clone(), id));
                    id
                })
            })
            .collect()
    }
}

/// The facet value ids of each document of one segment.
struct SegmentValues {
    /// `ids[starts[doc]..starts[doc + 1]]` are the document's value ids.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl SegmentValues {
    fn of(&self, doc: DocId) -> &[u32] {
        &self.ids[self.starts[doc as usize] as usize..self.starts[doc as usize + 1] as usize]
    }
}

/// The dictionary and the value arrays of the segments being searched.
#[derive(Default)]
pub struct FacetTable {
    state: Mutex<TableState>,
}

#[derive(Default)]
struct TableState {
    dictionary: Arc<Dictionary>,
    segments: HashMap<SegmentId, Arc<SegmentValues>>,
}

impl FacetTable {
    /// Makes the value arrays of the searcher's segments that are new, and forgets those of
    /// segments that are gone (after merges). Called after every reload, so that searches
    /// find everything prepared.
    pub fn refresh(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let alive: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.lock()
            .segments
            .retain(|segment, _| alive.contains(segment));
        self.prepare(searcher).map(|_| ())
    }

    /// The value arrays of a segment, made now if it is new (its ids are then in the
    /// dictionary).
    fn segment(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentValues>> {
        if let Some(values) = self.lock().segments.get(&segment.segment_id()) {
            return Ok(values.clone());
        }
        let reader = segment.facet_reader(FIELD)?;
        let mut facet = Facet::root();
        let mut names = Vec::with_capacity(reader.num_facets());
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            names.push(
                facet
                    .to_path()
                    .first()
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        // New values get their ids under the lock (ids must never be given twice); the
        // arrays are made outside it, so that searches do not wait for a large segment.
        let local_to_id = {
            let mut state = self.lock();
            let known: Option<Vec<u32>> =
                names.iter().map(|name| state.dictionary.id(name)).collect();
            known.unwrap_or_else(|| Arc::make_mut(&mut state.dictionary).intern(&names))
        };
        let max_doc = segment.max_doc();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ids = Vec::with_capacity(max_doc as usize * 8);
        starts.push(0);
        for doc in 0..max_doc {
            ids.extend(reader.facet_ords(doc).map(|ord| local_to_id[ord as usize]));
            starts.push(ids.len() as u32);
        }
        let values = Arc::new(SegmentValues { starts, ids });
        self.lock()
            .segments
            .insert(segment.segment_id(), values.clone());
        Ok(values)
    }

    /// The value arrays of the searcher's segments (by segment ordinal), and a dictionary
    /// holding all of their ids.
    fn prepare(
        &self,
        searcher: &Searcher,
    ) -> tantivy::Result<(Vec<Arc<SegmentValues>>, Arc<Dictionary>)> {
        let values = searcher
            .segment_readers()
            .iter()
            .map(|segment| self.segment(segment))
            .collect::<tantivy::Result<_>>()?;
        Ok((values, self.lock().dictionary.clone()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TableState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One active facet filter: the values a hit must have one of.
#[derive(Debug, Clone)]
pub struct ValueFilter {
    /// The facet's value prefix, such as `state:`.
    pub facet: String,
    /// Accepted values with that prefix (`state:BY`).
    pub accepted: Vec<String>,
    /// Whether accepted values are prefixes of the stored values (organisations are stored
    /// as `org:slug<separator>name` and filtered by `org:slug<separator>`).
    pub by_prefix: bool,
}

/// Bits per value id: low byte the filters the value satisfies, high byte the filter
/// whose facet the value belongs to.
type Masks = Vec<u16>;

/// The active filters resolved against the value table of one searcher: made once per
/// search and shared by all its attempts.
#[derive(Clone)]
pub struct FacetFilters {
    /// Value arrays by segment ordinal.
    values: Vec<Arc<SegmentValues>>,
    dictionary: Arc<Dictionary>,
    masks: Arc<Masks>,
    /// One bit per filter.
    all: u8,
}

impl FacetFilters {
    /// At most eight filters (there are seven facets).
    pub fn new(
        searcher: &Searcher,
        table: &FacetTable,
        filters: &[ValueFilter],
    ) -> tantivy::Result<Self> {
        assert!(filters.len() <= 8, "at most eight filters fit the bit mask");
        let (values, dictionary) = table.prepare(searcher)?;
        let mut masks = vec![
            0u16;
            if filters.is_empty() {
                0
            } else {
                dictionary.names.len()
            }
        ];
        for (bit, filter) in filters.iter().enumerate() {
            for (_, id) in &dictionary.sorted[dictionary.prefix_range(&filter.facet)] {
                masks[*id as usize] |= 1 << (bit + 8);
            }
            for value in &filter.accepted {
                let range = match filter.by_prefix {
                    true => dictionary.prefix_range(value),
                    false => dictionary.position(value).map_or(0..0, |at| at..at + 1),
                };
                for (_, id) in &dictionary.sorted[range] {
                    masks[*id as usize] |= 1 << bit;
                }
            }
        }
        let all = ((1u16 << filters.len()) - 1) as u8;
        Ok(FacetFilters {
            values,
            dictionary,
            masks: Arc::new(masks),
            all,
        })
    }

    /// A collector that runs `inner` under these filters (see [`FilteredSearch`]).
    pub fn collector<C: Collector>(&self, inner: C) -> FilteredSearch<C> {
        FilteredSearch {
            inner,
            filters: self.clone(),
        }
    }
}

/// Collects with `inner` the hits that pass every filter, and counts facet values the way
/// a faceted search shows them: each facet as if its own filter were not set. A hit that
/// passes every filter counts for every facet; a hit that fails exactly one filter counts
/// only for that filter's facet. So one pass over the hits of the text replaces one extra
/// search per active filter.
pub struct FilteredSearch<C> {
    inner: C,
    filters: FacetFilters,
}

/// Counts per value id of one search, with the dictionary to name them.
pub struct FacetCounts {
    dictionary: Arc<Dictionary>,
    counts: Vec<u32>,
}

impl FacetCounts {
    /// The values of one facet (by prefix, such as `state:`) that have hits, in
    /// alphabetical order: (value without the prefix, count, alphabetical rank).
    pub fn facet<'s>(
        &'s self,
        prefix: &'s str,
    ) -> impl Iterator<Item = (&'s str, u64, usize)> + 's {
        let range = self.dictionary.prefix_range(prefix);
        let start = range.start;
        self.dictionary.sorted[range]
            .iter()
            .enumerate()
            .filter_map(move |(i, (name, id))| {
                let count = self.counts.get(*id as usize).copied().unwrap_or(0);
                (count > 0).then(|| (&name[prefix.len()..], u64::from(count), start + i))
            })
    }
}

/// The per-segment part of [`FilteredSearch`].
pub struct SegmentFilteredSearch<S> {
    inner: S,
    values: Arc<SegmentValues>,
    masks: Arc<Masks>,
    all: u8,
    counts: Vec<u32>,
}

/// What the inner collector gathers in one segment.
type SegmentFruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;

impl<C: Collector> Collector for FilteredSearch<C> {
    type Fruit = (C::Fruit, FacetCounts);
    type Child = SegmentFilteredSearch<C::Child>;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let filters = &self.filters;
        Ok(SegmentFilteredSearch {
            inner: self.inner.for_segment(ordinal, segment)?,
            values: filters.values[ordinal as usize].clone(),
            masks: filters.masks.clone(),
            all: filters.all,
            counts: vec![0u32; filters.dictionary.names.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentFruit<C>, Vec<u32>)>,
    ) -> tantivy::Result<Self::Fruit> {
        let dictionary = &self.filters.dictionary;
        let mut counts = vec![0u32; dictionary.names.len()];
        let mut inner = Vec::with_capacity(fruits.len());
        for (fruit, segment_counts) in fruits {
            inner.push(fruit);
            for (total, count) in counts.iter_mut().zip(segment_counts) {
                *total += count;
            }
        }
        Ok((
            self.inner.merge_fruits(inner)?,
            FacetCounts {
                dictionary: dictionary.clone(),
                counts,
            },
        ))
    }
}

impl<S: SegmentCollector> SegmentCollector for SegmentFilteredSearch<S> {
    type Fruit = (S::Fruit, Vec<u32>);

    fn collect(&mut self, doc: DocId, score: Score) {
        let ids = self.values.of(doc);
        let failed = if self.all == 0 {
            0
        } else {
            let passed = ids
                .iter()
                .fold(0u8, |mask, id| mask | self.masks[*id as usize] as u8);
            self.all & !passed
        };
        if failed == 0 {
            self.inner.collect(doc, score);
            for id in ids {
                self.counts[*id as usize] += 1;
            }
        } else if failed.is_power_of_two() {
            let own = u16::from(failed) << 8;
            for id in ids {
                if self.masks[*id as usize] & own != 0 {
                    self.counts[*id as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> (S::Fruit, Vec<u32>) {
        (self.inner.harvest(), self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_keeps_ids_and_alphabetical_order() {
        let mut dictionary = Dictionary::default();
        let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            dictionary.intern(&owned(&["state:BY", "kind:solution", "state:BE"])),
            [0, 1, 2]
        );
        // A later segment: known values keep their ids, new ones get the next.
        assert_eq!(
            dictionary.intern(&owned(&["org:ulm\u{1f}Stadt Ulm", "state:BE", "state:NW"])),
            [3, 2, 4]
        );
        let sorted: Vec<&str> = dictionary
            .sorted
            .iter()
            .map(|(name, _)| name.as_ref())
            .collect();
        assert_eq!(
            sorted,
            [
                "kind:solution",
                "org:ulm\u{1f}Stadt Ulm",
                "state:BE",
                "state:BY",
                "state:NW"
            ]
        );
        assert_eq!(dictionary.prefix_range("state:"), 2..5);
        assert_eq!(dictionary.prefix_range("org:ulm\u{1f}"), 1..2);
        assert_eq!(
            dictionary.prefix_range("domain:"),
            0..0,
            "no values: an empty range"
        );
        assert_eq!(dictionary.id("state:NW"), Some(4));
        assert_eq!(dictionary.id("state:HH"), None);
        let counts = FacetCounts {
            dictionary: Arc::new(dictionary),
            counts: vec![5, 1, 0, 0, 2],
        };
        let states: Vec<(&str, u64, usize)> = counts.facet("state:").collect();
        assert_eq!(
            states,
            [("BY", 5, 3), ("NW", 2, 4)],
            "values without hits are left out"
        );
    }
}
