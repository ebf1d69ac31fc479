//! The catalogue benchmark: every page kind, the JSON API and search on a synthetic
//! catalogue, one table per catalogue size, each with its targets.
//!
//! `scripts/bench.sh` runs it (release build; installs wrk). Sizes: 10 000 and 100 000
//! solutions, with `--million` also 1 000 000 (data models and organisations in proportion:
//! one model per ten solutions, eleven organisations per hundred). `ALLMENDE_BENCH_SCALE=0.1`
//! runs only one size, that share of 100 000, for a quick look.
//!
//! Per size, on a fresh private PostgreSQL: generate the catalogue (forks and adoptions
//! included), give a few entries two more versions through the publishing service, build the
//! search index (timed; peak memory), build PostgreSQL's full-text table, start the server
//! in-process, then
//! 1. search: the query mix against the search API, the engine in-process and PostgreSQL FTS;
//! 2. each page kind (`pages.rs`): every address once to warm up, 20–200 timed requests at one
//!    keep-alive connection (fewer for pages taking seconds), wrk with 16 connections for 5 s
//!    (up to 30 s for slow pages, none beyond 3 s), then wait until the server and PostgreSQL
//!    are idle again;
//! 3. write to visible: searchable, in the API list and its total, on the start page and in
//!    its count.
//!
//! The server's peak memory is measured from after the catalogue was generated (`memory.rs`).

mod client;
mod load;
mod memory;
mod pages;
mod search;
mod server;
mod writes;

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use allmende_bench::Scale;
use allmende_server::embedded_pg::EmbeddedPostgres;
use allmende_server::search::{Build, SearchIndex};

use crate::memory::{Memory, Peak};
use crate::pages::{Class, Row};

/// The allocator of the `allmende` binary, so that the numbers are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entries (of each kind) given three versions for the history and compare pages.
const VERSIONED: usize = 20;

const USAGE: &str = "usage: cargo bench -p allmende-bench --bench catalogue [-- --million]";

/// The sizes to run, from the arguments and `ALLMENDE_BENCH_SCALE`.
fn scales() -> anyhow::Result<Vec<Scale>> {
    let mut million = false;
    // `cargo bench` passes `--bench`.
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--million" => million = true,
            "--bench" => {}
            other => anyhow::bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    if let Ok(factor) = std::env::var("ALLMENDE_BENCH_SCALE") {
        let factor: f64 = factor
            .parse()
            .map_err(|_| anyhow::anyhow!("ALLMENDE_BENCH_SCALE is not a number: {factor:?}"))?;
        let solutions = (f64::from(Scale::BENCHMARK.solutions) * factor).round() as u32;
        return Ok(vec![Scale::proportional(solutions)]);
    }
    let mut sizes = vec![10_000, 100_000];
    if million {
        sizes.push(1_000_000);
    }
    Ok(sizes.into_iter().map(Scale::proportional).collect())
}

/// The targets of issue 17 for a size: those for 1 000 000 from there on, else those for
/// 100 000 (which a smaller catalogue must meet as well).
struct Targets {
    page_p99: Duration,
    search_p99: Duration,
    list_rps: Option<f64>,
    detail_rps: Option<f64>,
    /// PostgreSQL p99 ÷ search API p99.
    ratio: Option<f64>,
    reindex: Duration,
    server_rss_mib: Option<f64>,
    visible: Duration,
}

impl Targets {
    fn for_scale(scale: &Scale) -> Targets {
        if scale.solutions >= 1_000_000 {
            Targets {
                page_p99: Duration::from_millis(50),
                search_p99: Duration::from_millis(5),
                list_rps: None,
                detail_rps: None,
                ratio: None,
                reindex: Duration::from_secs(150),
                server_rss_mib: Some(1024.0),
                visible: Duration::from_secs(1),
            }
        } else {
            Targets {
                page_p99: Duration::from_millis(20),
                search_p99: Duration::from_millis(2),
                list_rps: Some(1_000.0),
                detail_rps: Some(1_500.0),
                ratio: Some(100.0),
                reindex: Duration::from_secs(30),
                server_rss_mib: None,
                visible: Duration::from_secs(1),
            }
        }
    }

