//! The search index on a real PostgreSQL and a real Tantivy index in a temp dir: German
//! analysis rules, facets under filters, staying current through the outbox, rebuilds,
//! two nodes on one database, and search quality over the demo catalogue (nDCG@10).

use allmende_server::search::SearchIndex;
use app::model::{SearchKind, SearchResults};
use app::query::{SearchQuery, SearchSort};
use sqlx::PgPool;

use crate::fixtures::{self, solution};

fn q(text: &str) -> SearchQuery {
    SearchQuery::text(text)
}

fn slugs(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.slug.clone()).collect()
}

fn search(index: &SearchIndex, text: &str) -> Vec<String> {
    slugs(&index.search(&q(text)).unwrap())
}

/// Applies every outbox row (transactions in other test databases can hold rows back for
/// a moment: the outbox is read only below the oldest running transaction).
async fn sync(index: &SearchIndex, pool: &PgPool) {
    index
        .catch_up_fully(pool, std::time::Duration::from_secs(30))
        .await
        .unwrap();
}

async fn demo_index(pool: &PgPool) -> SearchIndex {
    allmende_server::demo::load(pool).await.unwrap();
    fixtures::search_index(pool).await
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn german_analysis_rules_hold_in_the_index(pool: PgPool) {
    let index = demo_index(&pool).await;
    // Umlauts, their spellings and missing dots meet.
    for form in [
        "Bürgerbeteiligung",
        "Buergerbeteiligung",
        "Burgerbeteiligung",
    ] {
        assert!(
            search(&index, form).contains(&"decidim-kommunal".to_owned()),
            "{form}"
        );
    }
    // ß and ss.
    assert_eq!(
        search(&index, "Straßenbeleuchtung").first(),
        search(&index, "Strassenbeleuchtung").first()
    );
    assert!(!search(&index, "Strassenbeleuchtung").is_empty());
    // Stemming: inflected forms find the base form.
    assert!(search(&index, "Friedhöfe").contains(&"friedhofsverwaltung".to_owned()));
    // Compounds: a part finds the whole word.
    assert!(search(&index, "Friedhof").contains(&"friedhofsverwaltung".to_owned()));
    assert!(search(&index, "Parkplatz").contains(&"parkplatzbelegung".to_owned()));
    // Typos: one edit from five letters, two from nine, none below five.
    assert!(search(&index, "Hundestuer").contains(&"hundesteuer-online".to_owned()));
    assert!(search(&index, "Fridhofsverwaltng").contains(&"friedhofsverwaltung".to_owned()));
    assert!(
        search(&index, "Kiat").is_empty()
            || !search(&index, "Kiat").contains(&"kita-platzvergabe".to_owned())
    );
    // English descriptions are searchable.
    assert!(!search(&index, "appointment").is_empty());
    // An organisation's name finds the organisation and its entries.
    let ulm = index.search(&q("Stadt Ulm")).unwrap();
    assert_eq!(
        ulm.hits[0].kind,
        SearchKind::Organisation,
        "{:?}",
        slugs(&ulm)
    );
    assert!(
        ulm.hits.iter().any(|h| h.kind == SearchKind::Solution
            && h.organisation.as_ref().unwrap().slug == "stadt-ulm")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn names_outrank_descriptions(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-a", "Stadt A", Some("BY")).await;
    solution(org, "im-text", "Ratsportal").insert(&pool).await;
    sqlx::query("update solutions set long_description = 'Verwaltet auch den Winterdienst der Stadt.' where slug = 'im-text'")
        .execute(&pool)
        .await
        .unwrap();
    solution(org, "im-namen", "Winterdienst-Planer")
        .insert(&pool)
        .await;
    let index = fixtures::search_index(&pool).await;
    assert_eq!(search(&index, "Winterdienst"), ["im-namen", "im-text"]);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn query_syntax_never_errors(pool: PgPool) {
    let index = demo_index(&pool).await;
    for text in [
        "\"",
        "((",
        "title:",
        "*",
        "AND OR NOT",
        "~~",
        "-",
        "\"Abfall",
        "a\"b\"c",
        "ü",
        "🙂",
        "%_\\",
    ] {
        index
            .search(&q(text))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    // A phrase and an exclusion.
    let phrase = search(&index, "\"Digitale Bauakte\"");
    assert_eq!(phrase.first().map(String::as_str), Some("digitale-bauakte"));
    // Stop words inside a phrase hold their place.
    let org = fixtures::org(&pool, "stadt-p", "Stadt P", None).await;
    solution(org, "uhr", "Bürgertelefon rund um die Uhr")
        .insert(&pool)
        .await;
    solution(org, "um-uhr", "Uhr rund um Mitternacht")
        .insert(&pool)
        .await;
    sync(&index, &pool).await;
    let around_the_clock = search(&index, "\"rund um die Uhr\"");
    assert!(
        around_the_clock.contains(&"uhr".to_owned())
            && !around_the_clock.contains(&"um-uhr".to_owned()),
        "{around_the_clock:?}"
    );
    let with = index.search(&q("Abfall")).unwrap();
    let from_wetterau = |r: &SearchResults| {
        r.hits
            .iter()
            .filter(|h| {
                h.slug == "wetteraukreis"
                    || h.organisation
                        .as_ref()
                        .is_some_and(|o| o.slug == "wetteraukreis")
            })
            .count()
    };
    assert!(from_wetterau(&with) > 0);
    let without = index.search(&q("Abfall -Wetteraukreis")).unwrap();
    assert!(
        without.total > 0 && from_wetterau(&without) == 0,
        "{:?}",
        slugs(&without)
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn facets_count_under_filters(pool: PgPool) {
    let by = fixtures::org(&pool, "stadt-by", "Stadt Bayern", Some("BY")).await;
    let nw = fixtures::org(&pool, "stadt-nw", "Stadt Nordrhein", Some("NW")).await;
    solution(by, "a1", "Abfall Eins")
        .licence("EUPL-1.2")
        .categories(&["data-collection"])
        .insert(&pool)
        .await;
    solution(by, "a2", "Abfall Zwei")
        .licence("MIT")
        .categories(&["data-collection", "survey"])
        .insert(&pool)
        .await;
    solution(nw, "a3", "Abfall Drei")
        .licence("EUPL-1.2")
        .status("beta")
        .insert(&pool)
        .await;
    solution(nw, "b1", "Bauakte")
        .licence("EUPL-1.2")
        .insert(&pool)
        .await;
    fixtures::data_model(&pool, nw, "abfall-modell", "Abfall Datenmodell", "umwelt").await;
    let index = fixtures::search_index(&pool).await;

    let count = |facet: &[app::model::FacetValue], value: &str| {
        facet.iter().find(|v| v.value == value).map(|v| v.count)
    };
    let all = index.search(&q("Abfall")).unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(count(&all.facets.kind, "solution"), Some(3));
    assert_eq!(count(&all.facets.kind, "data_model"), Some(1));
    assert_eq!(count(&all.facets.licence, "EUPL-1.2"), Some(2));
    assert_eq!(count(&all.facets.state, "NW"), Some(2));
    assert_eq!(count(&all.facets.category, "data-collection"), Some(2));
    assert_eq!(count(&all.facets.domain, "umwelt"), Some(1));

    // Filter by licence: other facets count within it; the licence facet itself still
    // offers the alternatives with their own counts.
    let mut eupl = q("Abfall");
    eupl.licences = vec!["EUPL-1.2".into()];
    let r = index.search(&eupl).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(count(&r.facets.state, "BY"), Some(1));
    assert_eq!(count(&r.facets.state, "NW"), Some(1));
    assert_eq!(count(&r.facets.licence, "MIT"), Some(1));
    assert!(
        r.facets
            .licence
            .iter()
            .find(|v| v.value == "EUPL-1.2")
            .unwrap()
            .selected
    );

    // Two values of one facet are alternatives; two facets must both hold.
    let mut combo = q("");
    combo.licences = vec!["EUPL-1.2".into(), "MIT".into()];
    combo.states = vec![app::model::Bundesland::BY];
    let r = index.search(&combo).unwrap();
    assert_eq!(slugs(&r).len(), 2);
    assert_eq!(r.total, 2);
    // Each facet is counted under the other facets' filters only: the Land facet under
    // the licences (a3 and b1 in NW; the data model and both organisations have neither
    // licence), the licence facet under BY (the Bavarian organisation has no licence), and
    // the kind facet under both.
    assert_eq!(count(&r.facets.state, "BY"), Some(2));
    assert_eq!(count(&r.facets.state, "NW"), Some(2));
    assert_eq!(count(&r.facets.licence, "EUPL-1.2"), Some(1));
    assert_eq!(count(&r.facets.licence, "MIT"), Some(1));
    assert_eq!(
        count(&r.facets.licence, "CC-BY-4.0"),
        None,
        "the data model is in NW: it fails both filters"
    );
    assert_eq!(count(&r.facets.kind, "solution"), Some(2));
    assert_eq!(count(&r.facets.kind, "organisation"), None);
    let mut by_org = q("");
    by_org.orgs = vec!["stadt-nw".into()];
    by_org.kinds = vec![SearchKind::Solution];
    assert_eq!(index.search(&by_org).unwrap().total, 2);
    let names: Vec<_> = all
        .facets
        .org
        .iter()
        .map(|v| v.name.clone().unwrap())
        .collect();
    assert!(
        names.contains(&"Stadt Bayern".to_owned()),
        "organisation facet carries names: {names:?}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn sorting_by_newest_and_reuse(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-s", "Stadt S", None).await;
    let other = fixtures::org(&pool, "stadt-t", "Stadt T", None).await;
    let old = solution(org, "alt", "Formular alt")
        .created("2024-01-01T00:00:00Z")
        .insert(&pool)
        .await;
    solution(org, "neu", "Formular neu")
        .created("2025-06-01T00:00:00Z")
        .insert(&pool)
        .await;
    fixtures::adopt(&pool, other, old).await;
    let index = fixtures::search_index(&pool).await;
    let mut query = q("Formular");
    query.sort = SearchSort::Reused;
    assert_eq!(slugs(&index.search(&query).unwrap()), ["alt", "neu"]);
    query.sort = SearchSort::Newest;
    let hits = index.search(&query).unwrap();
    assert_eq!(slugs(&hits), ["neu", "alt"]);
    assert_eq!(hits.hits[1].reuse_count, 1);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn snippets_are_plain_text_with_marked_ranges(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-x", "Stadt X", None).await;
    let id = solution(org, "melder", "Melder").insert(&pool).await;
    sqlx::query(
        "update solutions set long_description = 'Bürger melden <script>alert(1)</script> Schlaglöcher und **Straßenschäden** direkt.' where id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let index = fixtures::search_index(&pool).await;
    let hit = &index.search(&q("Schlaglöcher")).unwrap().hits[0];
    let marked: Vec<String> = hit
        .snippet
        .segments()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(marked, ["Schlaglöcher"]);
    assert!(
        !hit.snippet.text.contains("**"),
        "Markdown is stripped: {}",
        hit.snippet.text
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn writes_become_searchable_and_hidden_or_deleted_entries_disappear(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-w", "Stadt W", Some("HE")).await;
    let index = fixtures::search_index(&pool).await;
    assert!(search(&index, "Glockenspiel").is_empty());

    let id = solution(org, "glocken", "Glockenspiel-Steuerung")
        .insert(&pool)
        .await;
    sync(&index, &pool).await;
    assert_eq!(search(&index, "Glockenspiel"), ["glocken"]);

    // Renaming the organisation reaches its entries.
    sqlx::query("update organisations set name = 'Stadt Wunderbar' where id = $1")
        .bind(org)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(search(&index, "Wunderbar").contains(&"glocken".to_owned()));

    sqlx::query("update solutions set hidden = true where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(
        search(&index, "Glockenspiel").is_empty(),
        "hidden entries leave the index"
    );

    sqlx::query("update solutions set hidden = false, archived_at = now() where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(
        search(&index, "Glockenspiel").is_empty(),
        "archived entries leave the index"
    );

    sqlx::query("update solutions set archived_at = null where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert_eq!(search(&index, "Glockenspiel"), ["glocken"]);

    sqlx::query("update organisations set hidden = true where id = $1")
        .bind(org)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(
        search(&index, "Glockenspiel").is_empty(),
        "entries of hidden organisations leave the index"
    );

    sqlx::query("delete from solutions where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(search(&index, "Glockenspiel").is_empty());
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_following_node_finds_a_write_without_restart(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-f", "Stadt F", None).await;
    let index = fixtures::search_index(&pool).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = {
        let index = index.clone();
        let pool = pool.clone();
        tokio::spawn(async move {
            index
                .follow(pool, async {
                    let _ = stopped.await;
                })
                .await
        })
    };
    solution(org, "posaune", "Posaunenchor-Planer")
        .insert(&pool)
        .await;
    let started = std::time::Instant::now();
    while search(&index, "Posaunenchor").is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "write never became searchable"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(()).unwrap();
    follower.await.unwrap();
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn index_is_rebuilt_after_its_directory_is_removed(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let first = SearchIndex::open(&path, &pool, &|_, _| {}).await.unwrap();
    let docs = first.num_docs();
    assert!(docs > 100);
    drop(first);
    std::fs::remove_dir_all(&path).unwrap();
    let again = SearchIndex::open(&path, &pool, &|_, _| {}).await.unwrap();
    assert_eq!(again.num_docs(), docs);
    assert!(!search(&again, "Friedhof").is_empty());
    // Reopening an intact index keeps it (no rebuild needed) and it still answers.
    drop(again);
    let reopened = SearchIndex::open(&path, &pool, &|_, _| {}).await.unwrap();
    assert_eq!(reopened.num_docs(), docs);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn two_nodes_on_one_database_both_find_a_write(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-n", "Stadt N", None).await;
    let node_a = fixtures::search_index(&pool).await;
    let node_b = fixtures::search_index(&pool).await;
    // Written "through node A" (any write goes to PostgreSQL; the outbox carries it).
    solution(org, "harfe", "Harfenkurs-Verwaltung")
        .insert(&pool)
        .await;
    sync(&node_a, &pool).await;
    assert_eq!(search(&node_a, "Harfenkurs"), ["harfe"]);
    assert!(
        search(&node_b, "Harfenkurs").is_empty(),
        "node B has not caught up yet"
    );
    sync(&node_b, &pool).await;
    assert_eq!(search(&node_b, "Harfenkurs"), ["harfe"]);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn suggestions_complete_names_and_words(pool: PgPool) {
    let index = demo_index(&pool).await;
    let suggestions = index.suggest("Friedh", 8).unwrap();
    assert!(
        suggestions.iter().any(|s| s.text == "Friedhofsverwaltung"),
        "{suggestions:?}"
    );
    assert!(
        index.suggest("f", 8).unwrap().is_empty(),
        "one letter is too little"
    );
    let two_words = index.suggest("digitale Bau", 8).unwrap();
    assert!(
        two_words
            .iter()
            .any(|s| s.text.to_lowercase().contains("bauakte")),
        "{two_words:?}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn did_you_mean_offers_a_close_spelling(pool: PgPool) {
    let index = demo_index(&pool).await;
    // Short words get no typo tolerance in search, but a spelling suggestion.
    let results = index.search(&q("Kitu")).unwrap();
    assert_eq!(results.total, 0);
    assert_eq!(results.did_you_mean.as_deref(), Some("kita"));
    let nothing = index.search(&q("Qwertzuiop")).unwrap();
    assert_eq!(nothing.total, 0);
    assert_eq!(nothing.did_you_mean, None);
    let fix = index.search(&q("Frdhof")).unwrap();
    assert_eq!(fix.total, 0, "{:?}", slugs(&fix));
    assert!(fix.did_you_mean.is_some());
}

/// One judged query of the quality set.
#[derive(serde::Deserialize)]
struct Judged {
    query: String,
    group: String,
    relevant: std::collections::HashMap<String, u32>,
}

#[derive(serde::Deserialize)]
struct Judgements {
    queries: Vec<Judged>,
}

fn dcg(gains: impl Iterator<Item = u32>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@10 over our judged German queries on the demo catalogue.
///
/// Measured: 0.94 overall (typos 0.93, compounds 0.94). Before typo matching used folded,
/// unstemmed words and before compound queries were split, the same set gave 0.875
/// (typos and compounds 0.66 each). The threshold of 0.85 sits between the two: losing
/// one of these abilities fails the test, re-ordering equally relevant entries does not.
#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn search_quality_ndcg_at_10(pool: PgPool) {
    let index = demo_index(&pool).await;
    let judgements: Judgements = serde_json::from_str(include_str!("search_quality.json")).unwrap();
    assert!(judgements.queries.len() >= 40);
    let mut by_group: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    let mut all = Vec::new();
    for judged in &judgements.queries {
        let mut query = q(&judged.query);
        query.per_page = 10;
        let hits = index.search(&query).unwrap().hits;
        let gains = hits.iter().map(|h| {
            *judged
                .relevant
                .get(&format!("{}:{}", h.kind.as_str(), h.slug))
                .unwrap_or(&0)
        });
        let mut ideal: Vec<u32> = judged.relevant.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let ndcg = dcg(gains) / dcg(ideal.into_iter().take(10));
        if ndcg < 0.5 {
            println!(
                "  weak: {:<28} nDCG {ndcg:.2} got {:?}",
                judged.query,
                hits.iter().map(|h| &h.slug).take(5).collect::<Vec<_>>()
            );
        }
        by_group.entry(judged.group.clone()).or_default().push(ndcg);
        all.push(ndcg);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (group, values) in &by_group {
        println!(
            "nDCG@10 {group:<14} {:.3} ({} queries)",
            mean(values),
            values.len()
        );
    }
    let overall = mean(&all);
    println!(
        "nDCG@10 overall        {overall:.3} ({} queries)",
        all.len()
    );
    assert!(overall >= 0.85, "nDCG@10 {overall:.3} below 0.85");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_damaged_index_is_built_again_instead_of_failing(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-a", "Stadt A", Some("BY")).await;
    solution(org, "winterdienst", "Winterdienst-Planer")
        .insert(&pool)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let index = allmende_server::search::SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .unwrap();
    let documents = index.num_docs();
    assert!(documents >= 2, "{documents}");
    drop(index);
    // Truncate every segment file to half, as a full disk or a crash of the file system would.
    let mut damaged = 0;
    for entry in index_files(dir.path()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let segment = name.split_once('.').is_some_and(|(id, _)| id.len() == 32);
        if segment {
            let len = entry.metadata().unwrap().len();
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_len(len / 2).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0, "the index has segment files to damage");
    let index = allmende_server::search::SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .expect("a damaged index is rebuilt, not an error");
    assert_eq!(index.num_docs(), documents);
    assert_eq!(search(&index, "Winterdienst"), ["winterdienst"]);
}

/// The files of an index directory (the generation directories inside it included).
fn index_files(dir: &std::path::Path) -> Vec<std::fs::DirEntry> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(index_files(&entry.path()));
        } else {
            files.push(entry);
        }
    }
    files
}

/// Overwrites the middle half of the largest file whose name ends in `suffix` with bytes
/// that are not what tantivy wrote there.
fn scramble_largest(dir: &std::path::Path, suffix: &str) {
    use std::io::{Seek, Write};
    let file = index_files(dir)
        .into_iter()
        .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
        .max_by_key(|e| e.metadata().unwrap().len())
        .unwrap_or_else(|| panic!("the index has a {suffix} file"));
    let len = file.metadata().unwrap().len();
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .open(file.path())
        .unwrap();
    handle.seek(std::io::SeekFrom::Start(len / 4)).unwrap();
    let garbage: Vec<u8> = (0..len / 2).map(|i| (i * 131 % 251) as u8).collect();
    handle.write_all(&garbage).unwrap();
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn garbage_in_a_store_file_is_found_at_start_and_the_index_built_again(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .unwrap();
    let documents = index.num_docs();
    let found = search(&index, "Friedhof");
    assert!(!found.is_empty());
    drop(index);
    scramble_largest(dir.path(), ".store");
    let index = SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .expect("damaged files are found by their checksums and the index is rebuilt");
    assert_eq!(index.num_docs(), documents);
    assert_eq!(search(&index, "Friedhof"), found);
    assert_eq!(index.status().rebuilds, 1);
}

/// Writes an entry whose outbox row is lost, as if the index had missed it.
async fn entry_the_outbox_lost(pool: &PgPool, org: uuid::Uuid, slug: &str, name: &str) {
    let id = solution(org, slug, name).insert(pool).await;
    sqlx::query("delete from search_outbox where entity_id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_index_out_of_step_with_the_database_is_repaired(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-k", "Stadt K", Some("BY")).await;
    solution(org, "winterdienst", "Winterdienst-Planer")
        .insert(&pool)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .unwrap();
    sync(&index, &pool).await;

    // While running: the periodic check finds the entry the outbox lost, and one deleted
    // behind the index's back, and repairs both.
    entry_the_outbox_lost(&pool, org, "laermkarte", "Lärmkarte").await;
    sqlx::query("delete from solutions where slug = 'winterdienst'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("delete from search_outbox")
        .execute(&pool)
        .await
        .unwrap();
    sync(&index, &pool).await;
    assert!(search(&index, "Lärmkarte").is_empty());
    let drift = index.check_consistency(&pool).await.unwrap();
    assert_eq!(drift.repaired, 2);
    assert_eq!(search(&index, "Lärmkarte"), ["laermkarte"]);
    assert!(search(&index, "Winterdienst").is_empty());
    assert_eq!(index.check_consistency(&pool).await.unwrap().repaired, 0);
    let status = index.status();
    assert_eq!(
        (status.checks, status.repaired, status.last_drift),
        (2, 2, 0)
    );

    // At start: a count that disagrees with the database means a rebuild.
    entry_the_outbox_lost(&pool, org, "baumkataster", "Baumkataster").await;
    drop(index);
    let index = SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(index.status().rebuilds, 1);
    assert_eq!(search(&index, "Baumkataster"), ["baumkataster"]);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_rebuild_answers_from_the_old_index_until_the_new_one_is_in_place(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path(), &pool, &|_, _| {})
        .await
        .unwrap();
    let before = search(&index, "Friedhof");
    let rebuild = {
        let index = index.clone();
        let pool = pool.clone();
        tokio::spawn(async move { index.rebuild(&pool, &|_, _| {}).await })
    };
    let mut searched_during = 0;
    while !rebuild.is_finished() {
        assert_eq!(
            search(&index, "Friedhof"),
            before,
            "searches go on during a rebuild"
        );
        searched_during += 1;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    rebuild.await.unwrap().unwrap();
    assert!(searched_during > 0);
    assert_eq!(search(&index, "Friedhof"), before);
    // Only the new generation is left on disk.
    let generations: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert_eq!(generations.len(), 1);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_server_without_an_index_says_it_is_being_built_and_then_serves(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_with(
        dir.path(),
        &pool,
        allmende_server::search::Build::InBackground,
        &|_, _| {},
    )
    .await
    .unwrap();
    let mut answered = false;
    for _ in 0..1000 {
        match index.search(&q("Friedhof")) {
            Ok(results) => {
                assert!(!slugs(&results).is_empty());
                answered = true;
                break;
            }
            Err(err) => {
                assert!(err.is_temporary(), "{err}");
                assert!(err.to_string().contains("wird gerade aufgebaut"), "{err}");
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(answered, "the background build finished");
    assert!(index.status().serving);
}
