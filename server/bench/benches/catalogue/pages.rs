//! Every page kind and API read, with real addresses from the generated catalogue, timed
//! one request at a time and under wrk.
//!
//! The addresses follow the routes (`app/src/lib.rs`, `server/src/http/router.rs`): the
//! start page; the solution, data model and organisation lists with each sort and each
//! filter (values from the database: the most frequent ones and a rare one) and deep pages;
//! detail pages, organisation pages, the reuse pages with their lineage (entries that have
//! forks and adoptions, and forks), `/nachnutzung`, history and compare pages (entries that
//! [`add_revisions`] gave three versions), the search page, and the JSON API's lists,
//! details, lineage and search. A kind with several addresses cycles through them.
//!
//! The benchmark's SQL is built at run time (plain `sqlx::query`, as the generator's), so the
//! crate needs no offline query data.

use std::time::{Duration, Instant};

use allmende_server::accounts::authz::Actor;
use allmende_server::services::entries::Entries;
use app::query::url_with_query;
use sqlx::PgPool;

use crate::client::Client;
use crate::load::{self, Load};
use crate::server::Server;

/// How a kind is judged: list targets, detail targets, or the search API's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    List,
    Detail,
    Search,
}

/// One row of the page table: a kind of page and the addresses it cycles through.
#[derive(Debug, Clone)]
pub struct Kind {
    pub name: String,
    pub class: Class,
    pub paths: Vec<String>,
}

/// Timed requests of one kind at one connection.
#[derive(Debug, Clone)]
pub struct Timed {
    pub samples: Vec<Duration>,
    /// Answers other than 200 among the samples.
    pub errors: usize,
    pub slowest: (Duration, String),
}

/// A measured row.
#[derive(Debug, Clone)]
pub struct Row {
    pub kind: Kind,
    pub timed: Timed,
    pub load: Option<Load>,
}

/// Most timed requests per kind (after one warm-up request per address).
const MAX_SAMPLES: usize = 200;
/// Fewest timed requests per kind, unless it is very slow (see [`SAMPLE_BUDGET`]).
const MIN_SAMPLES: usize = 20;
/// A kind stops after this long once it has [`MIN_SAMPLES`].
const SAMPLE_TIME: Duration = Duration::from_secs(10);
/// A kind stops after this long with however many requests it has (at least three), so that
/// a page taking seconds does not hold up the benchmark for an hour.
const SAMPLE_BUDGET: Duration = Duration::from_secs(60);
/// The warm-up stops after this long (addresses not reached are checked while timed).
const WARM_UP_BUDGET: Duration = Duration::from_secs(30);
/// Seconds of wrk per kind (longer for slow kinds: [`load_seconds`]).
pub const LOAD_SECONDS: u32 = 5;
/// Kinds slower than this at the median (one connection) are not loaded with wrk: 16
/// connections would only queue for minutes.
pub const LOAD_LIMIT: Duration = Duration::from_secs(3);
/// Longest wait for the server and PostgreSQL to finish what wrk left behind.
const DRAIN_PATIENCE: Duration = Duration::from_secs(300);

const SORTS: [&str; 3] = ["newest", "name", "reused"];

/// Entries that got extra versions for the history and compare pages.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub solutions: Vec<String>,
    pub data_models: Vec<String>,
}

async fn strings(pool: &PgPool, sql: &str) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await?)
}

async fn count(pool: &PgPool, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?)
}

/// The `frequent` first values (ordered by frequency) and the rarest one.
fn frequent_and_rare(values: Vec<String>, frequent: usize) -> Vec<String> {
    let mut out: Vec<String> = values.iter().take(frequent).cloned().collect();
    if let Some(last) = values.last()
        && !out.contains(last)
    {
        out.push(last.clone());
    }
    out
}

/// Values of a filter of visible, unarchived entries, most frequent first.
/// `table` is `visible_solutions` or `visible_data_models`; `value` an expression over `e`
/// (the entry) and `o` (its organisation).
async fn filter_values(
    pool: &PgPool,
    table: &str,
    value: &str,
    from_extra: &str,
) -> anyhow::Result<Vec<String>> {
    let sql = format!(
        "select v from (select {value} as v from {table} e join organisations o on o.id = e.organisation_id {from_extra}
                        where e.archived_at is null) x
         where v is not null group by v order by count(*) desc, v"
    );
    Ok(frequent_and_rare(strings(pool, &sql).await?, 3))
}

fn with(base: &str, pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    url_with_query(base, &pairs)
}