    fn p99(&self, class: Class) -> Duration {
        match class {
            Class::Search => self.search_p99,
            Class::List | Class::Detail => self.page_p99,
        }
    }

    fn rps(&self, class: Class) -> Option<f64> {
        match class {
            Class::List => self.list_rps,
            Class::Detail => self.detail_rps,
            Class::Search => None,
        }
    }
}

fn step(text: &str) {
    eprintln!("» {text}");
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    let millis = d.as_secs_f64() * 1000.0;
    if millis >= 100.0 {
        format!("{millis:.0} ms")
    } else if millis >= 10.0 {
        format!("{millis:.1} ms")
    } else {
        format!("{millis:.2} ms")
    }
}

fn mark(ok: bool) -> &'static str {
    if ok { " ✓" } else { " ✗" }
}

/// `1 000 000`
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// p50 / max of times to visible, or how many never became visible.
fn visible_cell(times: &[Option<Duration>], target: Duration) -> String {
    let seen: Vec<Duration> = times.iter().flatten().copied().collect();
    let missing = times.len() - seen.len();
    if missing > 0 {
        return format!("{missing} of {} not within 30 s ✗", times.len());
    }
    let max = percentile(&seen, 100.0);
    format!(
        "{} / {}{}",
        ms(percentile(&seen, 50.0)),
        ms(max),
        mark(max <= target)
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let scales = scales()?;
    let memory = Memory::watch();
    if !load::available() {
        eprintln!("wrk is not installed (apt install wrk): throughput columns stay empty");
    }
    let began = Instant::now();
    for scale in &scales {
        let report = run_scale(scale, &memory).await?;
        // Each table as soon as its size is done, so a long run shows results early.
        println!("{report}");
        let _ = std::io::stdout().flush();
    }
    eprintln!(
        "benchmark done in {:.0} min",
        began.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

async fn run_scale(scale: &Scale, memory: &Memory) -> anyhow::Result<String> {
    let work = tempfile::tempdir()?;
    step(&format!(
        "{} solutions: starting a private PostgreSQL",
        grouped(scale.solutions.into())
    ));
    let pg = EmbeddedPostgres::start(
        &work.path().join("pg"),
        EmbeddedPostgres::find_bin_dir(None)?,
    )
    .await?;
    let result = measure(&pg, scale, work.path(), memory).await;
    pg.stop().await?;
    result
}

/// What one size measured besides the page rows.
struct Facts {
    generated: Duration,
    generator_peak: Peak,
    forks: i64,
    adoptions: i64,
    reused: i64,
    revisions: i64,
    reindex_documents: u64,
    reindex: Duration,
    merge: Duration,
    index_mib: f64,
    reindex_peak: Peak,
    serving_peak: Peak,
    total: Duration,
}

async fn measure(
    pg: &EmbeddedPostgres,
    scale: &Scale,
    work: &std::path::Path,
    memory: &Memory,
) -> anyhow::Result<String> {
    let began = Instant::now();
    // As many connections as `allmende serve` opens (server/src/lib.rs).
    let pool = allmende_server::db::pool_options()
        .max_connections(16)
        .connect_with(pg.connect_options())
        .await?;
    allmende_server::MIGRATOR.run(&pool).await?;
    step(&format!(
        "generating {} organisations, {} solutions, {} data models",
        scale.organisations, scale.solutions, scale.data_models
    ));
    memory.reset();
    let started = Instant::now();
    allmende_bench::generate(&pool, scale, 2026, &|name, done, total| {
        eprint!("\r  {name}: {done}/{total}          ");
        let _ = std::io::stderr().flush();
    })
    .await?;
    let generated = started.elapsed();
    let generator_peak = memory.peak();
    eprintln!("\n  generated in {:.1} s", generated.as_secs_f64());

    step("two more versions for some entries (history and compare pages)");
    let history = pages::add_revisions(&pool, VERSIONED).await?;
    // Vacuum and analyse now, so that autovacuum does not start during the measurements,
    // and write the freshly loaded data out: otherwise the checkpointer flushes gigabytes
    // of dirty pages during the first measurements.
    sqlx::query("vacuum analyze").execute(&pool).await?;
    sqlx::query("checkpoint").execute(&pool).await?;

    step("building the search index");
    memory.reset();
    let index =
        SearchIndex::open_with(&work.join("index"), &pool, Build::Never, &|_, _| {}).await?;
    let rebuild = index.rebuild(&pool, &|_, _| {}).await?;
    let merge_started = Instant::now();
    index.optimize().await?;
    let merge = merge_started.elapsed();
    let reindex_peak = memory.peak();
    let index_mib = index.size_bytes() as f64 / 1024.0 / 1024.0;

    step("building the PostgreSQL full-text table and GIN index");
    search::prepare_postgres(&pool).await?;
    sqlx::query("vacuum analyze").execute(&pool).await?;
    sqlx::query("checkpoint").execute(&pool).await?;

    let one = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await }
    };
    let forks = one("select count(*) from solutions where forked_from is not null").await?
        + one("select count(*) from data_models where forked_from is not null").await?;
    let adoptions = one("select count(*) from adoptions").await?;
    let reused = one(
        "select count(*) from solutions s where exists (select 1 from adoptions a where a.solution_id = s.id)
            or exists (select 1 from solutions f where f.forked_from = s.id)",
    )
    .await?;
    let revisions = one("select count(*) from revisions").await?;

    step("starting the server on loopback");
    let server = server::Server::start(&pool, &index).await?;
    let mut client = client::Client::connect(server.addr).await?;
    memory.reset();

    // Search first, on a quiet server (as the search benchmark always measured it).
    let mix = allmende_bench::query_mix();
    step("search API over HTTP and the search engine in-process, alternating passes");
    let searched = search::run(&mut client, &index, &pool, &mix).await?;

    let search_texts: Vec<String> = mix
        .iter()
        .filter(|q| q.filters.is_empty() && q.label != allmende_bench::NO_HITS)
        .map(|q| q.text.clone())
        .step_by(4)
        .collect();
    let kinds = pages::kinds(
        &pool,
        &history,
        &search_texts,
        mix.iter().map(search::api_path).collect(),
    )
    .await?;
    let load_dir = tempfile::tempdir()?;
    let mut rows: Vec<Row> = Vec::new();
    for (i, kind) in kinds.into_iter().enumerate() {
        let n = i + 1;
        step(&format!(
            "page kind {n}: {} ({} addresses)",
            kind.name,
            kind.paths.len()
        ));
        let mut timed = pages::time(&mut client, &kind).await?;
        if kind.class == Class::Search {
            // The search API's row shows the longer series of the search passes.
            timed.samples = searched.api.clone();
            timed.slowest = searched.api_slowest.clone();
        }
        let p50 = percentile(&timed.samples, 50.0);
        let load = if p50 <= pages::LOAD_LIMIT {
            pages::load(
                &server,
                &pool,
                &kind,
                pages::load_seconds(p50),
                load_dir.path(),
            )
            .await
        } else {
            None
        };
        eprintln!(
            "  p50 {} p99 {} ({} requests); wrk {}",
            ms(p50),
            ms(percentile(&timed.samples, 99.0)),
            timed.samples.len(),
            load.as_ref().map_or("-".into(), |l| format!(
                "{:.0} req/s in {} s",
                l.requests_per_second, l.seconds
            ))
        );
        rows.push(Row { kind, timed, load });
    }

    step("write to visible");
    let visible = writes::run(&pool, &index, server.addr).await?;
    let serving_peak = memory.peak();
    server.stop().await;

    let facts = Facts {
        generated,
        generator_peak,
        forks,
        adoptions,
        reused,
        revisions,
        reindex_documents: rebuild.documents,
        reindex: rebuild.elapsed,
        merge,
        index_mib,
        reindex_peak,
        serving_peak,
        total: began.elapsed(),
    };
    Ok(report(scale, &facts, &rows, &searched, &visible, memory))
}

fn report(
    scale: &Scale,
    facts: &Facts,
    rows: &[Row],
    searched: &search::Searched,
    visible: &writes::Visible,
    memory: &Memory,
) -> String {
    let targets = Targets::for_scale(scale);
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n## {} solutions, {} data models, {} organisations\n",
        grouped(scale.solutions.into()),
        grouped(scale.data_models.into()),
        grouped(scale.organisations.into())
    );
    let _ = writeln!(
        w,
        "Catalogue: {} solutions and data models forked, {} adoptions, {} solutions reused (forked or adopted), \
         {} revisions; generated in {:.0} s (generator peak memory {:.0} MiB). Benchmark of this size: {:.0} min.\n",
        grouped(facts.forks as u64),
        grouped(facts.adoptions as u64),
        grouped(facts.reused as u64),
        grouped(facts.revisions as u64),
        facts.generated.as_secs_f64(),
        facts.generator_peak.resident_mib,
        facts.total.as_secs_f64() / 60.0
    );
    let _ = writeln!(
        w,
        "Targets: {}.\n",
        if scale.solutions >= 1_000_000 {
            "those for 1 000 000"
        } else {
            "those for 100 000"
        }
    );

    // Search and the system
    let api99 = percentile(&searched.api, 99.0);
    let pg99 = percentile(&searched.postgres, 99.0);
    let ratio = pg99.as_secs_f64() / api99.as_secs_f64().max(1e-9);
    let _ = writeln!(w, "| measure | result | target |");
    let _ = writeln!(w, "|---|---|---|");
    let _ = writeln!(
        w,
        "| search API over HTTP, p50 / p99 ({} queries × {} passes, {} with hits, {} meant to miss) | {} / {}{} | p99 ≤ {} |",
        searched.queries,
        search::ALLMENDE_PASSES,
        searched.with_hits,
        searched.meant_to_miss,
        ms(percentile(&searched.api, 50.0)),
        ms(api99),
        mark(api99 <= targets.search_p99),
        ms(targets.search_p99)
    );
    let _ = writeln!(
        w,
        "| search engine in-process, p50 / p99 | {} / {} | |",
        ms(percentile(&searched.engine, 50.0)),
        ms(percentile(&searched.engine, 99.0))
    );
    let _ = writeln!(
        w,
        "| PostgreSQL FTS + facets + headlines, p50 / p99 | {} / {} | |",
        ms(percentile(&searched.postgres, 50.0)),
        ms(pg99)
    );
    match targets.ratio {
        Some(t) => {
            let _ = writeln!(
                w,
                "| PostgreSQL p99 ÷ search API p99 | {ratio:.0}×{} | ≥ {t:.0}× |",
                mark(ratio >= t)
            );
        }
        None => {
            let _ = writeln!(w, "| PostgreSQL p99 ÷ search API p99 | {ratio:.0}× | |");
        }
    }
    let _ = writeln!(
        w,
        "| full reindex ({} documents), until searchable | {:.1} s{} | ≤ {} s |",
        grouped(facts.reindex_documents),
        facts.reindex.as_secs_f64(),
        mark(facts.reindex <= targets.reindex),
        targets.reindex.as_secs()
    );
    let _ = writeln!(
        w,
        "| then merging into one segment per search thread | {:.1} s | |",
        facts.merge.as_secs_f64()
    );
    let _ = writeln!(w, "| index size | {:.0} MiB | |", facts.index_mib);
    let reset_note = if memory.resettable() {
        ""
    } else {
        " (clear_refs refused: since start)"
    };
    let rss_target = targets
        .server_rss_mib
        .map_or(String::new(), |t| format!("≤ {t:.0} MiB"));
    let rss_mark = |mib: f64| targets.server_rss_mib.map_or("", |t| mark(mib <= t));
    let _ = writeln!(
        w,
        "| peak RSS of the server while reindexing (anonymous: without mapped index files){reset_note} | {:.0} MiB{} (anon. {:.0} MiB) | {rss_target} |",
        facts.reindex_peak.resident_mib,
        rss_mark(facts.reindex_peak.resident_mib),
        facts.reindex_peak.anonymous_mib
    );
    let _ = writeln!(
        w,
        "| peak RSS of the server while serving every measurement below{reset_note} | {:.0} MiB{} (anon. {:.0} MiB) | {rss_target} |",
        facts.serving_peak.resident_mib,
        rss_mark(facts.serving_peak.resident_mib),
        facts.serving_peak.anonymous_mib
    );
    let n = visible.searchable.len();
    let _ = writeln!(
        w,
        "| write → searchable, p50 / max of {n} | {} | ≤ {} s |",
        visible_cell(&visible.searchable, targets.visible),
        targets.visible.as_secs()
    );
    let _ = writeln!(
        w,
        "| write → in /api/v1/solutions?sort=newest and its total, p50 / max of {n} | {} | ≤ {} s |",
        visible_cell(&visible.api_list, targets.visible),
        targets.visible.as_secs()
    );
    let _ = writeln!(
        w,
        "| write → on the start page and in its count, p50 / max of {n} | {} | ≤ {} s |",
        visible_cell(&visible.start_page, targets.visible),
        targets.visible.as_secs()
    );

    // Pages
    let _ = writeln!(
        w,
        "\n| page kind | addresses | requests | p50 | p99 | target p99 | req/s, wrk -c{} | wrk p99 | target req/s |",
        load::CONNECTIONS,
    );
    let _ = writeln!(w, "|---|---|---|---|---|---|---|---|---|");
    let mut missed = Vec::new();
    for row in rows {
        let p50 = percentile(&row.timed.samples, 50.0);
        let p99 = percentile(&row.timed.samples, 99.0);
        let target99 = targets.p99(row.kind.class);
        let example: String = row.kind.paths[0].chars().take(60).collect();
        let more = if row.kind.paths.len() > 1 {
            format!(" +{}", row.kind.paths.len() - 1)
        } else {
            String::new()
        };
        let errors = if row.timed.errors > 0 {
            format!(" ({} not 200)", row.timed.errors)
        } else {
            String::new()
        };
        let target_rps = targets.rps(row.kind.class);
        let (rps, wrk99) = match &row.load {
            Some(l) => {
                let errors = if l.errors > 0 {
                    format!(" ({} errors)", l.errors)
                } else {
                    String::new()
                };
                let errors = if l.seconds == pages::LOAD_SECONDS {
                    errors
                } else {
                    format!(" (in {} s){errors}", l.seconds)
                };
                (
                    format!(
                        "{:.0}{}{errors}",
                        l.requests_per_second,
                        target_rps.map_or("", |t| mark(l.requests_per_second >= t))
                    ),
                    l.p99.map_or("-".into(), ms),
                )
            }
            None if p50 > pages::LOAD_LIMIT => (
                format!("not run (p50 > {} s)", pages::LOAD_LIMIT.as_secs()),
                "-".into(),
            ),
            None => ("-".into(), "-".into()),
        };
        let _ = writeln!(
            w,
            "| {} | `{example}`{more} | {}{errors} | {} | {}{} | ≤ {} | {rps} | {wrk99} | {} |",
            row.kind.name,
            row.timed.samples.len(),
            ms(p50),
            ms(p99),
            mark(p99 <= target99),
            ms(target99),
            target_rps.map_or(String::new(), |t| format!("≥ {t:.0}"))
        );
        if p99 > target99 {
            missed.push(format!(
                "- {}: slowest {} at `{}`",
                row.kind.name,
                ms(row.timed.slowest.0),
                row.timed.slowest.1
            ));
        }
    }
    if !missed.is_empty() {
        let _ = writeln!(
            w,
            "\nSlowest single requests of the kinds over their p99 target:"
        );
        for line in missed {
            let _ = writeln!(w, "{line}");
        }
    }

    // Search by query kind
    let _ = writeln!(
        w,
        "\n| query kind (engine in-process) | queries | p50 | p99 |"
    );
    let _ = writeln!(w, "|---|---|---|---|");
    for (label, samples) in &searched.by_label {
        let _ = writeln!(
            w,
            "| {label} | {} | {} | {} |",
            samples.len() / search::ALLMENDE_PASSES,
            ms(percentile(samples, 50.0)),
            ms(percentile(samples, 99.0))
        );
    }
    out
}
