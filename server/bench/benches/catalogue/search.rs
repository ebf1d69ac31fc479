//! Search: Allmende's search API and engine against PostgreSQL full-text search on the same
//! catalogue, with the fixed query mix (`allmende_bench::query_mix`).
//!
//! PostgreSQL gets its best plain setup: one table of every visible document with a
//! weighted `tsvector` (`german`), a GIN index, `websearch_to_tsquery` + `ts_rank_cd`, and
//! the same answer as Allmende's — top 20 with headlines, the total and the seven facet
//! counts.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use allmende_bench::BenchQuery;
use allmende_server::search::SearchIndex;
use app::query::SearchQuery;
use sqlx::PgPool;

use crate::client::Client;

/// Passes over the query mix for Allmende (after one warm-up pass).
pub const ALLMENDE_PASSES: usize = 5;
/// Passes for PostgreSQL (slower; after one warm-up pass).
const POSTGRES_PASSES: usize = 1;

pub fn search_query(q: &BenchQuery) -> SearchQuery {
    let pairs: Vec<(String, String)> = std::iter::once(("q".to_owned(), q.text.clone()))
        .chain(q.filters.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
        .collect();
    SearchQuery::from_pairs(&pairs, true).expect("query mix is valid")
}

pub fn api_path(q: &BenchQuery) -> String {
    let mut pairs = vec![("q", q.text.clone())];
    pairs.extend(q.filters.iter().cloned());
    app::query::url_with_query("/api/v1/search", &pairs)
}

const FTS_TABLE: &str = r#"
create table bench_fts as
select 'solution'::text as kind, s.slug, s.name, s.short_description, s.long_description as body,
       o.slug as org_slug, o.bundesland as state, s.licence, s.development_status as status, s.categories,
       null::text as domain,
       setweight(to_tsvector('german', s.name), 'A')
       || setweight(to_tsvector('german', s.short_description), 'B')
       || setweight(to_tsvector('german', array_to_string(s.tags || s.features, ' ')), 'C')
       || setweight(to_tsvector('german', s.long_description || ' ' || coalesce(s.short_description_en, '')), 'D')
       || setweight(to_tsvector('german', o.name), 'D') as doc
from solutions s join organisations o on o.id = s.organisation_id
where s.archived_at is null and not s.hidden and not o.hidden
union all
select 'data_model', d.slug, d.name, d.short_description, d.description, o.slug, o.bundesland, d.licence, null,
       '{}'::text[], d.domain,
       setweight(to_tsvector('german', d.name), 'A') || setweight(to_tsvector('german', d.short_description), 'B')
       || setweight(to_tsvector('german', d.description), 'D') || setweight(to_tsvector('german', o.name), 'D')
from data_models d join organisations o on o.id = d.organisation_id
where d.archived_at is null and not d.hidden and not o.hidden
union all
select 'organisation', o.slug, o.name, o.kind, o.description, o.slug, o.bundesland, null, null, '{}'::text[], null,
       setweight(to_tsvector('german', o.name), 'A') || setweight(to_tsvector('german', o.description), 'D')
from organisations o where not o.hidden
"#;

/// Top 20 with headlines, total and the seven facet counts, as Allmende computes them.
const FTS_QUERY: &str = r#"
with q as (select websearch_to_tsquery('german', $1) as tsq),
hits as (
    select f.*, case when $1 = '' then 0 else ts_rank_cd(f.doc, q.tsq) end as rank
    from bench_fts f, q
    where ($1 = '' or f.doc @@ q.tsq)
      and ($2::text[] is null or f.kind = any($2))
      and ($3::text[] is null or f.categories && $3)
      and ($4::text[] is null or f.licence = any($4))
      and ($5::text[] is null or f.status = any($5))
      and ($6::text[] is null or f.org_slug = any($6))
      and ($7::text[] is null or f.state = any($7))
),
top as (select * from hits order by rank desc limit 20)
select
    (select json_agg(json_build_object('slug', slug, 'name', name, 'rank', rank,
            'snippet', ts_headline('german', body, (select tsq from q), 'MaxFragments=1, MaxWords=30'))) from top) as hits,
    (select count(*) from hits) as total,
    (select json_agg(x) from (select kind, count(*) from hits group by kind) x) as f_kind,
    (select json_agg(x) from (select c, count(*) n from hits, unnest(categories) c group by c order by n desc limit 30) x) as f_category,
    (select json_agg(x) from (select licence, count(*) n from hits where licence is not null group by licence order by n desc limit 30) x) as f_licence,
    (select json_agg(x) from (select status, count(*) n from hits where status is not null group by status) x) as f_status,
    (select json_agg(x) from (select org_slug, count(*) n from hits group by org_slug order by n desc limit 30) x) as f_org,
    (select json_agg(x) from (select state, count(*) n from hits where state is not null group by state) x) as f_state,
    (select json_agg(x) from (select domain, count(*) n from hits where domain is not null group by domain) x) as f_domain
"#;

/// Builds PostgreSQL's full-text table and its GIN index.
pub async fn prepare_postgres(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(FTS_TABLE).execute(pool).await?;
    sqlx::query("create index bench_fts_doc on bench_fts using gin (doc)")
        .execute(pool)
        .await?;
    Ok(())
}

fn filter_values(q: &BenchQuery, key: &str) -> Option<Vec<String>> {
    let values: Vec<String> = q
        .filters
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v.clone())
        .collect();
    (!values.is_empty()).then_some(values)
}

