//! Search benchmark: Allmende's search against PostgreSQL full-text search on the same
//! synthetic catalogue, measured in one run, printed as one table.
//!
//! `scripts/bench.sh` runs it (release build; installs wrk for the page load test).
//! `ALLMENDE_BENCH_SCALE=0.1` runs it on a tenth of the data for a quick look.
//!
//! Steps: start a private PostgreSQL, generate 100 000 solutions, 10 000 data models and
//! 11 000 organisations, build the index (timed), run the query mix against the HTTP search
//! API, the in-process engine and PostgreSQL FTS (`german`, GIN, `websearch_to_tsquery` +
//! `ts_rank_cd`, facets and headlines in SQL), time write-to-searchable, and load the SSR
//! search page with wrk (16 connections).

use std::io::Write as _;
use std::time::{Duration, Instant};

use allmende_bench::{BenchQuery, Scale};
use allmende_server::embedded_pg::EmbeddedPostgres;
use allmende_server::http::{self, AppState};
use allmende_server::search::SearchIndex;
use app::query::SearchQuery;
use app::site::{Operator, SiteConfig};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The allocator of the `allmende` binary, so that the numbers are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Passes over the query mix for Allmende (after one warm-up pass).
const ALLMENDE_PASSES: usize = 5;
/// Passes for PostgreSQL (slower; after one warm-up pass).
const POSTGRES_PASSES: usize = 1;
/// Writes timed until searchable.
const WRITES: usize = 20;

fn scale() -> Scale {
    let factor: f64 = std::env::var("ALLMENDE_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    let of = |n: u32| ((f64::from(n) * factor).round() as u32).max(30);
    Scale {
        organisations: of(Scale::BENCHMARK.organisations),
        solutions: of(Scale::BENCHMARK.solutions),
        data_models: of(Scale::BENCHMARK.data_models),
    }
}

fn step(text: &str) {
    eprintln!("» {text}");
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn search_query(q: &BenchQuery) -> SearchQuery {
    let pairs: Vec<(String, String)> = std::iter::once(("q".to_owned(), q.text.clone()))
        .chain(q.filters.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
        .collect();
    SearchQuery::from_pairs(&pairs, true).expect("query mix is valid")
}

fn api_path(q: &BenchQuery) -> String {
    let mut pairs = vec![("q", q.text.clone())];
    pairs.extend(q.filters.iter().cloned());
    app::query::url_with_query("/api/v1/search", &pairs)
}

/// A minimal HTTP/1.1 keep-alive client: GET, read the whole response.
struct Client {
    stream: tokio::net::TcpStream,
    buffer: Vec<u8>,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr) -> Client {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
        }
    }

    /// Status code and body length.
    async fn get(&mut self, path: &str) -> (u16, usize) {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        self.stream.write_all(request.as_bytes()).await.unwrap();
        self.buffer.clear();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let n = self.stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed");
            self.buffer.extend_from_slice(&chunk[..n]);
            let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&self.buffer[..end]).to_lowercase();
            let status: u16 = head[9..12].parse().unwrap();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .expect("JSON answers carry a content length");
            while self.buffer.len() < end + 4 + length {
                let n = self.stream.read(&mut chunk).await.unwrap();
                assert!(n > 0, "connection closed");
                self.buffer.extend_from_slice(&chunk[..n]);
            }
            return (status, length);
        }
    }
}

const FTS_TABLE: &str = r#"
create table bench_fts as
select 'solution'::text as kind, s.slug, s.name, s.short_description, s.long_description as body,
       o.slug as org_slug, o.bundesland as state, s.licence, s.development_status as status, s.categories,
       null::text as domain, r.reuse_count,
       setweight(to_tsvector('german', s.name), 'A')
       || setweight(to_tsvector('german', s.short_description), 'B')
       || setweight(to_tsvector('german', array_to_string(s.tags || s.features, ' ')), 'C')
       || setweight(to_tsvector('german', s.long_description || ' ' || coalesce(s.short_description_en, '')), 'D')
       || setweight(to_tsvector('german', o.name), 'D') as doc
