//! Searching segments in parallel without idle or spinning threads.
//!
//! Tantivy's own executor hands every segment to a rayon pool and parks the calling thread;
//! afterwards the pool's threads spin (yielding) while they look for more work. On a small
//! machine that spinning takes CPU from the request that is still being answered. Here the
//! calling thread searches its share of the segments itself while helper threads, which sleep
//! on a channel, search the rest. A share no helper has started by the time the caller is done
//! is taken back and searched by the caller, so a busy helper never delays a search.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{Searcher, SegmentReader};

/// One helper's share of a search, run once by whoever takes it first.
type Job = Box<dyn FnOnce() + Send>;
/// A share waiting to be taken.
type Slot = Arc<Mutex<Option<Job>>>;

/// Fruits of some segments, by segment ordinal.
type Fruits<F> = Vec<(u32, tantivy::Result<F>)>;

/// What a collector gathers in one segment.
type SegmentFruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;

/// Helper threads for segment-parallel searches. Cheap to share; the threads end when the
/// pool is dropped.
pub struct SegmentPool {
    queue: Mutex<Sender<Slot>>,
    helpers: usize,
}

impl SegmentPool {
    /// A pool with `helpers` threads (a search then runs on up to `helpers + 1` threads).
    pub fn new(helpers: usize) -> std::io::Result<SegmentPool> {
        let (queue, jobs) = mpsc::channel::<Slot>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..helpers {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("search-helper-{n}"))
                .spawn(move || helper(&jobs))?;
        }
        Ok(SegmentPool {
            queue: Mutex::new(queue),
            helpers,
        })
    }

    /// Runs `query` with `collector` over all segments of `searcher`, like
    /// [`Searcher::search`], with the segments shared between this thread and the helpers.
    pub fn search<C>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        collector: C,
    ) -> tantivy::Result<C::Fruit>
    where
        C: Collector + 'static,
    {
        let scoring = match collector.requires_scoring() {
            true => EnableScoring::enabled_from_searcher(searcher),
            false => EnableScoring::disabled_from_searcher(searcher),
        };
        let weight: Arc<dyn Weight> = Arc::from(query.weight(scoring)?);
        collector.check_schema(searcher.schema())?;
        let collector = Arc::new(collector);
        let shares = shares(searcher.segment_readers(), self.helpers + 1);
        let mut shares = shares.into_iter();
        let own = shares.next().unwrap_or_default();

        // Hand out the other shares; each reports back on its own channel.
        let mut pending: Vec<(Slot, Receiver<Fruits<SegmentFruit<C>>>)> = Vec::new();
        for share in shares.filter(|share| !share.is_empty()) {
            let (report, reported) = mpsc::sync_channel(1);
            let job = share_job(
                searcher.clone(),
                weight.clone(),
                collector.clone(),
                share,
                report,
            );
            let slot: Slot = Arc::new(Mutex::new(Some(job)));
            // Should no helper take it, the caller takes the share back below.
            let _ = lock(&self.queue).send(slot.clone());
            pending.push((slot, reported));
        }

        let mut fruits = collect_share(searcher, weight.as_ref(), collector.as_ref(), &own);
        let mut failed = false;
        for (slot, reported) in pending {
            let unstarted = lock(&slot).take();
            if failed {
                // Work for a search that has failed is dropped, not left in the queue.
                continue;
            }
            if let Some(job) = unstarted {
                job();
            }
            match reported.recv() {
                Ok(theirs) => fruits.extend(theirs),
                Err(_) => failed = true,
            }
        }
        if failed {
            return Err(tantivy::TantivyError::InternalError(
                "a share of the search failed".into(),
            ));
        }
        fruits.sort_by_key(|(ordinal, _)| *ordinal);
        let fruits = fruits
            .into_iter()
            .map(|(_, fruit)| fruit)
            .collect::<tantivy::Result<Vec<_>>>()?;
        collector.merge_fruits(fruits)
    }
}