async fn postgres_search(pool: &PgPool, q: &BenchQuery) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let _row: (Option<serde_json::Value>, i64) =
        sqlx::query_as::<_, (Option<serde_json::Value>, i64)>(&format!(
            "select hits, total from ({FTS_QUERY}) r"
        ))
        .bind(&q.text)
        .bind(filter_values(q, "kind"))
        .bind(filter_values(q, "category"))
        .bind(filter_values(q, "licence"))
        .bind(filter_values(q, "status"))
        .bind(filter_values(q, "org"))
        .bind(filter_values(q, "state"))
        .fetch_one(pool)
        .await?;
    Ok(started.elapsed())
}

/// What the search passes measured.
#[derive(Debug, Default)]
pub struct Searched {
    pub queries: usize,
    pub with_hits: usize,
    pub meant_to_miss: usize,
    /// Search API over HTTP, one connection.
    pub api: Vec<Duration>,
    /// The slowest API request and its address.
    pub api_slowest: (Duration, String),
    /// The engine in-process.
    pub engine: Vec<Duration>,
    pub by_label: BTreeMap<&'static str, Vec<Duration>>,
    pub postgres: Vec<Duration>,
}

/// The query mix against the API and the engine (alternating passes, so that both see the
/// same conditions), then against PostgreSQL.
pub async fn run(
    client: &mut Client,
    index: &SearchIndex,
    pool: &PgPool,
    mix: &[BenchQuery],
) -> anyhow::Result<Searched> {
    let mut out = Searched {
        queries: mix.len(),
        with_hits: mix
            .iter()
            .filter(|q| {
                index
                    .search(&search_query(q))
                    .map(|r| r.total > 0)
                    .unwrap_or(false)
            })
            .count(),
        meant_to_miss: mix
            .iter()
            .filter(|q| q.label == allmende_bench::NO_HITS)
            .count(),
        ..Searched::default()
    };
    client.fresh().await?;
    for pass in 0..=ALLMENDE_PASSES {
        for q in mix {
            let path = api_path(q);
            let started = Instant::now();
            let status = client.get(&path).await?;
            let elapsed = started.elapsed();
            anyhow::ensure!(status == 200, "{path} answered {status}");
            if pass > 0 {
                out.api.push(elapsed);
                if elapsed > out.api_slowest.0 {
                    out.api_slowest = (elapsed, path);
                }
            }
        }
        for q in mix {
            let query = search_query(q);
            let started = Instant::now();
            let results = index.search(&query)?;
            let elapsed = started.elapsed();
            std::hint::black_box(results);
            if pass > 0 {
                out.engine.push(elapsed);
                out.by_label.entry(q.label).or_default().push(elapsed);
            }
        }
    }
    profile(index, mix)?;
    eprintln!("» PostgreSQL full-text search");
    for pass in 0..=POSTGRES_PASSES {
        for q in mix {
            let elapsed = postgres_search(pool, q).await?;
            if pass > 0 {
                out.postgres.push(elapsed);
            }
        }
    }
    Ok(out)
}

/// For profiling (`perf record -p …`): with `ALLMENDE_BENCH_PROFILE_SECONDS` set, repeats
/// the slowest queries for that long.
fn profile(index: &SearchIndex, mix: &[BenchQuery]) -> anyhow::Result<()> {
    let Ok(seconds) =
        std::env::var("ALLMENDE_BENCH_PROFILE_SECONDS").map(|s| s.parse::<u64>().unwrap_or(20))
    else {
        return Ok(());
    };
    let mut timed: Vec<(Duration, &BenchQuery)> = mix
        .iter()
        .map(|q| {
            let started = Instant::now();
            let _ = index.search(&search_query(q));
            (started.elapsed(), q)
        })
        .collect();
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    for (d, q) in timed.iter().take(12) {
        eprintln!(
            "  slow: {:.2} ms {:?} {:?} {}",
            d.as_secs_f64() * 1000.0,
            q.text,
            q.filters,
            q.label
        );
    }
    eprintln!(
        "» profiling: repeating the 12 slowest queries for {seconds} s (pid {})",
        std::process::id()
    );
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        for (_, q) in timed.iter().take(12) {
            std::hint::black_box(index.search(&search_query(q))?);
        }
    }
    Ok(())
}