/// `base` sorted each way, pages 1 to 3 (the default sort without a parameter, as the
/// app's own links).
fn sorted(base: &str, sort: &str) -> Vec<String> {
    (1..=3)
        .map(|page| {
            let page = page.to_string();
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            if sort != "newest" {
                pairs.push(("sort", sort));
            }
            if page != "1" {
                pairs.push(("page", &page));
            }
            with(base, &pairs)
        })
        .collect()
}

/// `base?key=value` for every value, each sort.
fn filtered(base: &str, key: &str, values: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for value in values {
        for sort in SORTS {
            let mut pairs = vec![(key, value.as_str())];
            if sort != "newest" {
                pairs.push(("sort", sort));
            }
            out.push(with(base, &pairs));
        }
    }
    out
}

/// Pages deep into a list of `total` entries (20 per page), each sort.
fn deep(base: &str, total: i64, sorts: &[&str]) -> Vec<String> {
    let last = ((total + 19) / 20).max(1);
    let mut pages: Vec<i64> = [10, 4, 2]
        .iter()
        .map(|d| (last / d).max(1))
        .chain([last * 3 / 4, last])
        .collect();
    pages.dedup();
    let mut out = Vec::new();
    for page in pages {
        for sort in sorts {
            let page = page.to_string();
            let mut pairs = vec![("page", page.as_str())];
            if *sort != "newest" {
                pairs.push(("sort", sort));
            }
            out.push(with(base, &pairs));
        }
    }
    out
}

fn kind(name: &str, class: Class, paths: Vec<String>) -> Kind {
    Kind {
        name: name.to_owned(),
        class,
        paths,
    }
}

/// Slugs of visible, unarchived entries that others forked and adopted, and some forks.
async fn reused(pool: &PgPool, table: &str, adoption_column: &str) -> anyhow::Result<Vec<String>> {
    let mut slugs = strings(
        pool,
        &format!(
            "select e.slug from visible_{table} e
             where e.archived_at is null
               and exists (select 1 from {table} f where f.forked_from = e.id)
               and exists (select 1 from adoptions a where a.{adoption_column} = e.id)
             order by md5(e.slug) limit 40"
        ),
    )
    .await?;
    slugs.extend(
        strings(
            pool,
            &format!(
                "select slug from visible_{table} where archived_at is null and forked_from is not null
                 order by md5(slug) limit 10"
            ),
        )
        .await?,
    );
    anyhow::ensure!(!slugs.is_empty(), "no {table} with forks and adoptions");
    Ok(slugs)
}

async fn random_slugs(pool: &PgPool, table: &str, n: u32) -> anyhow::Result<Vec<String>> {
    strings(
        pool,
        &format!(
            "select slug from visible_{table} where archived_at is null order by md5(slug) limit {n}"
        ),
    )
    .await
}

fn each(slugs: &[String], path: impl Fn(&str) -> String) -> Vec<String> {
    slugs.iter().map(|s| path(s)).collect()
}