from solutions s join organisations o on o.id = s.organisation_id join solution_reuse r on r.solution_id = s.id
where s.archived_at is null and not s.hidden and not o.hidden
union all
select 'data_model', d.slug, d.name, d.short_description, d.description, o.slug, o.bundesland, d.licence, null,
       '{}'::text[], d.domain, r.reuse_count,
       setweight(to_tsvector('german', d.name), 'A') || setweight(to_tsvector('german', d.short_description), 'B')
       || setweight(to_tsvector('german', d.description), 'D') || setweight(to_tsvector('german', o.name), 'D')
from data_models d join organisations o on o.id = d.organisation_id join data_model_reuse r on r.data_model_id = d.id
where d.archived_at is null and not d.hidden and not o.hidden
union all
select 'organisation', o.slug, o.name, o.kind, o.description, o.slug, o.bundesland, null, null, '{}'::text[], null, 0,
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

fn filter_values(q: &BenchQuery, key: &str) -> Option<Vec<String>> {
    let values: Vec<String> = q
        .filters
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v.clone())
        .collect();
    (!values.is_empty()).then_some(values)
}

async fn postgres_search(pool: &PgPool, q: &BenchQuery) -> Duration {
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
        .await
        .unwrap();
    started.elapsed()
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().to_owned())
            })
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs wrk against a URL; (requests per second, p99 latency) from its output.
fn wrk(url: &str) -> Option<(f64, String)> {
    let output = std::process::Command::new("wrk")
        .args(["-t2", "-c16", "-d10s", "--latency", url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .map(|v| v.trim().to_owned())?;
    let non_2xx = text.lines().any(|l| l.contains("Non-2xx"));
    assert!(!non_2xx, "wrk saw error answers:\n{text}");
    Some((rps, p99))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let scale = scale();
    let work = tempfile::tempdir()?;
    step("starting a private PostgreSQL");
    let pg = EmbeddedPostgres::start(
        &work.path().join("pg"),
        EmbeddedPostgres::find_bin_dir(None)?,
    )
    .await?;
    let result = run(&pg, &scale, work.path()).await;
    pg.stop().await?;
    result
}

async fn run(pg: &EmbeddedPostgres, scale: &Scale, work: &std::path::Path) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(pg.connect_options())
        .await?;
    allmende_server::MIGRATOR.run(&pool).await?;
    step(&format!(
        "generating {} organisations, {} solutions, {} data models",
        scale.organisations, scale.solutions, scale.data_models
    ));
    let started = Instant::now();
    allmende_bench::generate(&pool, scale, 2026, &|name, done, total| {
        eprint!("\r  {name}: {done}/{total}          ");
        let _ = std::io::stderr().flush();
    })
    .await?;
    eprintln!("\n  generated in {:.1} s", started.elapsed().as_secs_f64());

    step("building the search index");
    let index = SearchIndex::open(&work.join("index"), &pool, &|_, _| {}).await?;
    let rebuild = index.rebuild(&pool, &|_, _| {}).await?;
    let merge_started = Instant::now();
    index.optimize().await?;
    let merge = merge_started.elapsed();
    let index_mib = index.size_bytes() as f64 / 1024.0 / 1024.0;

    step("building the PostgreSQL full-text table and GIN index");
    sqlx::query(FTS_TABLE).execute(&pool).await?;
    sqlx::query("create index bench_fts_doc on bench_fts using gin (doc)")
        .execute(&pool)
        .await?;
    // Vacuum and analyse now, so that autovacuum does not start during the measurements.
    sqlx::query("vacuum analyze").execute(&pool).await?;
    // And write the freshly loaded data out now: otherwise the checkpointer flushes a
    // gigabyte of dirty pages during the first measurements.
    sqlx::query("checkpoint").execute(&pool).await?;

    step("starting the server on loopback");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState {
        leptos_options: http::leptos_options(std::path::Path::new("target/site"), addr),
        catalogue: allmende_server::catalogue(pool.clone(), index.clone()),
        public_catalogue: allmende_server::catalogue(pool.clone(), index.clone()),
        read_pools: allmende_server::db::replicas::ReadPools::primary_only(pool.clone()),
        site: SiteConfig {
            public_url: format!("http://{addr}"),
            operator: Operator::default(),
            demo: false,
        },
        accounts: allmende_server::accounts::Accounts::new(pool.clone()),
        entries: allmende_server::services::entries::Entries::new(pool.clone()),
        payload_checks: allmende_server::services::payload_check::PayloadChecks::new(),
        search: Some(index.clone()),
        metrics: Default::default(),
    };
    let server = tokio::spawn(async move { axum::serve(listener, http::router(state)).await });
    let (stop_follower, stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = {
        let (index, pool) = (index.clone(), pool.clone());
        tokio::spawn(async move {
            index
                .follow(pool, async {
                    let _ = stopped.await;
                })
                .await
        })
    };

    let mix = allmende_bench::query_mix();
    let found = mix
        .iter()
        .filter(|q| {
            index
                .search(&search_query(q))
                .map(|r| r.total > 0)
                .unwrap_or(false)
        })
        .count();
    let meant_to_miss = mix
        .iter()
        .filter(|q| q.label == allmende_bench::NO_HITS)
        .count();
    step(&format!(
        "query mix: {} queries, {found} with hits ({meant_to_miss} are meant to find nothing)",
        mix.len()
    ));

    // API and engine passes alternate, so that both see the same conditions.
    step("Allmende search API over HTTP and the search engine in-process, alternating passes");
    let mut client = Client::connect(addr).await;
    let mut api = Vec::new();
    let mut engine = Vec::new();
    let mut by_label: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    for pass in 0..=ALLMENDE_PASSES {
        for q in &mix {
            let path = api_path(q);
            let started = Instant::now();
            let (status, _) = client.get(&path).await;
            let elapsed = started.elapsed();
            assert_eq!(status, 200, "{path}");
            if pass > 0 {
                api.push(elapsed);
            }
        }
        for q in &mix {
            let query = search_query(q);
            let started = Instant::now();
            let results = index.search(&query)?;
            let elapsed = started.elapsed();
            std::hint::black_box(results);
            if pass > 0 {
                engine.push(elapsed);
                by_label.entry(q.label).or_default().push(elapsed);
            }
        }
    }

    // For profiling (perf record -p …): repeat the slowest queries for a while.
    if let Ok(seconds) =
        std::env::var("ALLMENDE_BENCH_PROFILE_SECONDS").map(|s| s.parse::<u64>().unwrap_or(20))
    {
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
                "  slow: {} {:?} {:?} {}",
                ms(*d),
                q.text,
                q.filters,
                q.label
            );
        }
        step(&format!(
            "profiling: repeating the 12 slowest queries for {seconds} s (pid {})",
            std::process::id()
        ));
        let until = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < until {
            for (_, q) in timed.iter().take(12) {
                std::hint::black_box(index.search(&search_query(q))?);
            }
        }
    }

    step("PostgreSQL full-text search");
    let mut postgres = Vec::new();
    for pass in 0..=POSTGRES_PASSES {
        for q in &mix {
            let elapsed = postgres_search(&pool, q).await;
            if pass > 0 {
                postgres.push(elapsed);
            }
        }
    }

    step("write to searchable");
    let org: uuid::Uuid = sqlx::query_scalar("select id from organisations order by slug limit 1")
        .fetch_one(&pool)
        .await?;
    let mut visible = Vec::new();
    for i in 0..WRITES {
        let word = format!(
            "Zeitmessprobe{}",
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "k"][i % 10].repeat(i / 10 + 1)
        );
        let started = Instant::now();
        sqlx::query(
            r#"insert into solutions (slug, organisation_id, name, short_description, repository_url, licence,
                                      development_status, software_type, maintenance_type)
               values ($1, $2, $3, 'Ein Eintrag zum Messen der Aktualisierung.', 'https://example.org/x', 'EUPL-1.2',
                       'beta', 'standalone/web', 'internal')"#,
        )
        .bind(format!("zeitmessung-{i}"))
        .bind(org)
        .bind(&word)
        .execute(&pool)
        .await?;
        let slug = format!("zeitmessung-{i}");
        loop {
            // Typo tolerance would find the previous probe; wait for this one.
            if index
                .search(&SearchQuery::text(&word))?
                .hits
                .iter()
                .any(|h| h.slug == slug)
            {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(30),
                "write never became searchable"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        visible.push(started.elapsed());
    }

    step("SSR search page under load (wrk, 16 connections, 10 s)");
    let page = wrk(&format!("http://{addr}/suche?q=Friedhofsverwaltung"));
    let api_load = wrk(&format!(
        "http://{addr}/api/v1/search?q=Abfallkalender&state=BY"
    ));

    let _ = stop_follower.send(());
    let _ = follower.await;
    server.abort();

    let (api50, api99) = (percentile(&mut api, 50.0), percentile(&mut api, 99.0));
    let (eng50, eng99) = (percentile(&mut engine, 50.0), percentile(&mut engine, 99.0));
    let (pg50, pg99) = (
        percentile(&mut postgres, 50.0),
        percentile(&mut postgres, 99.0),
    );
    let (vis50, vis_max) = (
        percentile(&mut visible, 50.0),
        percentile(&mut visible, 100.0),
    );
    let ratio = pg99.as_secs_f64() / api99.as_secs_f64();
    println!();
    println!(
        "Allmende search benchmark — {} solutions, {} data models, {} organisations; {} queries × {} passes",
        scale.solutions,
        scale.data_models,
        scale.organisations,
        mix.len(),
        ALLMENDE_PASSES
    );
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| search API over HTTP, p50 / p99 | {} / {} | p99 ≤ 5 ms |",
        ms(api50),
        ms(api99)
    );
    println!(
        "| search engine in-process, p50 / p99 | {} / {} | |",
        ms(eng50),
        ms(eng99)
    );
    println!(
        "| PostgreSQL FTS + facets + headlines, p50 / p99 | {} / {} | |",
        ms(pg50),
        ms(pg99)
    );
    println!("| PostgreSQL p99 ÷ Allmende API p99 | {ratio:.0}× | ≥ 50× |");
    println!(
        "| full reindex ({} documents), until searchable | {:.1} s | ≤ 30 s |",
        rebuild.documents,
        rebuild.elapsed.as_secs_f64()
    );
    println!(
        "| then merging into one segment per search thread | {:.1} s | |",
        merge.as_secs_f64()
    );
    println!("| index size | {index_mib:.0} MiB | |");
    println!(
        "| write → searchable, p50 / max of {WRITES} | {} / {} | ≤ 1 s |",
        ms(vis50),
        ms(vis_max)
    );
    match page {
        Some((rps, p99)) => println!(
            "| SSR /suche under wrk -c16, req/s / p99 | {rps:.0} / {p99} | ≥ 1 000 / ≤ 50 ms |"
        ),
        None => println!("| SSR /suche under wrk -c16 | wrk not installed (apt install wrk) | |"),
    }
    if let Some((rps, p99)) = api_load {
        println!("| search API under wrk -c16, req/s / p99 | {rps:.0} / {p99} | |");
    }
    println!(
        "| peak memory of the benchmark process | {:.0} MiB | |",
        peak_rss_mib()
    );
    println!();
    println!("| query kind (engine in-process) | queries | p50 | p99 |");
    println!("|---|---|---|---|");
    for (label, samples) in &mut by_label {
        let n = samples.len() / ALLMENDE_PASSES;
        println!(
            "| {label} | {n} | {} | {} |",
            ms(percentile(samples, 50.0)),
            ms(percentile(samples, 99.0))
        );
    }
    Ok(())
}