fn helper(jobs: &Mutex<Receiver<Slot>>) {
    loop {
        let next = lock(jobs).recv();
        let Ok(slot) = next else { return };
        let job = lock(&slot).take();
        if let Some(job) = job {
            // A panicking share fails its own search (its report is never sent) but must not
            // end the helper.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }
}

fn share_job<C: Collector + 'static>(
    searcher: Searcher,
    weight: Arc<dyn Weight>,
    collector: Arc<C>,
    share: Vec<u32>,
    report: SyncSender<Fruits<SegmentFruit<C>>>,
) -> Job {
    Box::new(move || {
        let fruits = collect_share(&searcher, weight.as_ref(), collector.as_ref(), &share);
        // The caller may have given up after an error of its own; nothing to do then.
        let _ = report.send(fruits);
    })
}

fn collect_share<C: Collector>(
    searcher: &Searcher,
    weight: &dyn Weight,
    collector: &C,
    share: &[u32],
) -> Fruits<SegmentFruit<C>> {
    share
        .iter()
        .map(|&ordinal| {
            let reader: &SegmentReader = searcher.segment_reader(ordinal);
            (ordinal, collector.collect_segment(weight, ordinal, reader))
        })
        .collect()
}

/// Segment ordinals dealt into `ways` shares of about equal document counts, largest
/// segments first, each to the share with the fewest documents so far.
fn shares(readers: &[SegmentReader], ways: usize) -> Vec<Vec<u32>> {
    let mut by_size: Vec<(u32, u32)> = readers
        .iter()
        .enumerate()
        .map(|(i, r)| (i as u32, r.max_doc()))
        .collect();
    by_size.sort_by_key(|&(ordinal, docs)| (std::cmp::Reverse(docs), ordinal));
    deal(&by_size, ways)
}

fn deal(by_size: &[(u32, u32)], ways: usize) -> Vec<Vec<u32>> {
    let mut shares: Vec<(u64, Vec<u32>)> = vec![(0, Vec::new()); ways.max(1)];
    for &(ordinal, docs) in by_size {
        let share = shares
            .iter_mut()
            .min_by_key(|(total, _)| *total)
            .expect("at least one share");
        share.0 += u64::from(docs);
        share.1.push(ordinal);
    }
    shares.into_iter().map(|(_, ordinals)| ordinals).collect()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{DocAddress, Index, TantivyDocument, Term};

    /// An index in memory with three segments of 40, 30 and 5 documents: "even" on every
    /// second document.
    fn three_segments() -> (Index, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let field = builder.add_text_field("word", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut n = 0;
        for size in [40, 30, 5] {
            for _ in 0..size {
                let mut doc = TantivyDocument::default();
                doc.add_text(field, if n % 2 == 0 { "even" } else { "odd" });
                writer.add_document(doc).unwrap();
                n += 1;
            }
            writer.commit().unwrap();
        }
        (index, field)
    }

    fn hits(
        pool: &SegmentPool,
        index: &Index,
        field: tantivy::schema::Field,
    ) -> (Vec<DocAddress>, usize) {
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let query = TermQuery::new(
            Term::from_field_text(field, "even"),
            IndexRecordOption::Basic,
        );
        let (top, count) = pool
            .search(
                &searcher,
                &query,
                (TopDocs::with_limit(100).order_by_score(), Count),
            )
            .unwrap();
        let mut addresses: Vec<DocAddress> = top.into_iter().map(|(_, address)| address).collect();
        addresses.sort();
        (addresses, count)
    }

    #[test]
    fn pool_search_finds_what_a_plain_search_finds() {
        let (index, field) = three_segments();
        let searcher = index.reader().unwrap().searcher();
        let query = TermQuery::new(
            Term::from_field_text(field, "even"),
            IndexRecordOption::Basic,
        );
        let mut expected: Vec<DocAddress> = searcher
            .search(&query, &TopDocs::with_limit(100).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        expected.sort();
        assert_eq!(expected.len(), 38);
        let pool = SegmentPool::new(1).unwrap();
        for _ in 0..20 {
            assert_eq!(hits(&pool, &index, field), (expected.clone(), 38));
        }
        // A pool without helper threads searches every segment on the calling thread.
        let alone = SegmentPool::new(0).unwrap();
        assert_eq!(hits(&alone, &index, field), (expected, 38));
    }

    #[test]
    fn shares_balance_documents() {
        // Two big segments and three small ones from recent writes.
        let shares = deal(&[(1, 60_000), (0, 55_000), (3, 20), (2, 5), (4, 1)], 2);
        assert_eq!(shares, [vec![1], vec![0, 3, 2, 4]]);
        assert_eq!(
            deal(&[(0, 10)], 2),
            [vec![0], vec![]],
            "one segment: the caller's share only"
        );
        assert_eq!(deal(&[], 2), [Vec::<u32>::new(), vec![]]);
    }
}