/// Every page kind and API read with its addresses. `search_texts` are texts of the query
/// mix for the search page; `search_api` the search API addresses of the whole mix.
pub async fn kinds(
    pool: &PgPool,
    history: &History,
    search_texts: &[String],
    search_api: Vec<String>,
) -> anyhow::Result<Vec<Kind>> {
    use Class::{Detail, List, Search};
    let solutions = count(
        pool,
        "select count(*) from visible_solutions where archived_at is null",
    )
    .await?;
    let data_models = count(
        pool,
        "select count(*) from visible_data_models where archived_at is null",
    )
    .await?;
    let organisations = count(pool, "select count(*) from visible_organisations").await?;

    let s_table = "visible_solutions";
    let categories = filter_values(pool, s_table, "c", ", unnest(e.categories) c").await?;
    let s_licences = filter_values(pool, s_table, "e.licence", "").await?;
    let statuses = filter_values(pool, s_table, "e.development_status", "").await?;
    let s_orgs = filter_values(pool, s_table, "o.slug", "").await?;
    let s_states = filter_values(pool, s_table, "o.bundesland", "").await?;
    let m_table = "visible_data_models";
    let domains = filter_values(pool, m_table, "e.domain", "").await?;
    let m_licences = filter_values(pool, m_table, "e.licence", "").await?;
    let m_orgs = filter_values(pool, m_table, "o.slug", "").await?;
    let m_states = filter_values(pool, m_table, "o.bundesland", "").await?;
    let org_kinds = frequent_and_rare(
        strings(
            pool,
            "select kind from visible_organisations group by kind order by count(*) desc, kind",
        )
        .await?,
        3,
    );
    let org_states = frequent_and_rare(
        strings(
            pool,
            "select bundesland from visible_organisations where bundesland is not null
             group by bundesland order by count(*) desc, bundesland",
        )
        .await?,
        3,
    );

    let s_detail = random_slugs(pool, "solutions", 100).await?;
    let m_detail = random_slugs(pool, "data_models", 100).await?;
    let o_detail = strings(
        pool,
        "(select o.slug from visible_organisations o join solutions s on s.organisation_id = o.id
          group by o.slug order by count(*) desc, o.slug limit 10)
         union all
         (select slug from visible_organisations order by md5(slug) limit 90)",
    )
    .await?;
    let s_reused = reused(pool, "solutions", "solution_id").await?;
    let m_reused = reused(pool, "data_models", "data_model_id").await?;
    let s_hist = &history.solutions;
    let m_hist = &history.data_models;
    anyhow::ensure!(
        !s_hist.is_empty() && !m_hist.is_empty(),
        "no entries with several versions"
    );

    let mut kinds = vec![kind("start page", List, vec!["/".into()])];
    // Solutions
    let sol = "/loesungen";
    for sort in SORTS {
        kinds.push(kind(
            &format!("solution list, sort={sort}"),
            List,
            sorted(sol, sort),
        ));
    }
    for (key, values) in [
        ("category", &categories),
        ("licence", &s_licences),
        ("status", &statuses),
        ("org", &s_orgs),
        ("state", &s_states),
    ] {
        kinds.push(kind(
            &format!("solution list, {key}= × 3 sorts"),
            List,
            filtered(sol, key, values),
        ));
    }
    kinds.push(kind(
        "solution list, deep pages × 3 sorts",
        List,
        deep(sol, solutions, &SORTS),
    ));
    // Data models
    let dm = "/datenmodelle";
    for sort in SORTS {
        kinds.push(kind(
            &format!("data model list, sort={sort}"),
            List,
            sorted(dm, sort),
        ));
    }
    for (key, values) in [
        ("domain", &domains),
        ("licence", &m_licences),
        ("org", &m_orgs),
        ("state", &m_states),
    ] {
        kinds.push(kind(
            &format!("data model list, {key}= × 3 sorts"),
            List,
            filtered(dm, key, values),
        ));
    }
    kinds.push(kind(
        "data model list, deep pages × 3 sorts",
        List,
        deep(dm, data_models, &SORTS),
    ));
    // Organisations (sorted by name only)
    let orgs = "/organisationen";
    kinds.push(kind("organisation list", List, sorted(orgs, "newest")));
    for (key, values) in [("kind", &org_kinds), ("state", &org_states)] {
        kinds.push(kind(
            &format!("organisation list, {key}="),
            List,
            values
                .iter()
                .map(|v| with(orgs, &[(key, v.as_str())]))
                .collect(),
        ));
    }
    kinds.push(kind(
        "organisation list, deep pages",
        List,
        deep(orgs, organisations, &["newest"]),
    ));
    // Single entries
    kinds.push(kind(
        "solution detail",
        Detail,
        each(&s_detail, |s| format!("/loesungen/{s}")),
    ));
    kinds.push(kind(
        "data model detail",
        Detail,
        each(&m_detail, |s| format!("/datenmodelle/{s}")),
    ));
    kinds.push(kind(
        "organisation page",
        Detail,
        each(&o_detail, |s| format!("/organisationen/{s}")),
    ));
    kinds.push(kind(
        "solution reuse page (lineage, adopters)",
        Detail,
        each(&s_reused, |s| format!("/loesungen/{s}/nachnutzen")),
    ));
    kinds.push(kind(
        "data model reuse page (lineage, users)",
        Detail,
        each(&m_reused, |s| format!("/datenmodelle/{s}/nachnutzen")),
    ));
    kinds.push(kind(
        "reuse statistics /nachnutzung",
        List,
        vec!["/nachnutzung".into()],
    ));
    kinds.push(kind(
        "solution history",
        Detail,
        each(s_hist, |s| format!("/loesungen/{s}/versionen")),
    ));
    kinds.push(kind(
        "solution compare",
        Detail,
        s_hist
            .iter()
            .flat_map(|s| {
                [
                    format!("/loesungen/{s}/vergleich?von=2&bis=3"),
                    format!("/loesungen/{s}/vergleich?von=1&bis=3"),
                ]
            })
            .collect(),
    ));
    kinds.push(kind(
        "data model history",
        Detail,
        each(m_hist, |s| format!("/datenmodelle/{s}/versionen")),
    ));
    kinds.push(kind(
        "data model compare",
        Detail,
        m_hist
            .iter()
            .flat_map(|s| {
                [
                    format!("/datenmodelle/{s}/vergleich?von=2&bis=3"),
                    format!("/datenmodelle/{s}/vergleich?von=1&bis=3"),
                ]
            })
            .collect(),
    ));
    kinds.push(kind(
        "data model schema changes",
        Detail,
        each(m_hist, |s| format!("/datenmodelle/{s}/aenderungen")),
    ));
    kinds.push(kind(
        "search page /suche",
        List,
        search_texts
            .iter()
            .map(|q| with("/suche", &[("q", q.as_str())]))
            .collect(),
    ));
    // The JSON API
    let api_s = "/api/v1/solutions";
    let api_m = "/api/v1/data-models";
    let api_o = "/api/v1/organisations";
    kinds.push(kind(
        "API solutions, 3 sorts",
        List,
        SORTS.iter().flat_map(|s| sorted(api_s, s)).collect(),
    ));
    kinds.push(kind(
        "API solutions, each filter × 3 sorts",
        List,
        [
            ("category", &categories),
            ("licence", &s_licences),
            ("status", &statuses),
            ("org", &s_orgs),
            ("state", &s_states),
        ]
        .iter()
        .flat_map(|(k, v)| filtered(api_s, k, v))
        .collect(),
    ));
    kinds.push(kind(
        "API solutions, deep pages × 3 sorts",
        List,
        deep(api_s, solutions, &SORTS),
    ));
    kinds.push(kind(
        "API data models, 3 sorts",
        List,
        SORTS.iter().flat_map(|s| sorted(api_m, s)).collect(),
    ));
    kinds.push(kind(
        "API data models, each filter × 3 sorts",
        List,
        [
            ("domain", &domains),
            ("licence", &m_licences),
            ("org", &m_orgs),
            ("state", &m_states),
        ]
        .iter()
        .flat_map(|(k, v)| filtered(api_m, k, v))
        .collect(),
    ));
    kinds.push(kind(
        "API data models, deep pages × 3 sorts",
        List,
        deep(api_m, data_models, &SORTS),
    ));
    kinds.push(kind(
        "API organisations, each filter",
        List,
        sorted(api_o, "newest")
            .into_iter()
            .chain(
                org_kinds
                    .iter()
                    .map(|v| with(api_o, &[("kind", v.as_str())])),
            )
            .chain(
                org_states
                    .iter()
                    .map(|v| with(api_o, &[("state", v.as_str())])),
            )
            .collect(),
    ));
    kinds.push(kind(
        "API organisations, deep pages",
        List,
        deep(api_o, organisations, &["newest"]),
    ));
    kinds.push(kind(
        "API solution",
        Detail,
        each(&s_detail, |s| format!("{api_s}/{s}")),
    ));
    kinds.push(kind(
        "API data model",
        Detail,
        each(&m_detail, |s| format!("{api_m}/{s}")),
    ));
    kinds.push(kind(
        "API organisation",
        Detail,
        each(&o_detail, |s| format!("{api_o}/{s}")),
    ));
    kinds.push(kind(
        "API solution lineage",
        Detail,
        each(&s_reused, |s| format!("{api_s}/{s}/lineage")),
    ));
    kinds.push(kind(
        "API data model lineage",
        Detail,
        each(&m_reused, |s| format!("{api_m}/{s}/lineage")),
    ));
    kinds.push(kind("search API (query mix)", Search, search_api));
    Ok(kinds)
}

/// Requests every address once (the warm-up; an answer other than 200 stops the benchmark
/// with the address), then times requests cycling through them.
pub async fn time(client: &mut Client, kind: &Kind) -> anyhow::Result<Timed> {
    client.fresh().await?;
    let warm_up = Instant::now();
    for path in &kind.paths {
        if warm_up.elapsed() > WARM_UP_BUDGET {
            break;
        }
        let status = client.get(path).await?;
        if status != 200 {
            let body = client.text();
            let excerpt: String = body.chars().take(400).collect();
            // A wrong address stops the benchmark; a slow or failing page is measured.
            if status < 400 || [400, 404, 405].contains(&status) {
                anyhow::bail!("{} answered {status} ({}): {excerpt}", path, kind.name);
            }
            eprintln!("  {path} answered {status}: {excerpt}");
        }
    }
    let mut samples = Vec::with_capacity(MAX_SAMPLES);
    let mut errors = 0;
    let mut slowest = (Duration::ZERO, String::new());
    let started = Instant::now();
    while samples.len() < MAX_SAMPLES
        && (samples.len() < MIN_SAMPLES || started.elapsed() < SAMPLE_TIME)
        && (samples.len() < 3 || started.elapsed() < SAMPLE_BUDGET)
    {
        let path = &kind.paths[samples.len() % kind.paths.len()];
        let begun = Instant::now();
        let status = client.get(path).await?;
        let elapsed = begun.elapsed();
        if status != 200 {
            errors += 1;
        }
        if elapsed > slowest.0 {
            slowest = (elapsed, path.clone());
        }
        samples.push(elapsed);
    }
    Ok(Timed {
        samples,
        errors,
        slowest,
    })
}

/// How long wrk runs for a kind with median `p50` at one connection: [`LOAD_SECONDS`], or
/// for a slow kind long enough that each connection gets about three answers on two cores
/// (else a page taking a second has no answer at all within 5 s), at most 30 s.
pub fn load_seconds(p50: Duration) -> u32 {
    let three_rounds = p50.as_secs_f64() * f64::from(load::CONNECTIONS) / 2.0 * 3.0;
    (three_rounds.ceil() as u32).clamp(LOAD_SECONDS, 30)
}

/// wrk on the kind's addresses for `seconds`, then waits until the server has drained.
pub async fn load(
    server: &Server,
    pool: &PgPool,
    kind: &Kind,
    seconds: u32,
    dir: &std::path::Path,
) -> Option<Load> {
    let result = load::run(server.addr, &kind.paths, seconds, dir).await;
    server.wait_until_idle(pool, DRAIN_PATIENCE).await;
    result
}

/// Gives `count` solutions and `count` data models two more versions through the
/// publishing service (as an edit in the form would): a longer description and a new
/// version, for data models also a new optional schema field, so that history pages list
/// three versions and compare pages show changes.
pub async fn add_revisions(pool: &PgPool, count: usize) -> anyhow::Result<History> {
    let entries = Entries::new(pool.clone())
        .with_checks(allmende_server::services::payload_check::PayloadChecks::new());
    let operator = Actor {
        operator: true,
        ..Actor::default()
    };
    let mut history = History::default();
    let mut failures: Vec<String> = Vec::new();
    for slug in random_slugs(pool, "solutions", (count * 3) as u32).await? {
        if history.solutions.len() == count {
            break;
        }
        let result: anyhow::Result<()> = async {
            let mut input = entries.solution_input(&slug).await?;
            for n in 2..=3 {
                input.version = format!("{n}.0.0");
                input.long_description.push_str(&format!(
                    "\n\nÄnderung {n}: Die Oberfläche wurde überarbeitet, die Schnittstelle erweitert."
                ));
                input.change_message = format!("Überarbeitung {n}");
                entries.update_solution(&operator, &slug, &input).await?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => history.solutions.push(slug),
            Err(err) => failures.push(format!("solution {slug}: {err}")),
        }
    }
    for slug in random_slugs(pool, "data_models", (count * 3) as u32).await? {
        if history.data_models.len() == count {
            break;
        }
        let result: anyhow::Result<()> = async {
            let mut input = entries.data_model_input(&slug).await?;
            for n in 2..=3 {
                let mut schema: serde_json::Value = serde_json::from_str(&input.json_schema)?;
                if let Some(properties) =
                    schema.get_mut("properties").and_then(|p| p.as_object_mut())
                {
                    properties.insert(
                        format!("bemerkung_{n}"),
                        serde_json::json!({"type": "string", "description": "Freitext"}),
                    );
                }
                input.json_schema = serde_json::to_string_pretty(&schema)?;
                input.version = next_minor(&input.version);
                input.description.push_str(&format!(
                    "\n\nÄnderung {n}: Ein optionales Feld für Bemerkungen."
                ));
                input.change_message = format!("Überarbeitung {n}");
                entries.update_data_model(&operator, &slug, &input).await?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => history.data_models.push(slug),
            Err(err) => failures.push(format!("data model {slug}: {err}")),
        }
    }
    if !failures.is_empty() {
        eprintln!("  {} edits refused:", failures.len());
        for failure in failures.iter().take(5) {
            eprintln!("    {failure}");
        }
    }
    Ok(history)
}

/// `1.4.2` → `1.5.0`.
fn next_minor(version: &str) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let major = parts.first().copied().unwrap_or(1);
    let minor = parts.get(1).copied().unwrap_or(0);
    format!("{major}.{}.0", minor + 1)
}
