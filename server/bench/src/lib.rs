//! A synthetic catalogue at benchmark scale, and a fixed mix of search queries over it.
//!
//! [`generate`] fills an empty, migrated database with organisations, data models, solutions,
//! links between them, adoptions and one first revision per entry. Everything is derived from
//! one seed by a small SplitMix64 generator, so a seed always yields the same catalogue: the
//! same ids, slugs, texts and timestamps. Rows are written in batches, one
//! `insert … select … from unnest(…)` statement per batch, inside a single transaction.
//!
//! The texts are assembled from German public-sector vocabulary (topics such as
//! Friedhofsverwaltung, Abfallkalender or Kita-Platzvergabe, modifiers, phrase templates).
//! [`query_mix`] builds its queries from the same vocabulary, so most of them find something.
//!
//! Dev-only (crate `allmende-bench`, never published): only `benches/catalogue/` uses it;
//! it writes plain SQL against the schema of `migrations/` and needs no server code.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// Sizes of the synthetic catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub organisations: u32,
    pub solutions: u32,
    pub data_models: u32,
}

impl Scale {
    /// The reference size of the benchmark: 100 000 solutions.
    pub const BENCHMARK: Scale = Scale {
        organisations: 11_000,
        solutions: 100_000,
        data_models: 10_000,
    };

    /// A catalogue of `solutions` solutions with data models and organisations in the
    /// proportion of [`Scale::BENCHMARK`] (one data model per ten solutions, eleven
    /// organisations per hundred), at least 30 of each so that the fixed organisations and
    /// the query mix's filters exist.
    pub fn proportional(solutions: u32) -> Scale {
        let of = |n: u32| {
            let share = f64::from(n) / f64::from(Scale::BENCHMARK.solutions);
            ((f64::from(solutions) * share).round() as u32).max(30)
        };
        Scale {
            organisations: of(Scale::BENCHMARK.organisations),
            solutions: solutions.max(30),
            data_models: of(Scale::BENCHMARK.data_models),
        }
    }
}

/// One benchmark query: the search text, filters as (key, value) pairs and the kind of query.
///
/// Filter keys are `kind` (solution | data_model | organisation), `category` (publiccode.yml
/// category), `licence`, `status` (development status), `org` (organisation slug) and `state`
/// (Bundesland code such as `BY`). Labels are `wort`, `flexion`, `umlaut`, `kompositum`,
/// `tippfehler`, `phrase`, `mehrwort` and `filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub text: String,
    pub filters: Vec<(&'static str, String)>,
    pub label: &'static str,
}

/// Key in `allmende_meta` recording that (and how) the synthetic catalogue was generated.
pub const SYNTHETIC_MARKER: &str = "synthetic_catalogue";

/// Fills an empty, migrated database; deterministic for a given seed. Calls
/// `progress(step_name, done, total)` after every batch. Steps, in order: `organisations`,
/// `data_models`, `solutions`, `adoptions`, `revisions`.
///
/// Everything happens in one transaction: on error the database is left unchanged. Fails when
/// the catalogue already holds organisations, solutions or data models.
pub async fn generate(
    pool: &sqlx::PgPool,
    scale: &Scale,
    seed: u64,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> anyhow::Result<()> {
    anyhow::ensure!(
        scale.organisations > 0 || (scale.solutions == 0 && scale.data_models == 0),
        "solutions and data models need at least one organisation"
    );
    let mut root = Rng::new(seed);
    let mut org_rng = root.split();
    let mut model_rng = root.split();
    let mut solution_rng = root.split();
    let mut adoption_rng = root.split();

    let mut tx = pool.begin().await?;
    let empty: bool = sqlx::query_scalar(
        "select not exists (select 1 from organisations) and not exists (select 1 from solutions)
                and not exists (select 1 from data_models)",
    )
    .fetch_one(&mut *tx)
    .await?;
    anyhow::ensure!(
        empty,
        "the catalogue is not empty; the synthetic catalogue needs an empty database"
    );

    let orgs = build_organisations(&mut org_rng, scale.organisations as usize);
    insert_organisations(&mut tx, &orgs, progress).await?;
    let world = World::new(orgs);
    let models = insert_data_models(
        &mut tx,
        &mut model_rng,
        &world,
        scale.data_models as usize,
        progress,
    )
    .await?;
    let solutions = insert_solutions(
        &mut tx,
        &mut solution_rng,
        &world,
        &models,
        scale.solutions as usize,
        progress,
    )
    .await?;
    let adoptions = insert_adoptions(
        &mut tx,
        &mut adoption_rng,
        &world,
        &solutions,
        &models,
        progress,
    )
    .await?;
    insert_revisions(&mut tx, progress).await?;
    sqlx::query(
        "insert into allmende_meta (key, value) values ($1, $2)
         on conflict (key) do update set value = excluded.value, updated_at = now()",
    )
    .bind(SYNTHETIC_MARKER)
    .bind(format!(
        "seed={seed} organisations={} solutions={} data_models={} adoptions={adoptions}",
        scale.organisations, scale.solutions, scale.data_models
    ))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        organisations = scale.organisations,
        solutions = scale.solutions,
        data_models = scale.data_models,
        adoptions,
        seed,
        "synthetic catalogue generated"
    );
    Ok(())
}

/// A fixed mix of at least 240 search queries for the benchmark, deterministic; 30 of them
/// are meant to find nothing.
///
/// Thirty or more queries of each label, built from the generator's vocabulary. Queries with an
/// `org` filter name organisations that exist whenever the catalogue has at least 26
/// organisations (the 16 Länder, 6 federal bodies and 4 large IT service providers come first).
pub fn query_mix() -> Vec<BenchQuery> {
    let mut out = Vec::with_capacity(320);
    word_queries(&mut out);
    inflection_queries(&mut out);
    umlaut_queries(&mut out);
    compound_queries(&mut out);
    typo_queries(&mut out);
    phrase_queries(&mut out);
    multi_word_queries(&mut out);
    filter_queries(&mut out);
    no_hit_queries(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast and good enough for synthetic data.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An independent generator, for one phase of the generation.
    fn split(&mut self) -> Rng {
        Rng(self.next_u64())
    }

    /// Uniform in `0..n`; `n` must be positive.
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|&(_, w)| w).sum();
        let mut r = self.below(total.max(1) as usize) as u32;
        for &(item, w) in items {
            if r < w {
                return item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    /// `k` distinct items (fewer if there are not enough), in random order.
    fn subset<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }

    /// A version-4-shaped UUID from the generator (not from the OS).
    fn uuid(&mut self) -> Uuid {
        let v = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        let v = (v & !(0xF_u128 << 76)) | (0x4_u128 << 76);
        let v = (v & !(0x3_u128 << 62)) | (0x2_u128 << 62);
        Uuid::from_u128(v)
    }

    /// A count with the given mean and a long tail (floor of an exponential variable).
    fn long_tail(&mut self, mean: f64) -> usize {
        let scale = 1.0 / (1.0 + 1.0 / mean).ln();
        (-(1.0 - self.unit()).ln() * scale).floor() as usize
    }
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// Lowercase ASCII slug: umlauts transliterated, every other run of non-alphanumerics becomes
/// one hyphen, at most 70 characters (room for a counter suffix within the 80 allowed).
fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut gap = false;
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let piece: &str = match ch {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' | 'É' => "e",
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().encode_utf8(&mut buf),
            _ => {
                gap = true;
                continue;
            }
        };
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        out.push_str(piece);
    }
    if out.len() > 70 {
        out.truncate(70);
        while out.ends_with('-') {
            out.pop();
        }
    }
    match out.len() {
        0 => "eintrag".to_owned(),
        1 => format!("eintrag-{out}"),
        _ => out,
    }
}

/// Hands out unique slugs within one table: the plain slug first, then `-2`, `-3`, …
#[derive(Default)]
struct SlugRegistry {
    taken: HashSet<String>,
    next: HashMap<String, u32>,
}

impl SlugRegistry {
    fn unique(&mut self, name: &str) -> String {
        let base = slugify(name);
        let mut n = self.next.get(&base).copied().unwrap_or(1);
        let mut candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while self.taken.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        self.next.insert(base, n);
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Shortens `text` to at most `max` characters at a word boundary, marking the cut with "…".
fn fit(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => cut[..i]
            .trim_end_matches([',', ';', ':', '–', '-', ' '])
            .to_owned(),
        _ => cut,
    };
    format!("{cut}…")
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `12345` → `12.345` (German thousands separator).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// ä → ae, ö → oe, ü → ue, ß → ss (the way people type without a German keyboard).
fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for ch in text.chars() {
        match ch {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// 2021-01-01T00:00:00Z: entries are created from here on …
const START: i64 = 1_609_459_200;
/// … until 2026-01-01T00:00:00Z (five years).
const END: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("timestamps of the synthetic catalogue are in range")
}

fn day(secs: i64) -> NaiveDate {
    ts(secs).date_naive()
}

/// `count` creation times spread over the five years, oldest first (so forks can point back).
fn creation_times(rng: &mut Rng, count: usize) -> Vec<i64> {
    let mut times: Vec<i64> = (0..count).map(|_| rng.between(START, END - DAY)).collect();
    times.sort_unstable();
    times
}

/// A random moment between `created` and the end of the window.
fn later(rng: &mut Rng, created: i64) -> i64 {
    rng.between(created, END - 1)
}

// ---------------------------------------------------------------------------------------------
// Reference tables
// ---------------------------------------------------------------------------------------------

/// A Bundesland: code, AGS prefix, name, "in …" phrase, the Land as an organisation (nominative
/// and dative), number of municipalities and population in 100 000s (both rough weights).
struct State {
    code: &'static str,
    ags: &'static str,
    name: &'static str,
    loc: &'static str,
    land: &'static str,
    land_dative: &'static str,
    municipalities: u32,
    population: u32,
}

#[allow(clippy::too_many_arguments)]
const fn st(
    code: &'static str,
    ags: &'static str,
    name: &'static str,
    loc: &'static str,
    land: &'static str,
    land_dative: &'static str,
    municipalities: u32,
    population: u32,
) -> State {
    State {
        code,
        ags,
        name,
        loc,
        land,
        land_dative,
        municipalities,
        population,
    }
}

const STATES: [State; 16] = [
    st(
        "SH",
        "01",
        "Schleswig-Holstein",
        "in Schleswig-Holstein",
        "Land Schleswig-Holstein",
        "dem Land Schleswig-Holstein",
        1106,
        29,
    ),
    st(
        "HH",
        "02",
        "Hamburg",
        "in Hamburg",
        "Freie und Hansestadt Hamburg",
        "der Freien und Hansestadt Hamburg",
        0,
        18,
    ),
    st(
        "NI",
        "03",
        "Niedersachsen",
        "in Niedersachsen",
        "Land Niedersachsen",
        "dem Land Niedersachsen",
        941,
        80,
    ),
    st(
        "HB",
        "04",
        "Bremen",
        "in Bremen",
        "Freie Hansestadt Bremen",
        "der Freien Hansestadt Bremen",
        0,
        7,
    ),
    st(
        "NW",
        "05",
        "Nordrhein-Westfalen",
        "in Nordrhein-Westfalen",
        "Land Nordrhein-Westfalen",
        "dem Land Nordrhein-Westfalen",
        396,
        179,
    ),
    st(
        "HE",
        "06",
        "Hessen",
        "in Hessen",
        "Land Hessen",
        "dem Land Hessen",
        421,
        63,
    ),
    st(
        "RP",
        "07",
        "Rheinland-Pfalz",
        "in Rheinland-Pfalz",
        "Land Rheinland-Pfalz",
        "dem Land Rheinland-Pfalz",
        2301,
        41,
    ),
    st(
        "BW",
        "08",
        "Baden-Württemberg",
        "in Baden-Württemberg",
        "Land Baden-Württemberg",
        "dem Land Baden-Württemberg",
        1101,
        111,
    ),
    st(
        "BY",
        "09",
        "Bayern",
        "in Bayern",
        "Freistaat Bayern",
        "dem Freistaat Bayern",
        2056,
        131,
    ),
    st(
        "SL",
        "10",
        "Saarland",
        "im Saarland",
        "Saarland",
        "dem Saarland",
        52,
        10,
    ),
    st(
        "BE",
        "11",
        "Berlin",
        "in Berlin",
        "Land Berlin",
        "dem Land Berlin",
        0,
        37,
    ),
    st(
        "BB",
        "12",
        "Brandenburg",
        "in Brandenburg",
        "Land Brandenburg",
        "dem Land Brandenburg",
        413,
        25,
    ),
    st(
        "MV",
        "13",
        "Mecklenburg-Vorpommern",
        "in Mecklenburg-Vorpommern",
        "Land Mecklenburg-Vorpommern",
        "dem Land Mecklenburg-Vorpommern",
        726,
        16,
    ),
    st(
        "SN",
        "14",
        "Sachsen",
        "in Sachsen",
        "Freistaat Sachsen",
        "dem Freistaat Sachsen",
        418,
        41,
    ),
    st(
        "ST",
        "15",
        "Sachsen-Anhalt",
        "in Sachsen-Anhalt",
        "Land Sachsen-Anhalt",
        "dem Land Sachsen-Anhalt",
        218,
        22,
    ),
    st(
        "TH",
        "16",
        "Thüringen",
        "in Thüringen",
        "Freistaat Thüringen",
        "dem Freistaat Thüringen",
        605,
        21,
    ),
];

fn state_index(code: &str) -> usize {
    STATES
        .iter()
        .position(|s| s.code == code)
        .expect("known Bundesland code")
}

/// Federal bodies (fictional names): (name, dative).
const FEDERAL_BODIES: [(&str, &str); 6] = [
    (
        "Bundesamt für Verwaltungsdigitalisierung",
        "dem Bundesamt für Verwaltungsdigitalisierung",
    ),
    (
        "Bundesstelle für offene Verwaltungsdaten",
        "der Bundesstelle für offene Verwaltungsdaten",
    ),
    (
        "Zentralstelle für Geodaten des Bundes",
        "der Zentralstelle für Geodaten des Bundes",
    ),
    (
        "Bundesagentur für Verwaltungsdienste",
        "der Bundesagentur für Verwaltungsdienste",
    ),
    (
        "Bundesinstitut für Kommunalstatistik",
        "dem Bundesinstitut für Kommunalstatistik",
    ),
    (
        "Koordinierungsstelle für Verwaltungsstandards",
        "der Koordinierungsstelle für Verwaltungsstandards",
    ),
];

/// Four large (fictional) IT service providers that publish a lot: (name, dative, region, state).
const LARGE_PROVIDERS: [(&str, &str, &str, &str); 4] = [
    (
        "Kommunale Datenzentrale Nord",
        "der Kommunalen Datenzentrale Nord",
        "Norddeutschland",
        "NI",
    ),
    (
        "IT-Verbund Südwest",
        "dem IT-Verbund Südwest",
        "Südwestdeutschland",
        "BW",
    ),
    (
        "Rechenzentrum der Kommunen Mitte",
        "dem Rechenzentrum der Kommunen Mitte",
        "Mitteldeutschland",
        "HE",
    ),
    (
        "Digitalagentur Ost",
        "der Digitalagentur Ost",
        "Ostdeutschland",
        "SN",
    ),
];

const TOWN_PREFIXES: &[&str] = &[
    "Bad ", "Neu-", "Groß ", "Klein ", "Ober", "Unter", "Nieder", "Hohen", "Alt", "Sankt ",
];

const TOWN_STEMS: &[&str] = &[
    "Linden",
    "Eichen",
    "Birken",
    "Buchen",
    "Eschen",
    "Erlen",
    "Weiden",
    "Fichten",
    "Tannen",
    "Hasel",
    "Ahl",
    "Bern",
    "Roden",
    "Wald",
    "Mühl",
    "Stein",
    "Rosen",
    "Kirch",
    "Berg",
    "Wester",
    "Oster",
    "Süder",
    "Nord",
    "Sonnen",
    "Hagen",
    "Falken",
    "Adler",
    "Wolfs",
    "Bären",
    "Hirsch",
    "Fisch",
    "Sand",
    "Kalk",
    "Salz",
    "Eisen",
    "Gold",
    "Mark",
    "Lauter",
    "Hain",
    "Holz",
    "Brunn",
    "Wendel",
    "Ebers",
    "Gunters",
    "Ludwigs",
    "Friedrichs",
    "Karls",
    "Heinrichs",
    "Ottens",
    "Wilhelms",
    "Marien",
    "Johannis",
    "Kloster",
    "Schön",
    "Grün",
    "Weiß",
    "Rot",
    "Mus",
    "Lieben",
    "Fried",
    "Walters",
    "Elster",
    "Wupper",
    "Ilm",
    "Ems",
    "Lahn",
    "Wern",
    "Tauber",
    "Reh",
    "Kranich",
    "Lerchen",
    "Amsel",
];

const TOWN_SUFFIXES: &[&str] = &[
    "heim", "hausen", "dorf", "burg", "feld", "stadt", "ingen", "bach", "berg", "brück", "hagen",
    "rode", "au", "tal", "kirchen", "stedt", "leben", "born", "wald", "hofen", "weiler", "beck",
    "büttel", "see", "furt", "stetten", "roda", "witz", "ow", "werder", "ach", "bruch",
];

const TOWN_QUALIFIERS: &[&str] = &[
    " am Main",
    " an der Lahn",
    " (Saale)",
    " im Allgäu",
    " am Rhein",
    " an der Elbe",
    " in Holstein",
    " (Oder)",
    " an der Donau",
    " im Schwarzwald",
    " am Harz",
    " (Westf.)",
    " in der Oberpfalz",
    " an der Weser",
];

const REGIONS: &[&str] = &[
    "Nordhessen",
    "Südwestfalen",
    "Ostwestfalen-Lippe",
    "Niederrhein",
    "Oberfranken",
    "Mittelsachsen",
    "Vorpommern",
    "Allgäu",
    "Emsland",
    "Eifel",
    "Hunsrück",
    "Altmark",
    "Uckermark",
    "Lausitz",
    "Rheinhessen",
    "Oberpfalz",
    "Schwarzwald-Baar",
    "Bodensee",
    "Weserbergland",
    "Harz",
    "Vogtland",
    "Ostholstein",
    "Saarpfalz",
    "Westerwald",
    "Breisgau",
    "Mittelfranken",
    "Rhön",
    "Taunus",
    "Sauerland",
    "Spreewald",
    "Erzgebirge",
    "Oberland",
    "Wetterau",
    "Kraichgau",
    "Ostfriesland",
    "Prignitz",
];

const SPECIAL_PURPOSES: &[&str] = &[
    "Abwasserbeseitigung",
    "Wasserversorgung",
    "Abfallwirtschaft",
    "Breitbandversorgung",
    "Nahverkehr",
    "Rettungsdienst",
    "Tourismus",
    "Schulverband",
    "Sparkasse",
    "Friedhofswesen",
    "Kommunale Datenverarbeitung",
];

const UNITS: &[&str] = &[
    "Hauptamt",
    "Stabsstelle Digitalisierung",
    "Team Onlinedienste",
    "Amt für Informationsverarbeitung",
    "Fachdienst IT und Organisation",
    "Bürgerservice",
    "Ordnungsamt",
    "Kämmerei",
    "Fachbereich Umwelt",
    "Tiefbauamt",
    "Amt für Digitalisierung",
    "Geschäftsbereich Fachverfahren",
    "Sozialamt",
    "Bauverwaltung",
    "Schulverwaltungsamt",
];

#[cfg(test)]
const ALLOWED_CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "instant-messaging",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
];

const SOLUTION_LICENCES: &[(&str, u32)] = &[
    ("EUPL-1.2", 34),
    ("AGPL-3.0-or-later", 18),
    ("GPL-3.0-or-later", 12),
    ("MIT", 12),
    ("Apache-2.0", 8),
    ("MPL-2.0", 5),
    ("GPL-2.0-or-later", 3),
    ("LGPL-3.0-or-later", 3),
    ("BSD-3-Clause", 2),
    ("EUPL-1.2 OR AGPL-3.0-or-later", 3),
];

const MODEL_LICENCES: &[(&str, u32)] = &[
    ("CC-BY-4.0", 30),
    ("DL-DE-BY-2.0", 25),
    ("CC0-1.0", 20),
    ("DL-DE-ZERO-2.0", 10),
    ("EUPL-1.2", 10),
    ("ODbL-1.0", 5),
];

const STATUSES: &[(&str, u32)] = &[
    ("stable", 48),
    ("beta", 20),
    ("development", 17),
    ("concept", 7),
    ("obsolete", 8),
];

/// (publiccode.yml software type, German label, English label) with weights.
const SOFTWARE_TYPES: &[((&str, &str, &str), u32)] = &[
    (("standalone/web", "Webanwendung", "Web application"), 55),
    (("standalone/mobile", "App", "Mobile app"), 8),
    (
        ("standalone/backend", "Backend-Dienst", "Backend service"),
        11,
    ),
    (
        (
            "standalone/desktop",
            "Desktop-Anwendung",
            "Desktop application",
        ),
        3,
    ),
    (("standalone/iot", "IoT-Lösung", "IoT solution"), 2),
    (("standalone/other", "Software", "Software"), 2),
    (("addon", "Erweiterung", "Add-on"), 7),
    (("library", "Bibliothek", "Library"), 6),
    (
        ("configurationFiles", "Betriebspaket", "Deployment package"),
        6,
    ),
];

const MAINTENANCE: &[(&str, u32)] = &[
    ("internal", 55),
    ("contract", 20),
    ("community", 18),
    ("none", 7),
];

const ADOPTION_STATUSES: &[(&str, u32)] = &[("production", 50), ("pilot", 25), ("evaluating", 25)];

const GENERIC_TAGS: &[&str] = &[
    "ozg",
    "onlinedienst",
    "open source",
    "kommune",
    "barrierefreiheit",
    "dsgvo",
    "efa",
    "fit-connect",
    "xöv",
    "cloud",
    "container",
    "mandantenfähig",
    "smart city",
    "digitalisierung",
    "einer für alle",
];

const GENERIC_FEATURES: &[&str] = &[
    "Barrierefreie Oberfläche nach BITV 2.0",
    "Single Sign-on über Keycloak",
    "Mandantenfähiger Betrieb für mehrere Kommunen",
    "Export als CSV und JSON",
    "Dokumentierte REST-API",
    "Anbindung an FIT-Connect",
    "Rollen- und Rechtekonzept",
    "Mehrsprachige Oberfläche",
];

/// Adjective forms (feminine, masculine, neuter) used in solution names.
const ADJECTIVES: &[[&str; 3]] = &[
    ["Digitale", "Digitaler", "Digitales"],
    ["Offene", "Offener", "Offenes"],
    ["Kommunale", "Kommunaler", "Kommunales"],
    ["Mobile", "Mobiler", "Mobiles"],
    ["Einfache", "Einfacher", "Einfaches"],
    ["Interkommunale", "Interkommunaler", "Interkommunales"],
    ["Smarte", "Smarter", "Smartes"],
];

const AUDIENCES_DATIVE: &[&str] = &[
    "Städten und Gemeinden",
    "kleinen Kommunen",
    "Landkreisen",
    "der Landesverwaltung",
    "kommunalen Verwaltungen",
    "Ämtern und Verbandsgemeinden",
];

const AUDIENCES_EN: &[&str] = &[
    "",
    " in municipalities",
    " for small towns",
    " for districts",
    " for public administrations",
];

const TECH_STACKS: &[&str] = &[
    "Vue.js und Spring Boot",
    "React und Node.js",
    "Angular und Java",
    "Django und PostgreSQL",
    "Laravel und MariaDB",
    "Rust und PostgreSQL",
    "Go und PostgreSQL",
    "TYPO3",
    "Flutter und Kotlin",
    "Python und FastAPI",
    "Symfony und PostgreSQL",
    "Quarkus und PostgreSQL",
];

const DATA_CENTRES: &[&str] = &[
    "im kommunalen Rechenzentrum",
    "im eigenen Rechenzentrum",
    "beim IT-Dienstleister",
    "in einer souveränen Cloud",
];

const INTERFACES: &[&str] = &[
    "XÖV-Standards",
    "FIT-Connect",
    "der BundID",
    "dem Servicekonto des Landes",
    "OParl",
    "XBau",
    "XPlanung",
    "DCAT-AP.de",
    "OGC-Diensten",
    "dem Finanzverfahren",
    "dem Dokumentenmanagementsystem",
];

/// Sentences for the "Betrieb" section of long descriptions; placeholders are filled in.
const OPERATION_SENTENCES: &[&str] = &[
    "Technisch basiert die Lösung auf {stack} und läuft als Container {rz}.",
    "Schnittstellen zu {interface} sind vorhanden.",
    "Die Anwendung ist nach BITV 2.0 barrierefrei und erfüllt die Anforderungen der DSGVO.",
    "Bürgerinnen und Bürger erledigen ihr Anliegen rund um die Uhr, ohne ins Rathaus zu kommen.",
    "Die Lösung entstand im Rahmen des Onlinezugangsgesetzes (OZG) und wird nach dem Prinzip „Einer für Alle“ bereitgestellt.",
    "Bereits {n} Kommunen setzen die Lösung produktiv ein.",
    "Über eine Anwendergemeinschaft stimmen die Nutzenden die Weiterentwicklung gemeinsam ab.",
    "Die Installation gelingt mit Docker Compose oder einem Helm-Chart in wenigen Minuten.",
    "Eine Demo-Instanz steht zum Ausprobieren bereit.",
    "Der Quellcode steht unter der Lizenz {licence}; Beiträge sind ausdrücklich willkommen.",
    "Mandantenfähigkeit erlaubt den Betrieb für mehrere Kommunen auf einer Installation.",
    "Die erfassten Daten lassen sich als Open Data veröffentlichen.",
    "Kleinen Kommunen steht die Lösung auch als gehosteter Dienst zur Verfügung.",
    "Der Betrieb {rz} ist mit einem Sicherheitskonzept nach BSI-Grundschutz dokumentiert.",
];

const ADOPTION_NOTES: &[&str] = &[
    "Wir setzen die Lösung seit {year} ein und sind mit dem Betrieb zufrieden.",
    "Die Einführung hat rund {n} Wochen gedauert; die Dokumentation war dabei eine große Hilfe.",
    "Wir testen die Lösung zunächst in einem Pilotbereich der Verwaltung.",
    "Offen ist noch die Anbindung an unser Fachverfahren.",
    "Gerne teilen wir unsere Erfahrungen mit anderen Kommunen.",
    "Den Betrieb übernimmt unser kommunaler IT-Dienstleister.",
    "Kleinere Anpassungen haben wir als Merge Request zurückgegeben.",
    "Besonders überzeugt hat uns die einfache Bedienung für Bürgerinnen und Bürger.",
];

// ---------------------------------------------------------------------------------------------
// Topic vocabulary
// ---------------------------------------------------------------------------------------------

/// Grammatical gender of a topic noun (chooses the adjective form in names).
#[derive(Debug, Clone, Copy)]
enum Gender {
    Fem,
    Mas,
    Neu,
}

/// The JSON type of one data-model field, with what its example values look like.
enum FieldKind {
    /// A string; examples are picked from the list.
    Str(&'static [&'static str]),
    Int(i64, i64),
    Num(f64, f64),
    Flag,
    /// A string in `date` format.
    Day,
    /// A string in `date-time` format.
    Stamp,
    OneOf(&'static [&'static str]),
}

use FieldKind::{Day, Flag, Int, Num, OneOf, Stamp, Str};

/// One property of a data model.
struct Field {
    name: &'static str,
    kind: FieldKind,
    doc: &'static str,
}

const fn f(name: &'static str, kind: FieldKind, doc: &'static str) -> Field {
    Field { name, kind, doc }
}

/// A task of public administration that solutions and data models are about.
struct Topic {
    /// The German compound noun ("Friedhofsverwaltung").
    noun: &'static str,
    gender: Gender,
    /// Short word for product-style names ("Friedhof" → "Friedhof-App", "OpenFriedhof").
    stem: &'static str,
    /// What the software does, as an accusative phrase ("die Verwaltung von Grabstellen").
    what: &'static str,
    /// English noun phrase.
    en: &'static str,
    /// Lowercase tags; the first one is a single word that names the topic.
    tags: &'static [&'static str],
    features: &'static [&'static str],
    /// publiccode.yml categories, most typical first.
    categories: &'static [&'static str],
    /// Data-model domain.
    domain: &'static str,
    /// Name of the topic's data model ("Grabstelle").
    model: &'static str,
    fields: &'static [Field],
}

use Gender::{Fem, Mas, Neu};

const TOPICS: &[Topic] = &[
    Topic {
        noun: "Friedhofsverwaltung",
        gender: Fem,
        stem: "Friedhof",
        en: "cemetery management",
        what: "die Verwaltung von Grabstellen, Nutzungsrechten und Bestattungen",
        tags: &[
            "friedhof",
            "grabstelle",
            "bestattung",
            "gebühren",
            "nutzungsrecht",
        ],
        features: &[
            "Grabstellenplan mit Belegung",
            "Gebührenbescheide für Nutzungsrechte",
            "Terminplanung für Bestattungen",
            "Erinnerung an ablaufende Ruhefristen",
        ],
        categories: &[
            "property-management",
            "billing-and-invoicing",
            "geographic-information-systems",
        ],
        domain: "verwaltung",
        model: "Grabstelle",
        fields: &[
            f(
                "grabnummer",
                Str(&["A-12-04", "C-03-17", "U-01-22"]),
                "Nummer der Grabstelle im Friedhofsplan",
            ),
            f(
                "grabart",
                OneOf(&["reihengrab", "wahlgrab", "urnengrab", "baumgrab"]),
                "Art der Grabstelle",
            ),
            f("ruhefrist_ende", Day, "Ende der Ruhefrist"),
            f("belegt", Flag, "Ob die Grabstelle belegt ist"),
        ],
    },
    Topic {
        noun: "Parkraumbewirtschaftung",
        gender: Fem,
        stem: "Parkraum",
        en: "parking management",
        what: "die Bewirtschaftung von Parkplätzen, Parkscheinautomaten und Anwohnerparkausweisen",
        tags: &[
            "parken",
            "parkplatz",
            "parkschein",
            "anwohnerparken",
            "parkraum",
        ],
        features: &[
            "Anwohnerparkausweis online beantragen",
            "Belegung der Parkplätze in Echtzeit",
            "Handyparken mit mehreren Anbietern",
            "Auswertung der Parkscheinautomaten",
        ],
        categories: &[
            "mobile-payment",
            "data-analytics",
            "geographic-information-systems",
        ],
        domain: "mobilitaet",
        model: "Parkplatzbelegung",
        fields: &[
            f(
                "stellplaetze_gesamt",
                Int(5, 2000),
                "Gesamtzahl der Stellplätze",
            ),
            f(
                "stellplaetze_frei",
                Int(0, 500),
                "Aktuell freie Stellplätze",
            ),
            f(
                "art",
                OneOf(&["parkhaus", "tiefgarage", "parkplatz", "strassenraum"]),
                "Art der Parkeinrichtung",
            ),
            f("zeitstempel", Stamp, "Zeitpunkt der Zählung"),
        ],
    },
    Topic {
        noun: "Bürgerbeteiligung",
        gender: Fem,
        stem: "Beteiligung",
        en: "citizen participation",
        what: "die Beteiligung der Bürgerinnen und Bürger an Planungen und Entscheidungen",
        tags: &[
            "bürgerbeteiligung",
            "partizipation",
            "umfrage",
            "bürgerhaushalt",
            "abstimmung",
        ],
        features: &[
            "Online-Umfragen mit Auswertung",
            "Kartenbasierte Beteiligung an Planungen",
            "Vorschläge einreichen und kommentieren",
            "Bürgerhaushalt mit Abstimmung",
        ],
        categories: &["digital-citizenship", "survey", "online-community"],
        domain: "verwaltung",
        model: "Beteiligungsverfahren",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Neugestaltung des Marktplatzes",
                    "Radverkehrskonzept 2030",
                    "Spielplatz am Stadtpark",
                ]),
                "Titel des Verfahrens",
            ),
            f("beginn", Day, "Beginn der Beteiligungsphase"),
            f(
                "status",
                OneOf(&["geplant", "laufend", "abgeschlossen"]),
                "Stand des Verfahrens",
            ),
            f(
                "beitraege",
                Int(0, 5000),
                "Anzahl der eingegangenen Beiträge",
            ),
        ],
    },
    Topic {
        noun: "Ratsinformationssystem",
        gender: Neu,
        stem: "Ratsinfo",
        en: "council information system",
        what: "die Gremienarbeit mit Sitzungen, Vorlagen und Beschlüssen",
        tags: &[
            "ratsinformation",
            "sitzungsdienst",
            "gremien",
            "oparl",
            "beschlüsse",
        ],
        features: &[
            "Vorlagenworkflow mit Mitzeichnung",
            "Elektronische Einladung zu Sitzungen",
            "OParl-Schnittstelle für offene Daten",
            "Volltextsuche in Beschlüssen",
        ],
        categories: &[
            "document-management",
            "workflow-management",
            "digital-citizenship",
        ],
        domain: "verwaltung",
        model: "Sitzung",
        fields: &[
            f(
                "gremium",
                Str(&["Bauausschuss", "Gemeinderat", "Kreistag", "Sozialausschuss"]),
                "Gremium, das tagt",
            ),
            f("sitzungsbeginn", Stamp, "Beginn der Sitzung"),
            f("oeffentlich", Flag, "Ob die Sitzung öffentlich ist"),
            f(
                "tagesordnungspunkte",
                Int(1, 40),
                "Anzahl der Tagesordnungspunkte",
            ),
        ],
    },
    Topic {
        noun: "Abfallkalender",
        gender: Mas,
        stem: "Abfall",
        en: "waste collection calendar",
        what: "die Abfuhrtermine für Restmüll, Bioabfall, Papier und Wertstoffe",
        tags: &[
            "abfall",
            "abfuhrkalender",
            "müllabfuhr",
            "erinnerung",
            "wertstoffe",
        ],
        features: &[
            "Abfuhrtermine je Straße",
            "Erinnerung per Push-Nachricht",
            "Export als iCal-Kalender",
            "Standorte der Wertstoffhöfe",
        ],
        categories: &["digital-citizenship", "communications"],
        domain: "umwelt",
        model: "Abfuhrtermin",
        fields: &[
            f(
                "strasse",
                Str(&["Hauptstraße", "Lindenweg", "Am Markt"]),
                "Straße des Abfuhrbezirks",
            ),
            f(
                "abfallart",
                OneOf(&["restmuell", "bioabfall", "papier", "gelbe_tonne"]),
                "Abfallart",
            ),
            f("abholdatum", Day, "Tag der Abholung"),
            f(
                "verschoben",
                Flag,
                "Ob der Termin wegen eines Feiertags verschoben ist",
            ),
        ],
    },
    Topic {
        noun: "Kita-Platzvergabe",
        gender: Fem,
        stem: "Kita",
        en: "childcare place allocation",
        what: "die Anmeldung und Vergabe von Betreuungsplätzen in Kindertagesstätten",
        tags: &[
            "kita",
            "kinderbetreuung",
            "platzvergabe",
            "familie",
            "anmeldung",
        ],
        features: &[
            "Zentrale Anmeldung für alle Kitas",
            "Vergabe nach transparenten Kriterien",
            "Wartelisten je Einrichtung",
            "Elternportal mit Statusanzeige",
        ],
        categories: &["digital-citizenship", "resource-management"],
        domain: "soziales",
        model: "Kita-Anmeldung",
        fields: &[
            f("geburtsdatum_kind", Day, "Geburtsdatum des Kindes"),
            f("betreuungsbeginn", Day, "Gewünschter Betreuungsbeginn"),
            f(
                "betreuungsumfang_stunden",
                Int(20, 50),
                "Wöchentlicher Betreuungsumfang in Stunden",
            ),
            f(
                "wunscheinrichtung",
                Str(&["Kita Sonnenschein", "Kinderhaus Regenbogen", "Kita Am Park"]),
                "Erste Wunscheinrichtung",
            ),
        ],
    },
    Topic {
        noun: "Baumkataster",
        gender: Neu,
        stem: "Baum",
        en: "tree register",
        what: "die Erfassung und Kontrolle von Straßenbäumen und Grünflächen",
        tags: &[
            "baumkataster",
            "baum",
            "baumkontrolle",
            "stadtgrün",
            "grünflächen",
        ],
        features: &[
            "Baumkontrolle mit mobiler Erfassung",
            "Karte aller Straßenbäume",
            "Maßnahmenplanung für die Baumpflege",
            "Gießpatenschaften für Bürgerinnen und Bürger",
        ],
        categories: &[
            "geographic-information-systems",
            "data-collection",
            "facility-management",
        ],
        domain: "umwelt",
        model: "Baum",
        fields: &[
            f(
                "baumart",
                Str(&["Tilia cordata", "Acer platanoides", "Quercus robur"]),
                "Botanischer Name der Baumart",
            ),
            f("pflanzjahr", Int(1900, 2025), "Jahr der Pflanzung"),
            f("stammumfang_cm", Int(10, 600), "Stammumfang in Zentimetern"),
            f(
                "vitalitaet",
                OneOf(&[
                    "gut",
                    "leicht_geschaedigt",
                    "stark_geschaedigt",
                    "abgestorben",
                ]),
                "Vitalität bei der letzten Kontrolle",
            ),
        ],
    },
    Topic {
        noun: "Sitzungsdienst",
        gender: Mas,
        stem: "Sitzung",
        en: "council meeting management",
        what: "die Vorbereitung, Durchführung und Nachbereitung von Sitzungen",
        tags: &[
            "sitzungsdienst",
            "gremien",
            "niederschrift",
            "tagesordnung",
            "sitzungsgeld",
        ],
        features: &[
            "Tagesordnung mit Vorlagen",
            "Anwesenheitsliste und Abstimmungen",
            "Niederschrift aus der Vorlage",
            "Export für die Sitzungsgeld-Abrechnung",
        ],
        categories: &["workflow-management", "document-management"],
        domain: "verwaltung",
        model: "Tagesordnungspunkt",
        fields: &[
            f(
                "nummer",
                Str(&["TOP 1", "TOP 3", "TOP 7.2"]),
                "Nummer des Tagesordnungspunkts",
            ),
            f(
                "titel",
                Str(&[
                    "Bebauungsplan Nr. 12",
                    "Haushaltssatzung 2026",
                    "Sanierung der Grundschule",
                ]),
                "Titel",
            ),
            f(
                "beschluss",
                OneOf(&["angenommen", "abgelehnt", "vertagt"]),
                "Ergebnis der Beratung",
            ),
            f("oeffentlich", Flag, "Ob der Punkt öffentlich beraten wird"),
        ],
    },
    Topic {
        noun: "Mängelmelder",
        gender: Mas,
        stem: "Mängel",
        en: "issue reporting",
        what: "die Meldung von Schäden und Mängeln im öffentlichen Raum",
        tags: &[
            "mängelmelder",
            "schlagloch",
            "bürgerservice",
            "straßenschaden",
            "meldung",
        ],
        features: &[
            "Meldung mit Foto und Standort",
            "Statusverfolgung für Meldende",
            "Weiterleitung an zuständige Ämter",
            "Karte aller offenen Meldungen",
        ],
        categories: &[
            "customer-service-and-support",
            "digital-citizenship",
            "geographic-information-systems",
        ],
        domain: "sicherheit_ordnung",
        model: "Mängelmeldung",
        fields: &[
            f(
                "kategorie",
                OneOf(&[
                    "schlagloch",
                    "beleuchtung",
                    "muell",
                    "graffiti",
                    "spielplatz",
                ]),
                "Art des Mangels",
            ),
            f(
                "beschreibung",
                Str(&[
                    "Tiefes Schlagloch vor Hausnummer 12",
                    "Laterne flackert",
                    "Wilder Müll am Waldrand",
                ]),
                "Beschreibung durch die meldende Person",
            ),
            f("gemeldet_am", Stamp, "Zeitpunkt der Meldung"),
            f(
                "status",
                OneOf(&["neu", "in_bearbeitung", "erledigt"]),
                "Bearbeitungsstand",
            ),
        ],
    },
    Topic {
        noun: "Terminvereinbarung",
        gender: Fem,
        stem: "Termin",
        en: "appointment booking",
        what: "die Online-Buchung von Terminen im Bürgerbüro",
        tags: &[
            "terminvereinbarung",
            "termin",
            "bürgerbüro",
            "wartezeit",
            "aufrufsystem",
        ],
        features: &[
            "Freie Termine je Dienstleistung",
            "Aufrufsystem im Wartebereich",
            "Erinnerung per SMS und E-Mail",
            "Statistik zu Wartezeiten",
        ],
        categories: &[
            "appointment-scheduling",
            "online-booking",
            "visitor-management",
        ],
        domain: "verwaltung",
        model: "Termin",
        fields: &[
            f(
                "dienstleistung",
                Str(&[
                    "Personalausweis beantragen",
                    "Wohnsitz anmelden",
                    "Führungszeugnis beantragen",
                ]),
                "Gebuchte Dienstleistung",
            ),
            f("beginn", Stamp, "Beginn des Termins"),
            f("dauer_minuten", Int(5, 60), "Dauer in Minuten"),
            f(
                "standort",
                Str(&["Bürgerbüro Mitte", "Rathaus", "Bürgerbüro Nord"]),
                "Ort des Termins",
            ),
        ],
    },
    Topic {
        noun: "Sperrmüllanmeldung",
        gender: Fem,
        stem: "Sperrmüll",
        en: "bulky waste collection booking",
        what: "die Anmeldung von Sperrmüll und Elektroaltgeräten zur Abholung",
        tags: &[
            "sperrmüll",
            "abfall",
            "abholung",
            "elektroaltgeräte",
            "terminbuchung",
        ],
        features: &[
            "Gegenstände aus einem Katalog wählen",
            "Freie Abholtermine je Bezirk",
            "Elektroaltgeräte getrennt erfassen",
            "Bestätigung per E-Mail",
        ],
        categories: &["digital-citizenship", "online-booking"],
        domain: "umwelt",
        model: "Sperrmüllanmeldung",
        fields: &[
            f(
                "adresse",
                Str(&["Lindenweg 4", "Hauptstraße 17", "Am Markt 2"]),
                "Abholadresse",
            ),
            f("abholtermin", Day, "Vereinbarter Abholtag"),
            f("anzahl_gegenstaende", Int(1, 20), "Anzahl der Gegenstände"),
            f("elektrogeraete", Flag, "Ob Elektroaltgeräte dabei sind"),
        ],
    },
    Topic {
        noun: "Hundesteuer",
        gender: Fem,
        stem: "Hundesteuer",
        en: "dog tax",
        what: "die An- und Abmeldung von Hunden und die Festsetzung der Hundesteuer",
        tags: &["hundesteuer", "hund", "steuern", "onlineantrag", "anträge"],
        features: &[
            "Hund online anmelden",
            "Steuerbescheid als PDF",
            "Abmeldung bei Umzug",
            "Ermäßigung beantragen",
        ],
        categories: &["taxes-management", "digital-citizenship"],
        domain: "finanzen",
        model: "Hundeanmeldung",
        fields: &[
            f(
                "rasse",
                Str(&["Mischling", "Labrador Retriever", "Dackel"]),
                "Rasse des Hundes",
            ),
            f("geburtsjahr", Int(2008, 2025), "Geburtsjahr des Hundes"),
            f(
                "steuermarke",
                Str(&["HS-2025-0142", "HS-2024-0877"]),
                "Nummer der Steuermarke",
            ),
            f("ermaessigung", Flag, "Ob eine Ermäßigung gewährt wird"),
        ],
    },
    Topic {
        noun: "Gewerbeanmeldung",
        gender: Fem,
        stem: "Gewerbe",
        en: "business registration",
        what: "die An-, Um- und Abmeldung von Gewerben",
        tags: &[
            "gewerbe",
            "gewerbeanmeldung",
            "gründung",
            "xgewerbeanzeige",
            "anträge",
        ],
        features: &[
            "Antrag online stellen",
            "Datenübermittlung nach XGewerbeanzeige",
            "Gebühren online bezahlen",
            "Weiterleitung an die Kammern",
        ],
        categories: &["digital-citizenship", "business-process-management"],
        domain: "wirtschaft",
        model: "Gewerbeanzeige",
        fields: &[
            f(
                "anzeigeart",
                OneOf(&["anmeldung", "ummeldung", "abmeldung"]),
                "Art der Anzeige",
            ),
            f(
                "taetigkeit",
                Str(&[
                    "Softwareentwicklung",
                    "Einzelhandel mit Lebensmitteln",
                    "Gastronomie",
                ]),
                "Angemeldete Tätigkeit",
            ),
            f("beginn", Day, "Beginn der Tätigkeit"),
            f(
                "rechtsform",
                OneOf(&["einzelunternehmen", "gmbh", "ug", "gbr"]),
                "Rechtsform",
            ),
        ],
    },
    Topic {
        noun: "Bauantragsverfahren",
        gender: Neu,
        stem: "Bauantrag",
        en: "building permit procedure",
        what: "die digitale Einreichung und Bearbeitung von Bauanträgen",
        tags: &["bauantrag", "baugenehmigung", "xbau", "bauakte", "e-akte"],
        features: &[
            "Bauantrag online einreichen",
            "Digitale Akte für Bauvorhaben",
            "Beteiligung der Fachämter",
            "Datenaustausch nach XBau",
        ],
        categories: &[
            "document-management",
            "workflow-management",
            "business-process-management",
        ],
        domain: "bauen_wohnen",
        model: "Bauantrag",
        fields: &[
            f(
                "vorhaben",
                Str(&[
                    "Neubau eines Einfamilienhauses",
                    "Anbau eines Wintergartens",
                    "Umnutzung einer Scheune",
                ]),
                "Beschreibung des Vorhabens",
            ),
            f(
                "verfahrensart",
                OneOf(&["vereinfacht", "regulaer", "freistellung"]),
                "Art des Genehmigungsverfahrens",
            ),
            f("eingang", Day, "Eingang des Antrags"),
            f(
                "flurstueck",
                Str(&["Flur 3, Flurstück 112", "Flur 12, Flurstück 45/2"]),
                "Betroffenes Flurstück",
            ),
        ],
    },
    Topic {
        noun: "E-Akte",
        gender: Fem,
        stem: "Akte",
        en: "electronic records management",
        what: "die elektronische Aktenführung mit Aktenplan und Archivierung",
        tags: &[
            "e-akte",
            "dokumentenmanagement",
            "aktenplan",
            "xdomea",
            "archiv",
        ],
        features: &[
            "Digitale Akte mit Aktenplan",
            "Aussonderung nach xdomea",
            "Revisionssichere Ablage",
            "Volltextsuche in Dokumenten",
        ],
        categories: &["document-management", "workflow-management"],
        domain: "verwaltung",
        model: "Aktenvorgang",
        fields: &[
            f(
                "aktenzeichen",
                Str(&["32.10.01-2025/0042", "60.20.03-2024/0117"]),
                "Aktenzeichen",
            ),
            f(
                "betreff",
                Str(&["Sondernutzung Gehweg", "Antrag auf Fällgenehmigung"]),
                "Betreff des Vorgangs",
            ),
            f("angelegt_am", Day, "Anlagedatum"),
            f("abgeschlossen", Flag, "Ob der Vorgang abgeschlossen ist"),
        ],
    },
    Topic {
        noun: "Geoportal",
        gender: Neu,
        stem: "Geo",
        en: "geoportal",
        what: "die Bereitstellung von Karten, Luftbildern und Geodaten",
        tags: &["geoportal", "gis", "karten", "geodaten", "inspire"],
        features: &[
            "Karten mit Themenebenen",
            "Suche nach Adressen und Flurstücken",
            "Download von Geodaten",
            "Druck von Kartenausschnitten",
        ],
        categories: &["geographic-information-systems", "data-visualization"],
        domain: "geodaten",
        model: "Flurstück",
        fields: &[
            f(
                "flurstueckskennzeichen",
                Str(&["053315001000120000", "091620020004500002"]),
                "Amtliches Flurstückskennzeichen",
            ),
            f("flaeche_qm", Num(50.0, 50_000.0), "Fläche in Quadratmetern"),
            f(
                "gemarkung",
                Str(&["Lindenhausen", "Oberbach", "Eichenfeld"]),
                "Gemarkung",
            ),
            f(
                "nutzung",
                OneOf(&["wohnbauflaeche", "gruenland", "wald", "verkehrsflaeche"]),
                "Tatsächliche Nutzung",
            ),
        ],
    },
    Topic {
        noun: "Haushaltsvisualisierung",
        gender: Fem,
        stem: "Haushalt",
        en: "budget visualisation",
        what: "die transparente Darstellung von Erträgen, Aufwendungen und Investitionen",
        tags: &[
            "haushalt",
            "finanzen",
            "transparenz",
            "open data",
            "kämmerei",
        ],
        features: &[
            "Visualisierung des Haushaltsplans",
            "Vergleich mit Vorjahren",
            "Investitionen auf der Karte",
            "Export als CSV",
        ],
        categories: &["financial-reporting", "data-visualization", "budgeting"],
        domain: "finanzen",
        model: "Haushaltsposten",
        fields: &[
            f(
                "produkt",
                Str(&[
                    "1.1.1 Verwaltungssteuerung",
                    "2.1.1 Grundschulen",
                    "5.4.1 Gemeindestraßen",
                ]),
                "Produkt laut Produktrahmen",
            ),
            f("jahr", Int(2019, 2026), "Haushaltsjahr"),
            f("ansatz_euro", Num(1000.0, 50_000_000.0), "Ansatz in Euro"),
            f(
                "art",
                OneOf(&["ertrag", "aufwand", "einzahlung", "auszahlung"]),
                "Art des Postens",
            ),
        ],
    },
    Topic {
        noun: "Fundbüro",
        gender: Neu,
        stem: "Fundbüro",
        en: "lost and found office",
        what: "die Meldung und Verwaltung von Fundsachen",
        tags: &["fundbüro", "fundsachen", "verlustmeldung", "bürgerservice"],
        features: &[
            "Fundsachen online suchen",
            "Verlustmeldung mit automatischem Abgleich",
            "Aufbewahrungsfristen im Blick",
            "Versteigerung nicht abgeholter Fundsachen",
        ],
        categories: &["digital-citizenship", "inventory-management"],
        domain: "verwaltung",
        model: "Fundsache",
        fields: &[
            f(
                "kategorie",
                OneOf(&["schluessel", "geldboerse", "handy", "fahrrad", "kleidung"]),
                "Art der Fundsache",
            ),
            f(
                "fundort",
                Str(&["Bahnhofsplatz", "Stadtbus Linie 3", "Freibad"]),
                "Fundort",
            ),
            f("funddatum", Day, "Tag des Fundes"),
            f("abgeholt", Flag, "Ob die Fundsache abgeholt wurde"),
        ],
    },
    Topic {
        noun: "Wahlorganisation",
        gender: Fem,
        stem: "Wahl",
        en: "election management",
        what: "die Organisation von Wahlen mit Wahlvorständen und Wahlhelfenden",
        tags: &[
            "wahlen",
            "wahlhelfer",
            "wahlvorstand",
            "ehrenamt",
            "wahlergebnisse",
        ],
        features: &[
            "Einteilung der Wahlhelfenden",
            "Schulungsplanung für Wahlvorstände",
            "Erfassung der Wahlergebnisse",
            "Präsentation am Wahlabend",
        ],
        categories: &[
            "event-management",
            "resource-management",
            "data-visualization",
        ],
        domain: "verwaltung",
        model: "Wahlergebnis je Stimmbezirk",
        fields: &[
            f(
                "stimmbezirk",
                Str(&["0112", "0431", "1203"]),
                "Nummer des Stimmbezirks",
            ),
            f(
                "wahlberechtigte",
                Int(200, 3000),
                "Zahl der Wahlberechtigten",
            ),
            f("waehlende", Int(100, 2500), "Zahl der Wählenden"),
            f(
                "gueltige_stimmen",
                Int(100, 2500),
                "Zahl der gültigen Stimmen",
            ),
        ],
    },
    Topic {
        noun: "Feuerwehrverwaltung",
        gender: Fem,
        stem: "Feuerwehr",
        en: "fire brigade management",
        what: "die Verwaltung von Einsätzen, Fahrzeugen und Einsatzkräften der Feuerwehr",
        tags: &[
            "feuerwehr",
            "einsatzbericht",
            "ehrenamt",
            "bevölkerungsschutz",
            "fahrzeuge",
        ],
        features: &[
            "Einsatzberichte mobil erfassen",
            "Atemschutz- und Lehrgangsnachweise",
            "Wartung von Fahrzeugen und Geräten",
            "Alarmierung der Einsatzkräfte",
        ],
        categories: &["data-collection", "fleet-management", "hr"],
        domain: "sicherheit_ordnung",
        model: "Einsatzbericht",
        fields: &[
            f(
                "einsatzart",
                OneOf(&["brand", "technische_hilfe", "fehlalarm", "unwetter"]),
                "Art des Einsatzes",
            ),
            f("alarmzeit", Stamp, "Zeitpunkt der Alarmierung"),
            f("einsatzkraefte", Int(2, 80), "Anzahl der Einsatzkräfte"),
            f(
                "einsatzort",
                Str(&[
                    "Industriestraße 7",
                    "Kreisstraße zwischen Oberbach und Unterbach",
                ]),
                "Einsatzort",
            ),
        ],
    },
    Topic {
        noun: "Winterdienstplanung",
        gender: Fem,
        stem: "Winterdienst",
        en: "winter road maintenance planning",
        what: "die Planung und Dokumentation von Räum- und Streueinsätzen",
        tags: &[
            "winterdienst",
            "streudienst",
            "tourenplanung",
            "gps",
            "fuhrpark",
        ],
        features: &[
            "Tourenplanung für Räumfahrzeuge",
            "GPS-Dokumentation der Einsätze",
            "Streumittelverbrauch je Tour",
            "Nachweis für Haftungsfälle",
        ],
        categories: &[
            "fleet-management",
            "resource-management",
            "geographic-information-systems",
        ],
        domain: "mobilitaet",
        model: "Streueinsatz",
        fields: &[
            f(
                "fahrzeug",
                Str(&["Unimog 3", "Kleintraktor 1", "Streuwagen Nord"]),
                "Eingesetztes Fahrzeug",
            ),
            f("beginn", Stamp, "Beginn des Einsatzes"),
            f(
                "streumittel_kg",
                Num(0.0, 5000.0),
                "Ausgebrachtes Streumittel in Kilogramm",
            ),
            f(
                "dringlichkeit",
                OneOf(&["stufe_1", "stufe_2", "stufe_3"]),
                "Dringlichkeitsstufe der Strecke",
            ),
        ],
    },
    Topic {
        noun: "Straßenbeleuchtung",
        gender: Fem,
        stem: "Laterne",
        en: "street lighting",
        what: "die Störungsmeldung und Wartung von Straßenlaternen",
        tags: &[
            "straßenbeleuchtung",
            "laterne",
            "störungsmeldung",
            "instandhaltung",
            "led",
        ],
        features: &[
            "Störung einer Laterne melden",
            "Wartungsplanung für Leuchten",
            "Energieverbrauch je Leuchtstelle",
            "Karte aller Leuchtstellen",
        ],
        categories: &["facility-management", "customer-service-and-support"],
        domain: "bauen_wohnen",
        model: "Leuchtstelle",
        fields: &[
            f(
                "leuchtennummer",
                Str(&["L-0421", "L-1187", "L-2203"]),
                "Nummer der Leuchte",
            ),
            f(
                "leuchtmittel",
                OneOf(&["led", "natriumdampf", "quecksilberdampf"]),
                "Leuchtmittel",
            ),
            f("leistung_watt", Int(10, 250), "Leistung in Watt"),
            f("stoerung", Flag, "Ob eine Störung gemeldet ist"),
        ],
    },
    Topic {
        noun: "Spielplatzkontrolle",
        gender: Fem,
        stem: "Spielplatz",
        en: "playground inspection",
        what: "die Kontrolle und Pflege von Spielplätzen und Spielgeräten",
        tags: &[
            "spielplatz",
            "spielgeräte",
            "kontrolle",
            "grünflächen",
            "familie",
        ],
        features: &[
            "Kontrollprotokolle nach DIN EN 1176",
            "Karte aller Spielplätze",
            "Mängel an Spielgeräten erfassen",
            "Wartungsplanung für den Bauhof",
        ],
        categories: &["facility-management", "data-collection"],
        domain: "kultur_freizeit",
        model: "Spielplatz",
        fields: &[
            f(
                "bezeichnung",
                Str(&["Spielplatz Lindenpark", "Wasserspielplatz am See"]),
                "Name des Spielplatzes",
            ),
            f(
                "altersgruppe",
                OneOf(&["bis_6", "6_bis_12", "ab_12"]),
                "Altersgruppe",
            ),
            f("spielgeraete", Int(1, 30), "Anzahl der Spielgeräte"),
            f("barrierefrei", Flag, "Ob der Spielplatz barrierefrei ist"),
        ],
    },
    Topic {
        noun: "Veranstaltungskalender",
        gender: Mas,
        stem: "Veranstaltung",
        en: "event calendar",
        what: "die Veröffentlichung von Veranstaltungen aus Kultur, Sport und Vereinsleben",
        tags: &[
            "veranstaltungen",
            "kalender",
            "kultur",
            "tourismus",
            "vereine",
        ],
        features: &[
            "Veranstaltungen selbst eintragen",
            "Redaktionelle Freigabe",
            "Schnittstelle für Apps",
            "Export als iCal",
        ],
        categories: &["event-management", "content-management"],
        domain: "kultur_freizeit",
        model: "Veranstaltung",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Sommerfest im Stadtpark",
                    "Lesung in der Stadtbibliothek",
                    "Weihnachtsmarkt",
                ]),
                "Titel der Veranstaltung",
            ),
            f("beginn", Stamp, "Beginn"),
            f(
                "veranstaltungsort",
                Str(&["Stadthalle", "Marktplatz", "Bürgerhaus"]),
                "Ort",
            ),
            f(
                "kategorie",
                OneOf(&["kultur", "sport", "markt", "bildung", "vereine"]),
                "Kategorie",
            ),
        ],
    },
    Topic {
        noun: "Luftqualitätsmessung",
        gender: Fem,
        stem: "Luft",
        en: "air quality monitoring",
        what: "die Messung und Darstellung von Feinstaub und Stickstoffdioxid",
        tags: &[
            "luftqualität",
            "feinstaub",
            "umwelt",
            "sensorik",
            "stickstoffdioxid",
        ],
        features: &[
            "Messwerte in Echtzeit",
            "Dashboard mit Grenzwerten",
            "Low-Cost-Sensoren einbinden",
            "Open-Data-Export",
        ],
        categories: &["data-visualization", "data-analytics", "data-collection"],
        domain: "umwelt",
        model: "Luftmesswert",
        fields: &[
            f(
                "station",
                Str(&["Am Rathaus", "Hauptstraße Verkehr", "Stadtpark"]),
                "Messstation",
            ),
            f("pm10", Num(0.0, 150.0), "Feinstaub PM10 in µg/m³"),
            f("no2", Num(0.0, 200.0), "Stickstoffdioxid in µg/m³"),
            f("zeitstempel", Stamp, "Zeitpunkt der Messung"),
        ],
    },
    Topic {
        noun: "Radverkehrszählung",
        gender: Fem,
        stem: "Radverkehr",
        en: "bicycle counting",
        what: "die Zählung und Auswertung des Radverkehrs",
        tags: &[
            "radverkehr",
            "fahrradzählung",
            "verkehrsplanung",
            "dashboard",
        ],
        features: &[
            "Zählstellen auf der Karte",
            "Tages- und Jahresganglinien",
            "Abgleich mit Wetterdaten",
            "Open-Data-Schnittstelle",
        ],
        categories: &["data-visualization", "data-analytics"],
        domain: "mobilitaet",
        model: "Radzählung",
        fields: &[
            f(
                "zaehlstelle",
                Str(&["Promenade Nord", "Brücke am Hafen"]),
                "Zählstelle",
            ),
            f(
                "richtung",
                OneOf(&["stadteinwaerts", "stadtauswaerts"]),
                "Fahrtrichtung",
            ),
            f("anzahl", Int(0, 8000), "Gezählte Fahrräder"),
            f("datum", Day, "Zähltag"),
        ],
    },
    Topic {
        noun: "Ladesäulenauskunft",
        gender: Fem,
        stem: "Ladesäule",
        en: "EV charging station information",
        what: "die Auskunft über Ladesäulen und freie Ladepunkte für E-Fahrzeuge",
        tags: &[
            "ladesäulen",
            "e-mobilität",
            "ladepunkte",
            "ocpi",
            "elektromobilität",
        ],
        features: &[
            "Freie Ladepunkte in Echtzeit",
            "Karte aller Ladesäulen",
            "Schnittstelle nach OCPI",
            "Auswertung der Ladevorgänge",
        ],
        categories: &["geographic-information-systems", "data-collection"],
        domain: "energie",
        model: "Ladepunkt",
        fields: &[
            f(
                "betreiber",
                Str(&["Stadtwerke Lindenhausen", "Energieversorgung Oberbach"]),
                "Betreiber",
            ),
            f("leistung_kw", Num(3.7, 350.0), "Ladeleistung in Kilowatt"),
            f(
                "steckertyp",
                OneOf(&["typ2", "ccs", "chademo"]),
                "Steckertyp",
            ),
            f("frei", Flag, "Ob der Ladepunkt frei ist"),
        ],
    },
    Topic {
        noun: "Energiemonitoring",
        gender: Neu,
        stem: "Energie",
        en: "energy monitoring",
        what: "das Monitoring des Energieverbrauchs kommunaler Liegenschaften",
        tags: &[
            "energiemonitoring",
            "energie",
            "liegenschaften",
            "klimaschutz",
            "gebäude",
        ],
        features: &[
            "Zählerstände automatisch erfassen",
            "Verbrauch je Gebäude",
            "Benchmark mit Kennwerten",
            "Energiebericht auf Knopfdruck",
        ],
        categories: &[
            "facility-management",
            "data-analytics",
            "data-visualization",
        ],
        domain: "energie",
        model: "Energieverbrauch je Liegenschaft",
        fields: &[
            f(
                "liegenschaft",
                Str(&["Grundschule am Park", "Rathaus", "Feuerwache Nord"]),
                "Liegenschaft",
            ),
            f(
                "energietraeger",
                OneOf(&["strom", "waerme", "gas", "wasser"]),
                "Energieträger",
            ),
            f(
                "verbrauch_kwh",
                Num(0.0, 1_000_000.0),
                "Verbrauch in Kilowattstunden",
            ),
            f(
                "monat",
                Str(&["2025-01", "2025-02", "2024-11"]),
                "Abrechnungsmonat",
            ),
        ],
    },
    Topic {
        noun: "Wärmeplanung",
        gender: Fem,
        stem: "Wärme",
        en: "municipal heat planning",
        what: "die kommunale Wärmeplanung mit Bestands- und Potenzialanalyse",
        tags: &[
            "wärmeplanung",
            "fernwärme",
            "energiewende",
            "klimaschutz",
            "geothermie",
        ],
        features: &[
            "Bestandsanalyse je Baublock",
            "Potenziale für Fernwärme",
            "Szenarien bis 2045",
            "Karten für den Wärmeplan",
        ],
        categories: &[
            "geographic-information-systems",
            "data-analytics",
            "predictive-analysis",
        ],
        domain: "energie",
        model: "Wärmebedarf je Baublock",
        fields: &[
            f(
                "baublock",
                Str(&["BB-0815", "BB-1203"]),
                "Kennung des Baublocks",
            ),
            f(
                "waermebedarf_mwh",
                Num(0.0, 20_000.0),
                "Jährlicher Wärmebedarf in Megawattstunden",
            ),
            f(
                "heizungsart",
                OneOf(&["gas", "oel", "fernwaerme", "waermepumpe"]),
                "Überwiegende Heizungsart",
            ),
            f(
                "baualtersklasse",
                Str(&["bis 1948", "1949 bis 1978", "1979 bis 1994"]),
                "Baualtersklasse",
            ),
        ],
    },
    Topic {
        noun: "Solarkataster",
        gender: Neu,
        stem: "Solar",
        en: "solar roof potential register",
        what: "die Abschätzung des Photovoltaik-Potenzials von Dachflächen",
        tags: &[
            "solar",
            "photovoltaik",
            "solarkataster",
            "energiewende",
            "dachfläche",
        ],
        features: &[
            "Eignung je Dachfläche",
            "Ertragsrechner",
            "Wirtschaftlichkeitsprognose",
            "Hinweise zu Förderprogrammen",
        ],
        categories: &["geographic-information-systems", "data-visualization"],
        domain: "energie",
        model: "Dachfläche",
        fields: &[
            f(
                "gebaeude_id",
                Str(&["DEBY0000F1234", "DENW0000A5678"]),
                "Gebäudekennung",
            ),
            f(
                "flaeche_qm",
                Num(10.0, 2000.0),
                "Dachfläche in Quadratmetern",
            ),
            f(
                "ausrichtung",
                OneOf(&["sued", "ost", "west", "nord", "flach"]),
                "Ausrichtung",
            ),
            f(
                "eignung",
                OneOf(&["sehr_gut", "gut", "bedingt"]),
                "Eignung für Photovoltaik",
            ),
        ],
    },
    Topic {
        noun: "Hochwasserwarnung",
        gender: Fem,
        stem: "Hochwasser",
        en: "flood warning",
        what: "die Frühwarnung vor Hochwasser anhand von Pegelständen",
        tags: &[
            "hochwasser",
            "frühwarnung",
            "pegel",
            "katastrophenschutz",
            "starkregen",
        ],
        features: &[
            "Pegelstände in Echtzeit",
            "Warnstufen mit Push-Nachricht",
            "Karte der Überflutungsflächen",
            "Einsatzplanung für Sandsäcke",
        ],
        categories: &[
            "data-visualization",
            "communications",
            "geographic-information-systems",
        ],
        domain: "sicherheit_ordnung",
        model: "Pegelmessung",
        fields: &[
            f(
                "pegel",
                Str(&["Lindenbach Mühle", "Oberbach Brücke"]),
                "Pegel",
            ),
            f("wasserstand_cm", Int(0, 900), "Wasserstand in Zentimetern"),
            f(
                "meldestufe",
                OneOf(&["keine", "stufe_1", "stufe_2", "stufe_3"]),
                "Hochwassermeldestufe",
            ),
            f("zeitstempel", Stamp, "Zeitpunkt der Messung"),
        ],
    },
    Topic {
        noun: "Pflegeplatzbörse",
        gender: Fem,
        stem: "Pflege",
        en: "care home vacancy exchange",
        what: "die Suche nach freien Plätzen in Pflegeheimen und in der Kurzzeitpflege",
        tags: &[
            "pflege",
            "kurzzeitpflege",
            "pflegeheim",
            "soziales",
            "senioren",
        ],
        features: &[
            "Freie Pflegeplätze tagesaktuell",
            "Filter nach Pflegegrad",
            "Meldung durch die Einrichtungen",
            "Beratungsstellen in der Nähe",
        ],
        categories: &["resource-management", "online-booking"],
        domain: "gesundheit",
        model: "Pflegeplatz",
        fields: &[
            f(
                "einrichtung",
                Str(&["Haus am Lindenhof", "Seniorenzentrum Sonnenhang"]),
                "Pflegeeinrichtung",
            ),
            f(
                "platzart",
                OneOf(&["vollstationaer", "kurzzeitpflege", "tagespflege"]),
                "Art des Platzes",
            ),
            f("freie_plaetze", Int(0, 20), "Freie Plätze"),
            f("stand", Day, "Stand der Meldung"),
        ],
    },
    Topic {
        noun: "Schulwegplanung",
        gender: Fem,
        stem: "Schulweg",
        en: "safe routes to school",
        what: "die Planung sicherer Schulwege mit Gefahrenstellen",
        tags: &[
            "schulweg",
            "verkehrssicherheit",
            "schule",
            "routing",
            "kinder",
        ],
        features: &[
            "Gefahrenstellen melden",
            "Schulwegpläne je Grundschule",
            "Routing für Fuß- und Radverkehr",
            "Druckvorlage für Eltern",
        ],
        categories: &[
            "geographic-information-systems",
            "feedback-and-reviews-management",
        ],
        domain: "mobilitaet",
        model: "Gefahrenstelle",
        fields: &[
            f(
                "schule",
                Str(&["Grundschule Lindenhausen", "Grundschule am Park"]),
                "Betroffene Schule",
            ),
            f(
                "art",
                OneOf(&[
                    "querung",
                    "sichtbehinderung",
                    "geschwindigkeit",
                    "baustelle",
                ]),
                "Art der Gefahr",
            ),
            f(
                "beschreibung",
                Str(&[
                    "Fehlender Zebrastreifen",
                    "Parkende Autos verdecken die Sicht",
                ]),
                "Beschreibung",
            ),
            f("gemeldet_am", Day, "Tag der Meldung"),
        ],
    },
    Topic {
        noun: "Lernplattform",
        gender: Fem,
        stem: "Lernen",
        en: "learning platform for schools",
        what: "den digitalen Unterricht mit Kursen, Aufgaben und Lernmaterial",
        tags: &["lernplattform", "schule", "bildung", "moodle", "schul-it"],
        features: &[
            "Kurse und Aufgaben",
            "Anbindung an die Schulverwaltung",
            "Videokonferenz im Kurs",
            "Datenschutzkonforme Konten für Lernende",
        ],
        categories: &["learning-management-system", "collaboration"],
        domain: "bildung",
        model: "Kurs",
        fields: &[
            f(
                "titel",
                Str(&["Mathematik 7b", "Deutsch 5a", "Biologie Oberstufe"]),
                "Titel des Kurses",
            ),
            f("schuljahr", Str(&["2025/26", "2024/25"]), "Schuljahr"),
            f("teilnehmende", Int(5, 35), "Anzahl der Teilnehmenden"),
            f(
                "fach",
                OneOf(&["deutsch", "mathematik", "englisch", "biologie"]),
                "Fach",
            ),
        ],
    },
    Topic {
        noun: "Schulverwaltung",
        gender: Fem,
        stem: "Schule",
        en: "school administration",
        what: "die Verwaltung von Schülerinnen und Schülern, Klassen und Zeugnissen",
        tags: &[
            "schulverwaltung",
            "schule",
            "zeugnisse",
            "bildung",
            "stundenplan",
        ],
        features: &[
            "Zeugnisse erstellen",
            "Stundenplan und Vertretungsplan",
            "Schülerdaten verwalten",
            "Amtliche Schulstatistik",
        ],
        categories: &["learning-management-system", "resource-management"],
        domain: "bildung",
        model: "Schulklasse",
        fields: &[
            f(
                "bezeichnung",
                Str(&["5a", "7c", "10b"]),
                "Bezeichnung der Klasse",
            ),
            f(
                "schulform",
                OneOf(&["grundschule", "oberschule", "gymnasium", "berufsschule"]),
                "Schulform",
            ),
            f(
                "schuelerzahl",
                Int(10, 32),
                "Zahl der Schülerinnen und Schüler",
            ),
            f("schuljahr", Str(&["2025/26", "2024/25"]), "Schuljahr"),
        ],
    },
    Topic {
        noun: "Videokonferenzsystem",
        gender: Neu,
        stem: "Video",
        en: "video conferencing",
        what: "sichere Videokonferenzen für Verwaltung, Schulen und Gremien",
        tags: &[
            "videokonferenz",
            "bigbluebutton",
            "jitsi",
            "hybride sitzung",
        ],
        features: &[
            "Konferenzräume ohne Installation",
            "Aufzeichnung mit Einwilligung",
            "Einwahl per Telefon",
            "Betrieb im eigenen Rechenzentrum",
        ],
        categories: &["video-conferencing", "web-conferencing"],
        domain: "verwaltung",
        model: "Konferenzraum",
        fields: &[
            f(
                "raumname",
                Str(&["Gemeinderat hybrid", "Teamraum Bauamt"]),
                "Name des Raums",
            ),
            f(
                "teilnehmende_max",
                Int(2, 300),
                "Höchstzahl der Teilnehmenden",
            ),
            f("aufzeichnung", Flag, "Ob Aufzeichnungen erlaubt sind"),
            f(
                "zugang",
                OneOf(&["offen", "passwort", "warteraum"]),
                "Zugangsregel",
            ),
        ],
    },
    Topic {
        noun: "Mitarbeiterportal",
        gender: Neu,
        stem: "Intranet",
        en: "staff intranet",
        what: "den Austausch von Informationen innerhalb der Verwaltung",
        tags: &[
            "intranet",
            "mitarbeiterportal",
            "wissensmanagement",
            "raumbuchung",
        ],
        features: &[
            "Nachrichten aus der Verwaltung",
            "Telefonbuch mit Zuständigkeiten",
            "Buchung von Besprechungsräumen",
            "Wissensdatenbank",
        ],
        categories: &[
            "enterprise-social-networking",
            "content-management",
            "knowledge-management",
        ],
        domain: "verwaltung",
        model: "Zuständigkeit",
        fields: &[
            f(
                "leistung",
                Str(&["Gewerbeanmeldung", "Wohngeld", "Hundesteuer"]),
                "Verwaltungsleistung",
            ),
            f(
                "organisationseinheit",
                Str(&["Ordnungsamt", "Sozialamt", "Kämmerei"]),
                "Zuständige Stelle",
            ),
            f(
                "telefon",
                Str(&["+49 123 4567-100", "+49 123 4567-250"]),
                "Telefonnummer",
            ),
            f(
                "raum",
                Str(&["Rathaus, Zimmer 2.14", "Technisches Rathaus, Zimmer 104"]),
                "Raum",
            ),
        ],
    },
    Topic {
        noun: "Zeiterfassung",
        gender: Fem,
        stem: "Zeit",
        en: "working time recording",
        what: "die Arbeitszeiterfassung mit Gleitzeit und Urlaubsanträgen",
        tags: &[
            "zeiterfassung",
            "gleitzeit",
            "personal",
            "tvöd",
            "homeoffice",
        ],
        features: &[
            "Zeiterfassung im Browser",
            "Urlaubsanträge mit Freigabe",
            "Gleitzeitkonto",
            "Auswertungen für die Personalabteilung",
        ],
        categories: &["time-tracking", "hr", "employee-management"],
        domain: "verwaltung",
        model: "Zeitbuchung",
        fields: &[
            f("beginn", Stamp, "Beginn"),
            f("ende", Stamp, "Ende"),
            f(
                "art",
                OneOf(&["arbeit", "dienstreise", "homeoffice", "urlaub"]),
                "Art der Buchung",
            ),
            f("pause_minuten", Int(0, 60), "Pause in Minuten"),
        ],
    },
    Topic {
        noun: "E-Rechnungseingang",
        gender: Mas,
        stem: "Rechnung",
        en: "e-invoice reception",
        what: "den Empfang und die Prüfung elektronischer Rechnungen",
        tags: &[
            "e-rechnung",
            "xrechnung",
            "zugferd",
            "peppol",
            "rechnungseingang",
        ],
        features: &[
            "Empfang über Peppol",
            "Prüfung nach XRechnung",
            "Freigabeworkflow",
            "Übergabe an das Finanzverfahren",
        ],
        categories: &["billing-and-invoicing", "accounting", "workflow-management"],
        domain: "finanzen",
        model: "Eingangsrechnung",
        fields: &[
            f(
                "rechnungsnummer",
                Str(&["RE-2025-1042", "2025/00815"]),
                "Rechnungsnummer",
            ),
            f("betrag_brutto", Num(1.0, 100_000.0), "Bruttobetrag in Euro"),
            f("faellig_am", Day, "Fälligkeit"),
            f(
                "leitweg_id",
                Str(&["05315000-1234-56", "09162000-0815-42"]),
                "Leitweg-ID der Empfangsstelle",
            ),
        ],
    },
    Topic {
        noun: "Fördermitteldatenbank",
        gender: Fem,
        stem: "Förderung",
        en: "funding database",
        what: "die Recherche nach Förderprogrammen für Kommunen, Vereine und Unternehmen",
        tags: &["fördermittel", "förderung", "förderprogramme", "zuschüsse"],
        features: &[
            "Suche nach Förderprogrammen",
            "Fristen im Blick",
            "Antrag vorbereiten",
            "Newsletter zu neuen Programmen",
        ],
        categories: &["grant-management", "knowledge-management"],
        domain: "wirtschaft",
        model: "Förderprogramm",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Klimaschutz in Kommunen",
                    "Digitale Schule",
                    "Dorfentwicklung",
                ]),
                "Titel des Programms",
            ),
            f(
                "foerdergeber",
                OneOf(&["eu", "bund", "land", "kreis"]),
                "Fördergeber",
            ),
            f("antragsfrist", Day, "Antragsfrist"),
            f(
                "foerderquote_prozent",
                Int(10, 100),
                "Förderquote in Prozent",
            ),
        ],
    },
    Topic {
        noun: "Chatbot",
        gender: Mas,
        stem: "Bot",
        en: "chatbot for citizen enquiries",
        what: "die Beantwortung häufiger Bürgeranfragen rund um die Uhr",
        tags: &[
            "chatbot",
            "bürgeranfragen",
            "künstliche intelligenz",
            "bürgerservice",
        ],
        features: &[
            "Antworten aus dem Leistungskatalog",
            "Übergabe an Mitarbeitende",
            "Mehrsprachige Antworten",
            "Auswertung offener Fragen",
        ],
        categories: &["customer-service-and-support", "communications"],
        domain: "verwaltung",
        model: "Bürgeranfrage",
        fields: &[
            f(
                "frage",
                Str(&[
                    "Wie beantrage ich einen Reisepass?",
                    "Wann wird der Sperrmüll abgeholt?",
                ]),
                "Gestellte Frage",
            ),
            f("kanal", OneOf(&["web", "messenger", "telefon"]), "Kanal"),
            f(
                "beantwortet",
                Flag,
                "Ob die Frage automatisch beantwortet wurde",
            ),
            f("zeitstempel", Stamp, "Zeitpunkt der Anfrage"),
        ],
    },
    Topic {
        noun: "Datenplattform",
        gender: Fem,
        stem: "Daten",
        en: "urban data platform",
        what: "die Sammlung und Bereitstellung urbaner Daten aus Sensoren und Fachverfahren",
        tags: &["datenplattform", "smart city", "fiware", "iot", "open data"],
        features: &[
            "Sensoren über LoRaWAN anbinden",
            "Dashboards für Fachämter",
            "Schnittstelle nach NGSI-LD",
            "Veröffentlichung als Open Data",
        ],
        categories: &["data-collection", "data-analytics", "cloud-management"],
        domain: "umwelt",
        model: "Sensormesswert",
        fields: &[
            f(
                "sensor_id",
                Str(&["lora-0042", "lora-0117"]),
                "Kennung des Sensors",
            ),
            f(
                "messgroesse",
                OneOf(&["temperatur", "luftfeuchte", "co2", "laerm"]),
                "Messgröße",
            ),
            f("wert", Num(-20.0, 120.0), "Messwert"),
            f("zeitstempel", Stamp, "Zeitpunkt der Messung"),
        ],
    },
    Topic {
        noun: "Open-Data-Portal",
        gender: Neu,
        stem: "Datenportal",
        en: "open data portal",
        what: "die Veröffentlichung offener Verwaltungsdaten mit Metadaten nach DCAT-AP.de",
        tags: &[
            "datenportal",
            "open data",
            "ckan",
            "dcat-ap.de",
            "metadaten",
            "transparenz",
        ],
        features: &[
            "Datensätze mit Metadaten",
            "Harvesting für GovData",
            "Vorschau von Tabellen und Karten",
            "API für Entwicklerinnen und Entwickler",
        ],
        categories: &[
            "data-collection",
            "knowledge-management",
            "digital-citizenship",
        ],
        domain: "verwaltung",
        model: "Datensatz-Metadaten",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Bevölkerung nach Stadtteilen",
                    "Standorte der Altkleidercontainer",
                ]),
                "Titel des Datensatzes",
            ),
            f("lizenz", Str(&["dl-by-de/2.0", "cc-zero"]), "Lizenz"),
            f("aktualisiert", Day, "Letzte Aktualisierung"),
            f(
                "format",
                OneOf(&["csv", "json", "geojson", "xlsx"]),
                "Dateiformat",
            ),
        ],
    },
    Topic {
        noun: "Tourismusinformation",
        gender: Fem,
        stem: "Tourismus",
        en: "tourist information",
        what: "die Information von Gästen über Sehenswürdigkeiten, Touren und Unterkünfte",
        tags: &["tourismus", "stadtführung", "sehenswürdigkeiten", "app"],
        features: &[
            "Stadtführungen mit Audioguide",
            "Karten auch offline",
            "Veranstaltungen in der Region",
            "Suche nach Unterkünften",
        ],
        categories: &["marketing", "event-management"],
        domain: "kultur_freizeit",
        model: "Sehenswürdigkeit",
        fields: &[
            f(
                "bezeichnung",
                Str(&["Alte Stadtmühle", "Burgruine Hohenstein", "Heimatmuseum"]),
                "Name",
            ),
            f(
                "kategorie",
                OneOf(&["museum", "denkmal", "natur", "aussicht"]),
                "Kategorie",
            ),
            f(
                "barrierefrei",
                Flag,
                "Ob der Ort barrierefrei zugänglich ist",
            ),
            f("eintritt_euro", Num(0.0, 25.0), "Eintrittspreis in Euro"),
        ],
    },
    Topic {
        noun: "Bäderauslastung",
        gender: Fem,
        stem: "Bäder",
        en: "swimming pool occupancy",
        what: "die Anzeige der Auslastung von Hallen- und Freibädern",
        tags: &["schwimmbad", "freibad", "auslastung", "besucherlenkung"],
        features: &[
            "Auslastung in Echtzeit",
            "Prognose für die nächsten Stunden",
            "Öffnungszeiten und Preise",
            "Schnittstelle für Stadt-Apps",
        ],
        categories: &["visitor-management", "data-visualization"],
        domain: "kultur_freizeit",
        model: "Bäderauslastung",
        fields: &[
            f(
                "bad",
                Str(&["Freibad am See", "Hallenbad Mitte"]),
                "Name des Bades",
            ),
            f("besuchende", Int(0, 3000), "Aktuelle Zahl der Besuchenden"),
            f("kapazitaet", Int(100, 5000), "Kapazität"),
            f("zeitstempel", Stamp, "Zeitpunkt der Zählung"),
        ],
    },
    Topic {
        noun: "Ehrenamtsbörse",
        gender: Fem,
        stem: "Ehrenamt",
        en: "volunteering exchange",
        what: "die Vermittlung von Ehrenamtlichen an Vereine und Initiativen",
        tags: &["ehrenamt", "vereine", "engagement", "ehrenamtsbörse"],
        features: &[
            "Engagementangebote veröffentlichen",
            "Suche nach Interessen und Zeit",
            "Ehrenamtskarte beantragen",
            "Vereinsverzeichnis",
        ],
        categories: &["online-community", "event-management"],
        domain: "soziales",
        model: "Engagementangebot",
        fields: &[
            f(
                "titel",
                Str(&["Lesepatenschaft in der Grundschule", "Hilfe bei der Tafel"]),
                "Titel des Angebots",
            ),
            f(
                "organisation",
                Str(&["Tafel Lindenhausen e. V.", "Sportverein Oberbach"]),
                "Anbietende Organisation",
            ),
            f("stunden_pro_woche", Int(1, 10), "Zeitaufwand pro Woche"),
            f("online", Flag, "Ob das Engagement online möglich ist"),
        ],
    },
    Topic {
        noun: "IT-Servicedesk",
        gender: Mas,
        stem: "Servicedesk",
        en: "IT service desk",
        what: "die Bearbeitung von IT-Störungen und Anfragen in der Verwaltung",
        tags: &["servicedesk", "ticketsystem", "it-support", "itil"],
        features: &[
            "Tickets per E-Mail und Portal",
            "Wissensdatenbank mit Lösungen",
            "Service-Level-Überwachung",
            "Inventar der Arbeitsplätze",
        ],
        categories: &["help-desk", "it-service-management", "knowledge-management"],
        domain: "verwaltung",
        model: "Störungsticket",
        fields: &[
            f(
                "betreff",
                Str(&["Drucker im Bürgerbüro offline", "Passwort zurücksetzen"]),
                "Betreff",
            ),
            f(
                "prioritaet",
                OneOf(&["niedrig", "mittel", "hoch", "kritisch"]),
                "Priorität",
            ),
            f("eroeffnet", Stamp, "Eröffnet am"),
            f("geloest", Flag, "Ob das Ticket gelöst ist"),
        ],
    },
    Topic {
        noun: "Formularserver",
        gender: Mas,
        stem: "Formular",
        en: "online form server",
        what: "die Erstellung barrierefreier Online-Formulare ohne Programmierung",
        tags: &["formulare", "onlineformular", "fim", "no-code", "ozg"],
        features: &[
            "Formulare per Drag-and-drop bauen",
            "Bausteine aus dem FIM-Baukasten",
            "Elektronische Signatur",
            "Übergabe an Fachverfahren",
        ],
        categories: &["website-builder", "workflow-management", "e-signature"],
        domain: "verwaltung",
        model: "Formulareingang",
        fields: &[
            f(
                "formular_id",
                Str(&["F-0815", "F-1203"]),
                "Kennung des Formulars",
            ),
            f("eingang", Stamp, "Eingang"),
            f(
                "kanal",
                OneOf(&["online", "papier", "email"]),
                "Eingangskanal",
            ),
            f("anlagen", Int(0, 10), "Anzahl der Anlagen"),
        ],
    },
    Topic {
        noun: "Barrierefreiheitsprüfung",
        gender: Fem,
        stem: "Barrierefreiheit",
        en: "web accessibility testing",
        what: "die Prüfung von Websites auf Barrierefreiheit nach BITV 2.0",
        tags: &["barrierefreiheit", "bitv", "wcag", "website", "prüfung"],
        features: &[
            "Automatische Prüfung aller Seiten",
            "Prüfbericht nach BITV-Test",
            "Erklärung zur Barrierefreiheit erzeugen",
            "Verlauf der Ergebnisse",
        ],
        categories: &["compliance-management", "test-management"],
        domain: "verwaltung",
        model: "Prüfergebnis",
        fields: &[
            f(
                "url",
                Str(&[
                    "https://www.lindenhausen.de/buergerservice",
                    "https://www.oberbach.de/kontakt",
                ]),
                "Geprüfte Seite",
            ),
            f(
                "pruefschritt",
                Str(&["9.1.1.1 Alternativtexte", "9.1.4.3 Kontraste"]),
                "Prüfschritt",
            ),
            f(
                "ergebnis",
                OneOf(&["erfuellt", "teilweise", "nicht_erfuellt"]),
                "Ergebnis",
            ),
            f("geprueft_am", Day, "Prüfdatum"),
        ],
    },
    Topic {
        noun: "Führerscheinantrag",
        gender: Mas,
        stem: "Führerschein",
        en: "driving licence application",
        what: "die Beantragung von Führerscheinen und Fahrerlaubnissen",
        tags: &["führerschein", "fahrerlaubnis", "anträge", "straßenverkehr"],
        features: &[
            "Antrag online stellen",
            "Termin für die Abgabe der Unterlagen",
            "Statusabfrage",
            "Umtausch alter Führerscheine",
        ],
        categories: &["digital-citizenship", "workflow-management"],
        domain: "mobilitaet",
        model: "Fahrerlaubnisantrag",
        fields: &[
            f(
                "klasse",
                OneOf(&["b", "be", "a", "c", "ce"]),
                "Fahrerlaubnisklasse",
            ),
            f(
                "antragsart",
                OneOf(&["ersterteilung", "umtausch", "erweiterung", "ersatz"]),
                "Art des Antrags",
            ),
            f("eingang", Day, "Eingang"),
            f("sehtest_vorhanden", Flag, "Ob ein Sehtest beiliegt"),
        ],
    },
    Topic {
        noun: "Wohngeldantrag",
        gender: Mas,
        stem: "Wohngeld",
        en: "housing benefit application",
        what: "die Beantragung und Bearbeitung von Wohngeld",
        tags: &["wohngeld", "soziales", "anträge", "sozialleistungen", "ozg"],
        features: &[
            "Wohngeldrechner",
            "Antrag online stellen",
            "Nachweise hochladen",
            "Bescheid im Postfach",
        ],
        categories: &["digital-citizenship", "workflow-management"],
        domain: "soziales",
        model: "Wohngeldantrag",
        fields: &[
            f(
                "haushaltsmitglieder",
                Int(1, 8),
                "Zahl der Haushaltsmitglieder",
            ),
            f("miete_euro", Num(200.0, 2000.0), "Monatliche Miete in Euro"),
            f(
                "einkommen_euro",
                Num(0.0, 4000.0),
                "Monatliches Einkommen in Euro",
            ),
            f("antragsdatum", Day, "Antragsdatum"),
        ],
    },
    Topic {
        noun: "Bodenrichtwertauskunft",
        gender: Fem,
        stem: "Bodenrichtwert",
        en: "land value information",
        what: "die Auskunft über Bodenrichtwerte und Grundstückswerte",
        tags: &[
            "bodenrichtwert",
            "grundstück",
            "wertermittlung",
            "gutachterausschuss",
        ],
        features: &[
            "Bodenrichtwerte auf der Karte",
            "Auskunft als PDF",
            "Historische Werte",
            "Schnittstelle nach VBORIS",
        ],
        categories: &["geographic-information-systems", "real-estate-management"],
        domain: "geodaten",
        model: "Bodenrichtwertzone",
        fields: &[
            f(
                "zonennummer",
                Str(&["1042", "2301"]),
                "Nummer der Richtwertzone",
            ),
            f(
                "bodenrichtwert_euro_qm",
                Num(5.0, 5000.0),
                "Bodenrichtwert in Euro je Quadratmeter",
            ),
            f("stichtag", Day, "Stichtag"),
            f(
                "nutzungsart",
                OneOf(&["wohnen", "gewerbe", "mischgebiet", "landwirtschaft"]),
                "Art der Nutzung",
            ),
        ],
    },
    Topic {
        noun: "Straßenverzeichnis",
        gender: Neu,
        stem: "Straßen",
        en: "street and address register",
        what: "die Pflege von Straßennamen, Hausnummern und Adressen",
        tags: &[
            "straßenverzeichnis",
            "adressen",
            "hausnummern",
            "straßenschlüssel",
        ],
        features: &[
            "Straßen und Hausnummern pflegen",
            "Straßenschlüssel nach Landesvorgaben",
            "Adressen für Fachverfahren bereitstellen",
            "Änderungshistorie",
        ],
        categories: &["geographic-information-systems", "data-collection"],
        domain: "geodaten",
        model: "Adresse",
        fields: &[
            f(
                "strasse",
                Str(&["Hauptstraße", "Lindenweg", "Am Markt"]),
                "Straßenname",
            ),
            f("hausnummer", Str(&["1", "17a", "42"]), "Hausnummer"),
            f(
                "postleitzahl",
                Str(&["12345", "54321", "86150"]),
                "Postleitzahl",
            ),
            f(
                "ortsteil",
                Str(&["Mitte", "Oberdorf", "Neubaugebiet Süd"]),
                "Ortsteil",
            ),
        ],
    },
    Topic {
        noun: "Schöffenwahl",
        gender: Fem,
        stem: "Schöffen",
        en: "lay judge election",
        what: "die Bewerbung und Wahl von Schöffinnen und Schöffen",
        tags: &["schöffen", "schöffenwahl", "ehrenamt", "justiz"],
        features: &[
            "Bewerbung online",
            "Vorschlagsliste für den Gemeinderat",
            "Prüfung der Voraussetzungen",
            "Benachrichtigung der Gewählten",
        ],
        categories: &["digital-citizenship", "hr"],
        domain: "verwaltung",
        model: "Schöffenbewerbung",
        fields: &[
            f("geburtsjahr", Int(1950, 2000), "Geburtsjahr"),
            f(
                "beruf",
                Str(&["Verwaltungsangestellte", "Elektriker", "Lehrerin"]),
                "Beruf",
            ),
            f(
                "gericht",
                OneOf(&["amtsgericht", "landgericht", "jugendgericht"]),
                "Gericht",
            ),
            f("eingang", Day, "Eingang der Bewerbung"),
        ],
    },
    Topic {
        noun: "Baustellenkoordination",
        gender: Fem,
        stem: "Baustelle",
        en: "roadworks coordination",
        what: "die Koordination von Baustellen im Straßenraum",
        tags: &[
            "baustellen",
            "verkehr",
            "koordination",
            "datex ii",
            "verkehrsbehinderung",
        ],
        features: &[
            "Baustellen auf der Karte planen",
            "Konflikte automatisch erkennen",
            "Veröffentlichung nach DATEX II",
            "Abstimmung mit Versorgern",
        ],
        categories: &[
            "project-collaboration",
            "geographic-information-systems",
            "resource-management",
        ],
        domain: "mobilitaet",
        model: "Baustelle",
        fields: &[
            f(
                "bezeichnung",
                Str(&["Sanierung Hauptstraße", "Kanalbau Lindenweg"]),
                "Bezeichnung",
            ),
            f("beginn", Day, "Beginn"),
            f("ende", Day, "Voraussichtliches Ende"),
            f("vollsperrung", Flag, "Ob eine Vollsperrung nötig ist"),
        ],
    },
    Topic {
        noun: "ÖPNV-Fahrgastinformation",
        gender: Fem,
        stem: "ÖPNV",
        en: "public transport passenger information",
        what: "die Echtzeit-Information über Abfahrten von Bus und Bahn",
        tags: &[
            "öpnv",
            "echtzeit",
            "fahrgastinformation",
            "haltestelle",
            "gtfs",
        ],
        features: &[
            "Abfahrten in Echtzeit",
            "Anzeiger an Haltestellen",
            "Störungsmeldungen",
            "Daten nach GTFS",
        ],
        categories: &["communications", "data-visualization"],
        domain: "mobilitaet",
        model: "Haltestellenabfahrt",
        fields: &[
            f(
                "haltestelle",
                Str(&["Rathaus", "Hauptbahnhof", "Marktplatz"]),
                "Haltestelle",
            ),
            f("linie", Str(&["3", "12", "N5"]), "Linie"),
            f("abfahrt_soll", Stamp, "Planmäßige Abfahrt"),
            f("verspaetung_minuten", Int(0, 30), "Verspätung in Minuten"),
        ],
    },
    Topic {
        noun: "Bewerbermanagement",
        gender: Neu,
        stem: "Bewerbung",
        en: "applicant management",
        what: "die Ausschreibung von Stellen und die Auswahl von Bewerbungen",
        tags: &[
            "bewerbermanagement",
            "stellenausschreibung",
            "personal",
            "bewerbung",
            "recruiting",
        ],
        features: &[
            "Stellenausschreibungen veröffentlichen",
            "Bewerbung online",
            "Auswahlverfahren mit Gremium",
            "Beteiligung des Personalrats",
        ],
        categories: &["applicant-tracking", "hr", "talent-management"],
        domain: "verwaltung",
        model: "Stellenausschreibung",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Sachbearbeitung Bauordnung (m/w/d)",
                    "IT-Administration (m/w/d)",
                ]),
                "Titel der Stelle",
            ),
            f(
                "entgeltgruppe",
                Str(&["E 9b TVöD", "A 10"]),
                "Entgelt- oder Besoldungsgruppe",
            ),
            f("bewerbungsfrist", Day, "Bewerbungsfrist"),
            f("teilzeit_moeglich", Flag, "Ob Teilzeit möglich ist"),
        ],
    },
    Topic {
        noun: "Vergabeplattform",
        gender: Fem,
        stem: "Vergabe",
        en: "public procurement platform",
        what: "die Durchführung öffentlicher Ausschreibungen und Vergaben",
        tags: &["vergabe", "ausschreibung", "beschaffung", "xvergabe"],
        features: &[
            "Bekanntmachungen veröffentlichen",
            "Angebote elektronisch empfangen",
            "Vergabevermerk erstellen",
            "Schnittstelle nach XVergabe",
        ],
        categories: &["procurement", "workflow-management"],
        domain: "wirtschaft",
        model: "Ausschreibung",
        fields: &[
            f(
                "titel",
                Str(&[
                    "Rahmenvertrag Reinigungsleistungen",
                    "Lieferung von Streusalz",
                ]),
                "Titel",
            ),
            f(
                "verfahrensart",
                OneOf(&["offen", "nicht_offen", "verhandlung", "freihaendig"]),
                "Verfahrensart",
            ),
            f("angebotsfrist", Day, "Angebotsfrist"),
            f(
                "geschaetzter_wert_euro",
                Num(1000.0, 5_000_000.0),
                "Geschätzter Auftragswert in Euro",
            ),
        ],
    },
    Topic {
        noun: "Fuhrparkverwaltung",
        gender: Fem,
        stem: "Fuhrpark",
        en: "fleet management",
        what: "die Verwaltung von Dienstfahrzeugen, Buchungen und Wartungen",
        tags: &["fuhrpark", "dienstwagen", "fahrzeugbuchung", "e-mobilität"],
        features: &[
            "Dienstfahrzeuge online buchen",
            "Fahrtenbuch",
            "Wartung und Prüftermine",
            "Auswertung der Auslastung",
        ],
        categories: &["fleet-management", "online-booking"],
        domain: "mobilitaet",
        model: "Fahrzeugbuchung",
        fields: &[
            f("kennzeichen", Str(&["LH-KV 101", "OB-S 42"]), "Kennzeichen"),
            f("beginn", Stamp, "Beginn der Buchung"),
            f("ende", Stamp, "Ende der Buchung"),
            f(
                "antrieb",
                OneOf(&["elektro", "hybrid", "benzin", "diesel"]),
                "Antrieb",
            ),
        ],
    },
    Topic {
        noun: "Raumbuchung",
        gender: Fem,
        stem: "Raum",
        en: "room booking",
        what: "die Buchung von Sitzungsräumen, Turnhallen und Bürgerhäusern",
        tags: &["raumbuchung", "hallenbelegung", "vereine", "bürgerhaus"],
        features: &[
            "Freie Räume im Kalender",
            "Buchung durch Vereine",
            "Schlüsselübergabe planen",
            "Gebühren abrechnen",
        ],
        categories: &[
            "online-booking",
            "resource-management",
            "facility-management",
        ],
        domain: "kultur_freizeit",
        model: "Raumbuchung",
        fields: &[
            f(
                "raum",
                Str(&[
                    "Bürgerhaus Saal 1",
                    "Turnhalle Grundschule",
                    "Sitzungssaal Rathaus",
                ]),
                "Raum",
            ),
            f("beginn", Stamp, "Beginn"),
            f("ende", Stamp, "Ende"),
            f("personen", Int(2, 300), "Erwartete Personen"),
        ],
    },
    Topic {
        noun: "Bibliotheksverwaltung",
        gender: Fem,
        stem: "Bibliothek",
        en: "library management",
        what: "die Ausleihe und Verwaltung von Medien in Stadtbibliotheken",
        tags: &["bibliothek", "ausleihe", "medien", "onleihe"],
        features: &[
            "Katalog mit Volltextsuche",
            "Ausleihe und Verlängerung online",
            "Vormerkungen",
            "Mahnwesen",
        ],
        categories: &["inventory-management", "online-booking"],
        domain: "bildung",
        model: "Medium",
        fields: &[
            f(
                "titel",
                Str(&["Der kleine Prinz", "Kommunalrecht kompakt"]),
                "Titel",
            ),
            f(
                "medienart",
                OneOf(&["buch", "ebook", "hoerbuch", "dvd", "zeitschrift"]),
                "Medienart",
            ),
            f("ausgeliehen", Flag, "Ob das Medium ausgeliehen ist"),
            f("signatur", Str(&["Kin 3 Saint", "Rec 12 Kom"]), "Signatur"),
        ],
    },
    Topic {
        noun: "Servicekonto",
        gender: Neu,
        stem: "Konto",
        en: "citizen service account",
        what: "die Anmeldung von Bürgerinnen, Bürgern und Unternehmen an Onlinediensten",
        tags: &[
            "servicekonto",
            "bundid",
            "authentifizierung",
            "onlinedienste",
            "postfach",
        ],
        features: &[
            "Anmeldung mit Online-Ausweis",
            "Postfach für Bescheide",
            "Gespeicherte Stammdaten",
            "Anbindung an die BundID",
        ],
        categories: &["digital-citizenship", "it-security"],
        domain: "verwaltung",
        model: "Postfachnachricht",
        fields: &[
            f(
                "betreff",
                Str(&[
                    "Ihr Bescheid liegt bereit",
                    "Eingangsbestätigung Ihres Antrags",
                ]),
                "Betreff",
            ),
            f("absender", Str(&["Ordnungsamt", "Bürgerbüro"]), "Absender"),
            f("zugestellt", Stamp, "Zustellung"),
            f("gelesen", Flag, "Ob die Nachricht gelesen wurde"),
        ],
    },
    Topic {
        noun: "Kfz-Zulassung",
        gender: Fem,
        stem: "Zulassung",
        en: "vehicle registration",
        what: "die Zulassung, Umschreibung und Außerbetriebsetzung von Fahrzeugen",
        tags: &[
            "zulassung",
            "kfz-zulassung",
            "fahrzeug",
            "kennzeichen",
            "anträge",
        ],
        features: &[
            "Zulassung online beantragen",
            "Wunschkennzeichen reservieren",
            "Außerbetriebsetzung ohne Termin",
            "Gebühren online bezahlen",
        ],
        categories: &["digital-citizenship", "workflow-management"],
        domain: "mobilitaet",
        model: "Zulassungsvorgang",
        fields: &[
            f(
                "vorgang",
                OneOf(&[
                    "neuzulassung",
                    "umschreibung",
                    "ausserbetriebsetzung",
                    "wiederzulassung",
                ]),
                "Art des Vorgangs",
            ),
            f(
                "kennzeichen",
                Str(&["LH-AB 123", "OB-XY 42"]),
                "Kennzeichen",
            ),
            f(
                "fahrzeugklasse",
                OneOf(&["m1", "n1", "l3e"]),
                "Fahrzeugklasse",
            ),
            f("eingang", Day, "Eingang"),
        ],
    },
    Topic {
        noun: "Badegewässerüberwachung",
        gender: Fem,
        stem: "Badegewässer",
        en: "bathing water monitoring",
        what: "die Überwachung der Wasserqualität an Badestellen",
        tags: &["badegewässer", "wasserqualität", "gesundheit", "badestelle"],
        features: &[
            "Ampel je Badestelle",
            "Probenergebnisse des Gesundheitsamts",
            "Warnung bei Blaualgen",
            "Karte der Badestellen",
        ],
        categories: &["data-visualization", "communications"],
        domain: "gesundheit",
        model: "Badegewässerqualität",
        fields: &[
            f(
                "badestelle",
                Str(&["Strandbad Lindensee", "Badestelle am Mühlenteich"]),
                "Badestelle",
            ),
            f("e_coli", Int(0, 2000), "Escherichia coli je 100 ml"),
            f(
                "enterokokken",
                Int(0, 800),
                "Intestinale Enterokokken je 100 ml",
            ),
            f(
                "bewertung",
                OneOf(&["ausgezeichnet", "gut", "ausreichend", "mangelhaft"]),
                "Bewertung",
            ),
        ],
    },
];

/// Picks a topic; the first topics are the most common ones.
fn pick_topic(rng: &mut Rng) -> usize {
    let weight = |i: usize| {
        if i < 15 {
            3
        } else if i < 35 {
            2
        } else {
            1
        }
    };
    let total: usize = (0..TOPICS.len()).map(weight).sum();
    let mut r = rng.below(total);
    for i in 0..TOPICS.len() {
        if r < weight(i) {
            return i;
        }
        r -= weight(i);
    }
    TOPICS.len() - 1
}

// ---------------------------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------------------------

/// An organisation as generated; kept in memory while entries are generated.
struct Org {
    id: Uuid,
    slug: String,
    name: String,
    /// The name with its article in the dative ("der Stadt Lindenhausen"), for sentences.
    dative: String,
    /// Town, region or Land the organisation is named after.
    place: String,
    kind: &'static str,
    state: Option<usize>,
    ags: Option<String>,
    size_class: Option<&'static str>,
    website: Option<String>,
    email: Option<String>,
    description: String,
    created: i64,
    /// How likely the organisation publishes an entry, relative to the others.
    weight: f64,
}

/// The kind-specific part of an organisation, before slug and contact details are added.
struct OrgSpec {
    name: String,
    dative: String,
    place: String,
    kind: &'static str,
    state: Option<usize>,
    ags: Option<String>,
    size_class: Option<&'static str>,
    weight: f64,
}

const ORG_KINDS: &[(&str, u32)] = &[
    ("gemeinde", 52),
    ("stadt", 28),
    ("landkreis", 7),
    ("zweckverband", 5),
    ("stadtwerk", 4),
    ("it_dienstleister", 1),
    ("verein", 3),
];

const ORG_SENTENCES: &[&str] = &[
    "Die Verwaltung setzt bei der Digitalisierung auf offene Standards und Open-Source-Software.",
    "Onlinedienste nach dem OZG werden gemeinsam mit dem kommunalen IT-Dienstleister eingeführt.",
    "Eigene Entwicklungen stellt die Organisation anderen Verwaltungen kostenfrei zur Verfügung.",
    "Ein Schwerpunkt liegt auf Bürgerbeteiligung und offenen Daten.",
    "Neue Fachverfahren werden bevorzugt gemeinsam mit anderen Kommunen beschafft.",
    "Die Digitalisierungsstrategie wurde mit Beteiligung der Beschäftigten erarbeitet.",
];

/// The fixed organisations first (Länder, federal bodies, large IT providers), then random ones.
fn build_organisations(rng: &mut Rng, count: usize) -> Vec<Org> {
    let mut slugs = SlugRegistry::default();
    let mut ags = AgsCounter::default();
    let mut orgs = Vec::with_capacity(count);
    for spec in fixed_organisations().into_iter().take(count) {
        orgs.push(finish_org(rng, &mut slugs, spec));
    }
    while orgs.len() < count {
        let spec = random_org(rng, &mut ags);
        orgs.push(finish_org(rng, &mut slugs, spec));
    }
    orgs
}

/// The 16 Länder, 6 federal bodies and 4 large IT service providers, in this order.
fn fixed_organisations() -> Vec<OrgSpec> {
    let mut specs = Vec::with_capacity(26);
    for (i, s) in STATES.iter().enumerate() {
        specs.push(OrgSpec {
            name: s.land.to_owned(),
            dative: s.land_dative.to_owned(),
            place: s.name.to_owned(),
            kind: "land",
            state: Some(i),
            ags: Some(format!("{}000000", s.ags)),
            size_class: Some("ueber_500000"),
            weight: 30.0,
        });
    }
    for (name, dative) in FEDERAL_BODIES {
        specs.push(OrgSpec {
            name: name.to_owned(),
            dative: dative.to_owned(),
            place: "Bund".to_owned(),
            kind: "bund",
            state: None,
            ags: None,
            size_class: None,
            weight: 25.0,
        });
    }
    for (name, dative, region, code) in LARGE_PROVIDERS {
        specs.push(OrgSpec {
            name: name.to_owned(),
            dative: dative.to_owned(),
            place: region.to_owned(),
            kind: "it_dienstleister",
            state: Some(state_index(code)),
            ags: None,
            size_class: None,
            weight: 250.0,
        });
    }
    specs
}

/// Hands out unique Amtliche Gemeindeschlüssel per Land: `LL kkk ggg` for municipalities
/// (ggg ≥ 001), `LL kkk 000` for districts (kkk ≥ 001); the Land itself is `LL 000000`.
#[derive(Default)]
struct AgsCounter {
    municipalities: [u32; 16],
    districts: [u32; 16],
}

impl AgsCounter {
    fn municipality(&mut self, state: usize) -> Option<String> {
        let c = self.municipalities[state];
        self.municipalities[state] += 1;
        let (k, g) = (c / 999, c % 999 + 1);
        (k <= 999).then(|| format!("{}{k:03}{g:03}", STATES[state].ags))
    }

    fn district(&mut self, state: usize) -> Option<String> {
        self.districts[state] += 1;
        let k = self.districts[state];
        (k <= 999).then(|| format!("{}{k:03}000", STATES[state].ags))
    }
}

/// A plausible German place name: stem + suffix, sometimes with a prefix or a qualifier.
fn town_name(rng: &mut Rng) -> String {
    let core = format!("{}{}", rng.pick(TOWN_STEMS), rng.pick(TOWN_SUFFIXES));
    let mut name = if rng.chance(0.2) {
        let prefix = rng.pick(TOWN_PREFIXES);
        if prefix.ends_with(' ') || prefix.ends_with('-') {
            format!("{prefix}{core}")
        } else {
            format!("{prefix}{}", lower_first(&core))
        }
    } else {
        core
    };
    if rng.chance(0.06) {
        name.push_str(rng.pick(TOWN_QUALIFIERS));
    }
    name
}

/// The Land of a new organisation; municipalities follow the number of municipalities, the
/// rest follows population (no Kommunen or Landkreise in the city states).
fn pick_state(rng: &mut Rng, kind: &str) -> usize {
    let weights: Vec<(usize, u32)> = STATES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = match kind {
                "gemeinde" => s.municipalities,
                "stadt" | "landkreis" if s.municipalities == 0 => 0,
                _ => s.population,
            };
            (i, w)
        })
        .collect();
    rng.weighted(&weights)
}

/// Fills a (nominative, dative) name pattern with a place.
fn spec(
    pattern: (&str, &str),
    place: String,
    kind: &'static str,
    state: usize,
    ags: Option<String>,
    size_class: Option<&'static str>,
    weight: f64,
) -> OrgSpec {
    OrgSpec {
        name: pattern.0.replace("{}", &place),
        dative: pattern.1.replace("{}", &place),
        place,
        kind,
        state: Some(state),
        ags,
        size_class,
        weight,
    }
}

fn random_org(rng: &mut Rng, ags: &mut AgsCounter) -> OrgSpec {
    let kind = rng.weighted(ORG_KINDS);
    let state = pick_state(rng, kind);
    match kind {
        "gemeinde" => municipality(rng, ags, state),
        "stadt" => city(rng, ags, state),
        "landkreis" => district(rng, ags, state),
        "zweckverband" => special_purpose_association(rng, state),
        "stadtwerk" => utility(rng, state),
        "it_dienstleister" => it_provider(rng, state),
        _ => association(rng, state),
    }
}

fn municipality(rng: &mut Rng, ags: &mut AgsCounter, state: usize) -> OrgSpec {
    let place = town_name(rng);
    let pattern = if rng.chance(0.75) {
        ("Gemeinde {}", "der Gemeinde {}")
    } else {
        match STATES[state].code {
            "BY" => ("Markt {}", "dem Markt {}"),
            "RP" => rng.pick(&[
                ("Ortsgemeinde {}", "der Ortsgemeinde {}"),
                ("Verbandsgemeinde {}", "der Verbandsgemeinde {}"),
            ]),
            "NI" => ("Samtgemeinde {}", "der Samtgemeinde {}"),
            "SH" | "BB" | "MV" => ("Amt {}", "dem Amt {}"),
            _ => ("Gemeinde {}", "der Gemeinde {}"),
        }
    };
    let size = rng.weighted(&[
        ("unter_5000", 70),
        ("5000_bis_20000", 27),
        ("20000_bis_100000", 3),
    ]);
    let weight = match size {
        "unter_5000" => 0.4,
        "5000_bis_20000" => 1.0,
        _ => 3.0,
    };
    spec(
        pattern,
        place,
        "gemeinde",
        state,
        ags.municipality(state),
        Some(size),
        weight,
    )
}

fn city(rng: &mut Rng, ags: &mut AgsCounter, state: usize) -> OrgSpec {
    let place = town_name(rng);
    let size = rng.weighted(&[
        ("unter_5000", 8),
        ("5000_bis_20000", 45),
        ("20000_bis_100000", 38),
        ("100000_bis_500000", 8),
        ("ueber_500000", 1),
    ]);
    let large = matches!(size, "100000_bis_500000" | "ueber_500000");
    let pattern = match rng.below(10) {
        0 if matches!(STATES[state].code, "SH" | "MV" | "NI" | "ST") => {
            ("Hansestadt {}", "der Hansestadt {}")
        }
        1 if matches!(STATES[state].code, "BW" | "SN") && size != "unter_5000" => {
            ("Große Kreisstadt {}", "der Großen Kreisstadt {}")
        }
        2 if large => ("Universitätsstadt {}", "der Universitätsstadt {}"),
        3 => ("Kreisstadt {}", "der Kreisstadt {}"),
        _ => ("Stadt {}", "der Stadt {}"),
    };
    let weight = match size {
        "unter_5000" => 0.6,
        "5000_bis_20000" => 1.5,
        "20000_bis_100000" => 5.0,
        "100000_bis_500000" => 20.0,
        _ => 60.0,
    };
    spec(
        pattern,
        place,
        "stadt",
        state,
        ags.municipality(state),
        Some(size),
        weight,
    )
}

fn district(rng: &mut Rng, ags: &mut AgsCounter, state: usize) -> OrgSpec {
    let (pattern, place) = if rng.chance(0.15) {
        (
            ("Landkreis {}", "dem Landkreis {}"),
            rng.pick(REGIONS).to_owned(),
        )
    } else if matches!(STATES[state].code, "NW" | "SH") && rng.chance(0.5) {
        (("Kreis {}", "dem Kreis {}"), town_name(rng))
    } else {
        (("Landkreis {}", "dem Landkreis {}"), town_name(rng))
    };
    let size = rng.weighted(&[
        ("20000_bis_100000", 15),
        ("100000_bis_500000", 80),
        ("ueber_500000", 5),
    ]);
    spec(
        pattern,
        place,
        "landkreis",
        state,
        ags.district(state),
        Some(size),
        6.0,
    )
}

fn town_or_region(rng: &mut Rng) -> String {
    if rng.chance(0.6) {
        town_name(rng)
    } else {
        rng.pick(REGIONS).to_owned()
    }
}

fn special_purpose_association(rng: &mut Rng, state: usize) -> OrgSpec {
    let purpose = rng.pick(SPECIAL_PURPOSES);
    let place = town_or_region(rng);
    let pattern = (
        format!("Zweckverband {purpose} {{}}"),
        format!("dem Zweckverband {purpose} {{}}"),
    );
    spec(
        (pattern.0.as_str(), pattern.1.as_str()),
        place,
        "zweckverband",
        state,
        None,
        None,
        3.0,
    )
}

fn utility(rng: &mut Rng, state: usize) -> OrgSpec {
    let pattern = rng.pick(&[
        ("Stadtwerke {}", "den Stadtwerken {}"),
        ("Stadtwerke {} GmbH", "den Stadtwerken {} GmbH"),
        ("Gemeindewerke {}", "den Gemeindewerken {}"),
        ("Versorgungsbetriebe {}", "den Versorgungsbetrieben {}"),
    ]);
    spec(pattern, town_name(rng), "stadtwerk", state, None, None, 4.0)
}

fn it_provider(rng: &mut Rng, state: usize) -> OrgSpec {
    if rng.chance(0.25) {
        return spec(
            ("{} IT GmbH", "der {} IT GmbH"),
            town_name(rng),
            "it_dienstleister",
            state,
            None,
            None,
            40.0,
        );
    }
    let pattern = rng.pick(&[
        (
            "Kommunales Rechenzentrum {}",
            "dem Kommunalen Rechenzentrum {}",
        ),
        ("IT-Dienstleister {} AöR", "dem IT-Dienstleister {} AöR"),
        (
            "Zweckverband Kommunale Informationsverarbeitung {}",
            "dem Zweckverband Kommunale Informationsverarbeitung {}",
        ),
        ("Digitalagentur {}", "der Digitalagentur {}"),
        ("Kommunale IT {}", "der Kommunalen IT {}"),
    ]);
    spec(
        pattern,
        rng.pick(REGIONS).to_owned(),
        "it_dienstleister",
        state,
        None,
        None,
        40.0,
    )
}

fn association(rng: &mut Rng, state: usize) -> OrgSpec {
    let pattern = rng.pick(&[
        ("Open Data {} e. V.", "dem Open Data {} e. V."),
        ("OK Lab {}", "dem OK Lab {}"),
        (
            "Förderverein Digitale Verwaltung {} e. V.",
            "dem Förderverein Digitale Verwaltung {} e. V.",
        ),
        ("Bürgernetz {} e. V.", "dem Bürgernetz {} e. V."),
        ("Freifunk {} e. V.", "dem Freifunk {} e. V."),
    ]);
    spec(
        pattern,
        town_or_region(rng),
        "verein",
        state,
        None,
        None,
        2.5,
    )
}

/// Adds id, unique slug, website, e-mail address, description and creation time.
fn finish_org(rng: &mut Rng, slugs: &mut SlugRegistry, spec: OrgSpec) -> Org {
    let slug = slugs.unique(&spec.name);
    let description = org_description(rng, &spec);
    let email = rng.chance(0.7).then(|| format!("poststelle@{slug}.de"));
    Org {
        id: rng.uuid(),
        website: Some(format!("https://www.{slug}.de")),
        email,
        description,
        created: rng.between(START - 365 * DAY, START + 180 * DAY),
        slug,
        name: spec.name,
        dative: spec.dative,
        place: spec.place,
        kind: spec.kind,
        state: spec.state,
        ags: spec.ags,
        size_class: spec.size_class,
        weight: spec.weight,
    }
}

fn population(rng: &mut Rng, size_class: Option<&str>) -> u64 {
    let (lo, hi) = match size_class {
        Some("unter_5000") => (400, 4_999),
        Some("5000_bis_20000") => (5_000, 19_999),
        Some("20000_bis_100000") => (20_000, 99_999),
        Some("100000_bis_500000") => (100_000, 499_999),
        Some(_) => (500_000, 1_800_000),
        None => (10_000, 50_000),
    };
    rng.between(lo, hi) as u64
}

fn org_description(rng: &mut Rng, spec: &OrgSpec) -> String {
    let loc = spec.state.map_or("in Deutschland", |s| STATES[s].loc);
    let name = &spec.name;
    let first = match spec.kind {
        "gemeinde" | "stadt" => format!(
            "{name} liegt {loc} und hat rund {} Einwohnerinnen und Einwohner.",
            grouped(population(rng, spec.size_class))
        ),
        "landkreis" => format!(
            "Zum {name} gehören {} Städte und Gemeinden {loc}.",
            rng.between(8, 60)
        ),
        "zweckverband" => format!(
            "Im {name} arbeiten {} Kommunen {loc} zusammen.",
            rng.between(3, 40)
        ),
        "stadtwerk" => {
            format!(
                "Die {name} versorgen Haushalte und Betriebe in {} mit Strom, Wasser und Wärme.",
                spec.place
            )
        }
        "it_dienstleister" => format!(
            "{name} betreut als kommunaler IT-Dienstleister {} Kommunen {loc} und betreibt Fachverfahren im eigenen Rechenzentrum.",
            rng.between(20, 400)
        ),
        "verein" => format!(
            "Der Verein {name} setzt sich für offene Daten und freie Software in der öffentlichen Verwaltung ein."
        ),
        "land" => format!(
            "{name} veröffentlicht Eigenentwicklungen der Landesverwaltung als Open Source und koordiniert die Umsetzung des Onlinezugangsgesetzes {loc}."
        ),
        _ => format!("{name} stellt Basiskomponenten für Bund, Länder und Kommunen bereit."),
    };
    format!("{first} {}", rng.pick(ORG_SENTENCES))
}

/// All organisations with lookup helpers for choosing publishers and adopters.
struct World {
    orgs: Vec<Org>,
    /// Running sum of publishing weights, for weighted choice by binary search.
    cumulative: Vec<f64>,
    /// Organisation indexes per Land.
    by_state: Vec<Vec<u32>>,
}

impl World {
    fn new(orgs: Vec<Org>) -> World {
        let mut total = 0.0;
        let cumulative = orgs
            .iter()
            .map(|o| {
                total += o.weight;
                total
            })
            .collect();
        let mut by_state = vec![Vec::new(); STATES.len()];
        for (i, org) in orgs.iter().enumerate() {
            if let Some(s) = org.state {
                by_state[s].push(i as u32);
            }
        }
        World {
            orgs,
            cumulative,
            by_state,
        }
    }

    /// An organisation chosen by publishing weight (large cities and IT providers publish most).
    fn publisher(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.orgs.len() - 1)
    }

    /// A publisher other than `not`; `None` when there is only one organisation.
    fn other_publisher(&self, rng: &mut Rng, not: usize) -> Option<usize> {
        if self.orgs.len() < 2 {
            return None;
        }
        for _ in 0..16 {
            let org = self.publisher(rng);
            if org != not {
                return Some(org);
            }
        }
        Some((not + 1 + rng.below(self.orgs.len() - 1)) % self.orgs.len())
    }

    /// A possible adopter: half of the time a peer from the owner's Land, otherwise anyone.
    fn adopter(&self, rng: &mut Rng, owner: usize) -> usize {
        if let Some(s) = self.orgs[owner].state {
            let peers = &self.by_state[s];
            if peers.len() > 1 && rng.chance(0.5) {
                return rng.pick(peers) as usize;
            }
        }
        rng.below(self.orgs.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Entries: shared pieces
// ---------------------------------------------------------------------------------------------

/// Share of entries that are forks of an earlier entry.
const FORK_SHARE: f64 = 0.05;
/// Mean number of adopting organisations per solution and per data model.
const SOLUTION_ADOPTIONS: f64 = 1.5;
const MODEL_ADOPTIONS: f64 = 0.5;

/// Decides whether the next entry is a fork: returns (index of the origin among the `count`
/// earlier entries, forking organisation), the forking organisation differing from the owner.
fn pick_fork(
    rng: &mut Rng,
    world: &World,
    count: usize,
    owner_of: impl Fn(usize) -> usize,
) -> Option<(usize, usize)> {
    if count == 0 || world.orgs.len() < 2 || !rng.chance(FORK_SHARE) {
        return None;
    }
    let origin = rng.below(count);
    let org = world.other_publisher(rng, owner_of(origin))?;
    Some((origin, org))
}

// ---------------------------------------------------------------------------------------------
// Data models
// ---------------------------------------------------------------------------------------------

/// What later steps need to know about a data model.
struct ModelMeta {
    id: Uuid,
    org: u32,
    topic: u16,
    created: i64,
    name: String,
    major: u32,
    minor: u32,
}

/// One `data_models` row.
struct ModelRow {
    id: Uuid,
    slug: String,
    org_id: Uuid,
    name: String,
    short_description: String,
    description: String,
    domain: &'static str,
    json_schema: String,
    examples: String,
    version: String,
    licence: &'static str,
    forked_from: Option<Uuid>,
    created_at: i64,
    updated_at: i64,
}

const MODEL_PURPOSES: &[&str] = &[
    "Das Modell ist die Grundlage für den Datenaustausch zwischen Fachverfahren und Onlinediensten.",
    "Die Daten werden regelmäßig als Open Data veröffentlicht.",
    "Mehrere Kommunen nutzen das Modell, um ihre Daten vergleichbar zu machen.",
    "Das Modell wurde in einer interkommunalen Arbeitsgruppe abgestimmt.",
];

const MODEL_NOTES: &[&str] = &[
    "Feldnamen sind deutsch und in snake_case geschrieben; Zeitangaben folgen ISO 8601.",
    "Koordinaten werden im Bezugssystem WGS 84 (EPSG:4326) angegeben.",
    "Eine Abbildung auf verwandte Standards ist im Repository dokumentiert.",
    "Änderungen folgen der semantischen Versionierung; inkompatible Änderungen erhöhen die Hauptversion.",
];

fn build_model(
    rng: &mut Rng,
    world: &World,
    slugs: &mut SlugRegistry,
    created: i64,
    earlier: &[ModelMeta],
) -> (ModelRow, ModelMeta) {
    let fork = pick_fork(rng, world, earlier.len(), |i| earlier[i].org as usize);
    let origin = fork.map(|(i, _)| &earlier[i]);
    let (topic, org) = match (fork, origin) {
        (Some((_, org)), Some(o)) => (o.topic as usize, org),
        _ => (pick_topic(rng), world.publisher(rng)),
    };
    let t = &TOPICS[topic];
    let owner = &world.orgs[org];
    let name = fit(
        match origin {
            Some(o) if rng.chance(0.5) => format!("{} ({})", o.name, owner.place),
            Some(o) => format!("{} – Erweiterung {}", o.name, owner.place),
            None => model_name(rng, t, owner),
        },
        100,
    );
    let slug = slugs.unique(&name);
    let short = model_short(rng, t, origin.map(|o| o.name.as_str()));
    let description = model_description(rng, t, &name, origin.map(|o| o.name.as_str()), owner);
    let (major, minor, patch) = match origin {
        Some(o) => (o.major, o.minor + 1, 0),
        None => (
            rng.between(0, 3) as u32,
            rng.between(0, 9) as u32,
            rng.between(0, 12),
        ),
    };
    let version = match rng.below(10) {
        0 => format!("{major}.{minor}.{patch}-beta.{}", rng.between(1, 4)),
        1 => format!("{major}.{minor}.{patch}-rc.1"),
        _ => format!("{major}.{minor}.{patch}"),
    };
    let with_ags = rng.chance(0.3).then(|| example_ags(owner));
    let schema = json_schema(t, &name, &short, with_ags.is_some());
    let example = example_record(rng, t, &slug, with_ags);
    let id = rng.uuid();
    let row = ModelRow {
        id,
        slug,
        org_id: owner.id,
        name: name.clone(),
        short_description: short,
        description,
        domain: t.domain,
        json_schema: schema.to_string(),
        examples: Value::Array(vec![example]).to_string(),
        version,
        licence: rng.weighted(MODEL_LICENCES),
        forked_from: origin.map(|o| o.id),
        created_at: created,
        updated_at: later(rng, created),
    };
    let meta = ModelMeta {
        id,
        org: org as u32,
        topic: topic as u16,
        created,
        name,
        major,
        minor,
    };
    (row, meta)
}

fn model_name(rng: &mut Rng, t: &Topic, owner: &Org) -> String {
    match rng.below(6) {
        0 | 1 => t.model.to_owned(),
        2 => format!("{} ({})", t.model, owner.place),
        3 => format!("{} – Basisprofil", t.model),
        4 => format!("{} – erweitertes Profil", t.model),
        _ => format!(
            "{} {}",
            t.model,
            rng.pick(&["Open Data", "kommunal", "Landesprofil", "Austauschformat"])
        ),
    }
}

fn model_short(rng: &mut Rng, t: &Topic, origin: Option<&str>) -> String {
    let text = match origin {
        Some(o) => format!("Erweiterung von „{o}“ für {}.", t.what),
        None => match rng.below(3) {
            0 => format!("Datenmodell für {}.", t.what),
            1 => format!("JSON-Schema eines Datensatzes für {}.", t.what),
            _ => format!(
                "Einheitliches Austauschformat für {}, abgestimmt mit {} Kommunen.",
                t.what,
                rng.between(2, 40)
            ),
        },
    };
    fit(text, 150)
}

fn model_description(
    rng: &mut Rng,
    t: &Topic,
    name: &str,
    origin: Option<&str>,
    owner: &Org,
) -> String {
    let mut text = format!(
        "## Zweck\nDas Datenmodell **{name}** beschreibt einen Datensatz für {}.",
        t.what
    );
    match origin {
        Some(o) => text.push_str(&format!(
            " Es erweitert das Modell „{o}“; die Anpassungen stammen von {}.",
            owner.dative
        )),
        None => text.push_str(&format!(" Gepflegt wird es von {}.", owner.dative)),
    }
    text.push(' ');
    text.push_str(rng.pick(MODEL_PURPOSES));
    text.push_str("\n\n## Wichtige Felder\n");
    for field in t.fields {
        text.push_str(&format!("- `{}`: {}\n", field.name, field.doc));
    }
    text.push_str("\n## Hinweise\n");
    text.push_str(rng.pick(MODEL_NOTES));
    text
}

/// An AGS for example records: the owner's own, else its Land's, else Munich's.
fn example_ags(owner: &Org) -> String {
    match (&owner.ags, owner.state) {
        (Some(ags), _) => ags.clone(),
        (None, Some(s)) => format!("{}000000", STATES[s].ags),
        (None, None) => "09162000".to_owned(),
    }
}

/// A JSON Schema (draft 2020-12) for one record of the topic's model.
fn json_schema(t: &Topic, name: &str, short: &str, with_ags: bool) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "id".to_owned(),
        json!({"type": "string", "description": "Eindeutige Kennung des Datensatzes"}),
    );
    for field in t.fields {
        properties.insert(field.name.to_owned(), field_schema(field));
    }
    if with_ags {
        properties.insert(
            "gemeindeschluessel".to_owned(),
            json!({"type": "string", "pattern": "^[0-9]{8}$", "description": "Amtlicher Gemeindeschlüssel der zuständigen Kommune"}),
        );
    }
    let mut required = vec![Value::from("id")];
    required.extend(t.fields.iter().take(2).map(|field| Value::from(field.name)));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": name,
        "description": short,
        "type": "object",
        "properties": Value::Object(properties),
        "required": Value::Array(required),
    })
}

fn field_schema(field: &Field) -> Value {
    match field.kind {
        Str(_) => json!({"type": "string", "description": field.doc}),
        Int(lo, hi) => {
            json!({"type": "integer", "minimum": lo, "maximum": hi, "description": field.doc})
        }
        Num(lo, hi) => {
            json!({"type": "number", "minimum": lo, "maximum": hi, "description": field.doc})
        }
        Flag => json!({"type": "boolean", "description": field.doc}),
        Day => json!({"type": "string", "format": "date", "description": field.doc}),
        Stamp => json!({"type": "string", "format": "date-time", "description": field.doc}),
        OneOf(values) => json!({"type": "string", "enum": values, "description": field.doc}),
    }
}

/// One example record that is valid against [`json_schema`].
fn example_record(rng: &mut Rng, t: &Topic, slug: &str, ags: Option<String>) -> Value {
    let mut record = Map::new();
    record.insert(
        "id".to_owned(),
        Value::from(format!("{slug}-{:04}", rng.between(1, 9999))),
    );
    for field in t.fields {
        record.insert(field.name.to_owned(), example_value(rng, &field.kind));
    }
    if let Some(ags) = ags {
        record.insert("gemeindeschluessel".to_owned(), Value::from(ags));
    }
    Value::Object(record)
}

fn example_value(rng: &mut Rng, kind: &FieldKind) -> Value {
    match *kind {
        Str(samples) => Value::from(rng.pick(samples)),
        Int(lo, hi) => Value::from(rng.between(lo, hi)),
        Num(lo, hi) => {
            let x = ((lo + rng.unit() * (hi - lo)) * 100.0).round() / 100.0;
            Value::from(x.clamp(lo, hi))
        }
        Flag => Value::from(rng.chance(0.5)),
        Day => Value::from(day(rng.between(END - 2 * 365 * DAY, END - DAY)).to_string()),
        Stamp => {
            let secs = rng.between(END - 2 * 365 * DAY, END - DAY) / 60 * 60;
            Value::from(ts(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string())
        }
        OneOf(values) => Value::from(rng.pick(values)),
    }
}

// ---------------------------------------------------------------------------------------------
// Solutions
// ---------------------------------------------------------------------------------------------

/// What later steps need to know about a solution.
struct SolutionMeta {
    id: Uuid,
    org: u32,
    topic: u16,
    created: i64,
    name: String,
    licence: &'static str,
}

/// One `solutions` row; list columns are joined with [`SEP`] for `string_to_array`.
struct SolutionRow {
    id: Uuid,
    slug: String,
    org_id: Uuid,
    name: String,
    short_description: String,
    short_description_en: Option<String>,
    long_description: String,
    long_description_en: Option<String>,
    repository_url: String,
    landing_url: Option<String>,
    licence: &'static str,
    development_status: &'static str,
    software_type: &'static str,
    categories: Vec<&'static str>,
    platforms: Vec<&'static str>,
    maintenance_type: &'static str,
    contractors: String,
    contacts: String,
    version: Option<String>,
    release_date: Option<NaiveDate>,
    tags: Vec<String>,
    features: Vec<String>,
    forked_from: Option<Uuid>,
    archived_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

/// A link from a solution to a data model: (solution, data model, relation).
type Link = (Uuid, Uuid, &'static str);

/// Separator for list columns sent as one text per row (ASCII unit separator, `chr(31)`).
const SEP: &str = "\u{1f}";

/// Data models grouped by topic, for linking solutions to a model of their topic.
struct ModelIndex<'a> {
    models: &'a [ModelMeta],
    by_topic: Vec<Vec<u32>>,
}

impl<'a> ModelIndex<'a> {
    fn new(models: &'a [ModelMeta]) -> ModelIndex<'a> {
        let mut by_topic = vec![Vec::new(); TOPICS.len()];
        for (i, model) in models.iter().enumerate() {
            by_topic[model.topic as usize].push(i as u32);
        }
        ModelIndex { models, by_topic }
    }

    /// About a third of solutions produce or consume a data model of their topic.
    fn link(&self, rng: &mut Rng, solution: Uuid, topic: usize) -> Option<Link> {
        let candidates = &self.by_topic[topic];
        if candidates.is_empty() || !rng.chance(0.35) {
            return None;
        }
        let model = &self.models[rng.pick(candidates) as usize];
        Some((
            solution,
            model.id,
            if rng.chance(0.6) {
                "produces"
            } else {
                "consumes"
            },
        ))
    }
}

fn build_solution(
    rng: &mut Rng,
    world: &World,
    slugs: &mut SlugRegistry,
    created: i64,
    earlier: &[SolutionMeta],
) -> (SolutionRow, SolutionMeta) {
    let fork = pick_fork(rng, world, earlier.len(), |i| earlier[i].org as usize);
    let origin = fork.map(|(i, _)| &earlier[i]);
    let (topic, org) = match (fork, origin) {
        (Some((_, org)), Some(o)) => (o.topic as usize, org),
        _ => (pick_topic(rng), world.publisher(rng)),
    };
    let t = &TOPICS[topic];
    let owner = &world.orgs[org];
    let origin_name = origin.map(|o| o.name.as_str());
    let (software_type, typ_de, typ_en) = rng.weighted(SOFTWARE_TYPES);
    let name = fit(
        match origin {
            Some(o) if rng.chance(0.5) => format!("{} ({})", o.name, owner.place),
            Some(o) => format!("{} für {}", o.name, owner.place),
            None => solution_name(rng, t, owner),
        },
        100,
    );
    let slug = slugs.unique(&name);
    let licence = match origin {
        Some(o) => o.licence,
        None => rng.weighted(SOLUTION_LICENCES),
    };
    let status = rng.weighted(STATUSES);
    let updated = later(rng, created);
    let features = pick_features(rng, t);
    let short_description = solution_short(rng, t, typ_de, origin_name, &owner.place);
    let short_description_en = rng.chance(0.6).then(|| {
        fit(
            format!("{typ_en} for {}{}.", t.en, rng.pick(AUDIENCES_EN)),
            150,
        )
    });
    let long_description = long_description(
        rng,
        &LongText {
            name: &name,
            topic: t,
            owner,
            licence,
            status,
            features: &features,
            origin: origin_name,
        },
    );
    let long_description_en = match &short_description_en {
        Some(en) if rng.chance(0.4) => Some(format!(
            "{en} Published by {} under the licence {licence}.",
            owner.name
        )),
        _ => None,
    };
    let (maintenance_type, contractors, contacts) = maintenance(rng, owner, created);
    let version = rng.chance(0.9).then(|| version_for(rng, status));
    let id = rng.uuid();
    let row = SolutionRow {
        id,
        org_id: owner.id,
        name: name.clone(),
        short_description,
        short_description_en,
        long_description,
        long_description_en,
        repository_url: repository_url(rng, &owner.slug, &slug),
        landing_url: rng
            .chance(0.3)
            .then(|| format!("https://www.{}.de/{slug}", owner.slug)),
        licence,
        development_status: status,
        software_type,
        categories: pick_categories(rng, t),
        platforms: platforms_for(rng, software_type),
        maintenance_type,
        contractors,
        contacts,
        release_date: version.as_ref().map(|_| day(updated)),
        version,
        tags: pick_tags(rng, t),
        features,
        forked_from: origin.map(|o| o.id),
        archived_at: (status == "obsolete" && rng.chance(0.5)).then_some(updated),
        created_at: created,
        updated_at: updated,
        slug,
    };
    let meta = SolutionMeta {
        id,
        org: org as u32,
        topic: topic as u16,
        created,
        name,
        licence,
    };
    (row, meta)
}

/// A product-style name from the topic noun, its stem and modifiers.
fn solution_name(rng: &mut Rng, t: &Topic, owner: &Org) -> String {
    match rng.below(12) {
        0 | 1 => t.noun.to_owned(),
        2 | 3 => format!("{} {}", rng.pick(ADJECTIVES)[t.gender as usize], t.noun),
        4 => format!("Online-{}", t.noun),
        5 => format!("Open-Source-{}", t.noun),
        6 => format!(
            "{} für {}",
            t.noun,
            rng.pick(&[
                "Kommunen",
                "Landkreise",
                "kleine Gemeinden",
                "Städte und Gemeinden",
                "die Landesverwaltung"
            ])
        ),
        7 => format!("{} {}", t.noun, owner.place),
        8 => format!(
            "{}-{}",
            t.stem,
            rng.pick(&[
                "App",
                "Portal",
                "Manager",
                "Cloud",
                "Assistent",
                "Kompass",
                "Monitor"
            ])
        ),
        9 => format!("Open{}", t.stem),
        10 => format!("{} online", t.stem),
        _ => format!(
            "{} {}",
            t.noun,
            rng.pick(&["NG", "Plus", "2.0", "kompakt", "Kommunal"])
        ),
    }
}

fn solution_short(
    rng: &mut Rng,
    t: &Topic,
    typ: &str,
    origin: Option<&str>,
    place: &str,
) -> String {
    let feature = rng.pick(t.features);
    let text = match origin {
        Some(o) => format!(
            "Fork von „{o}“ mit Anpassungen für {place}: {typ} für {}.",
            t.what
        ),
        None => match rng.below(5) {
            0 => format!("{typ} für {}.", t.what),
            1 => format!("{typ} für {} in {}.", t.what, rng.pick(AUDIENCES_DATIVE)),
            2 => format!("Open-Source-{typ} für {}: {feature}.", t.what),
            3 => format!("{feature} und mehr – {typ} für {}.", t.what),
            _ => format!("{typ} für {} mit Funktionen wie „{feature}“.", t.what),
        },
    };
    fit(text, 150)
}

/// Inputs of a long description.
struct LongText<'a> {
    name: &'a str,
    topic: &'static Topic,
    owner: &'a Org,
    licence: &'static str,
    status: &'static str,
    features: &'a [String],
    origin: Option<&'a str>,
}

/// Markdown: an introduction, a feature list and 2–5 sentences on operation (3–8 sentences).
fn long_description(rng: &mut Rng, c: &LongText<'_>) -> String {
    let verb = rng.pick(&[
        "unterstützt",
        "vereinfacht",
        "digitalisiert",
        "erleichtert",
        "organisiert",
    ]);
    let (name, what, dative) = (c.name, c.topic.what, &c.owner.dative);
    let mut text = match c.origin {
        Some(o) => format!(
            "**{name}** ist ein Fork von „{o}“ und {verb} {what}. Angepasst wurde die Lösung von {dative}."
        ),
        None if rng.chance(0.7) => {
            format!(
                "**{name}** {verb} {what}. Entwickelt und gepflegt wird die Lösung von {dative}."
            )
        }
        None => format!("**{name}** {verb} {what}."),
    };
    text.push_str("\n\n## Funktionen\n");
    for feature in c.features {
        text.push_str("- ");
        text.push_str(feature);
        text.push('\n');
    }
    text.push_str("\n## Betrieb\n");
    let count = rng.between(2, 5) as usize;
    let sentences: Vec<String> = rng
        .subset(OPERATION_SENTENCES, count)
        .into_iter()
        .map(|s| fill_sentence(rng, s, c.licence))
        .collect();
    text.push_str(&sentences.join(" "));
    if let Some(extra) = status_sentence(c.status) {
        text.push(' ');
        text.push_str(extra);
    }
    text
}

fn fill_sentence(rng: &mut Rng, template: &str, licence: &str) -> String {
    let mut s = template.to_owned();
    if s.contains("{stack}") {
        s = s.replace("{stack}", rng.pick(TECH_STACKS));
    }
    if s.contains("{rz}") {
        s = s.replace("{rz}", rng.pick(DATA_CENTRES));
    }
    if s.contains("{interface}") {
        s = s.replace("{interface}", rng.pick(INTERFACES));
    }
    if s.contains("{n}") {
        s = s.replace("{n}", &rng.between(2, 60).to_string());
    }
    s.replace("{licence}", licence)
}

fn status_sentence(status: &str) -> Option<&'static str> {
    match status {
        "concept" => {
            Some("Das Projekt befindet sich in der Konzeptphase; Mitwirkende sind willkommen.")
        }
        "development" => {
            Some("Die Lösung wird derzeit aktiv entwickelt; erste Kommunen testen Vorabversionen.")
        }
        "beta" => Some("Die aktuelle Version ist eine Beta und wird in Pilotkommunen erprobt."),
        "obsolete" => Some(
            "Die Lösung wird nicht mehr weiterentwickelt; ein Umstieg auf aktuelle Alternativen wird empfohlen.",
        ),
        _ => None,
    }
}

/// Maintenance type with contractors (exactly when "contract") and contacts, as JSON arrays.
fn maintenance(rng: &mut Rng, owner: &Org, created: i64) -> (&'static str, String, String) {
    let kind = rng.weighted(MAINTENANCE);
    let contractors = if kind == "contract" {
        let name = contractor_name(rng);
        let until = day(rng.between(created + 365 * DAY, END + 3 * 365 * DAY)).to_string();
        let website = format!("https://www.{}.de", slugify(&name));
        json!([{"name": name, "until": until, "website": website}]).to_string()
    } else {
        "[]".to_owned()
    };
    let contacts = if kind == "none" {
        "[]".to_owned()
    } else {
        json!([{"name": rng.pick(UNITS), "affiliation": owner.name}]).to_string()
    };
    (kind, contractors, contacts)
}

fn contractor_name(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!("{} Software GmbH", town_name(rng)),
        1 => format!("{} Digital GmbH", rng.pick(REGIONS)),
        2 => format!("Kommunal-IT {} GmbH", rng.pick(REGIONS)),
        3 => format!("{} Consulting eG", town_name(rng)),
        _ => format!("Offene Verwaltung {} GmbH", rng.pick(REGIONS)),
    }
}

fn version_for(rng: &mut Rng, status: &str) -> String {
    let major = match status {
        "concept" | "development" => 0,
        "beta" => rng.between(0, 1),
        "obsolete" => rng.between(1, 3),
        _ => rng.between(1, 6),
    };
    format!("{major}.{}.{}", rng.between(0, 15), rng.between(0, 20))
}

fn repository_url(rng: &mut Rng, org: &str, slug: &str) -> String {
    match rng.weighted(&[(0u8, 50), (1, 25), (2, 15), (3, 10)]) {
        0 => format!("https://gitlab.opencode.de/{org}/{slug}"),
        1 => format!("https://github.com/{org}/{slug}"),
        2 => format!("https://codeberg.org/{org}/{slug}"),
        _ => format!("https://git.{org}.de/{slug}"),
    }
}

/// 1–3 categories; the topic's most typical one always comes first.
fn pick_categories(rng: &mut Rng, t: &Topic) -> Vec<&'static str> {
    let k = rng
        .weighted(&[(1usize, 30), (2, 45), (3, 25)])
        .min(t.categories.len());
    let mut categories = vec![t.categories[0]];
    categories.extend(rng.subset(&t.categories[1..], k - 1));
    categories
}

fn platforms_for(rng: &mut Rng, software_type: &str) -> Vec<&'static str> {
    match software_type {
        "standalone/web" | "addon" => vec!["web"],
        "standalone/mobile" => match rng.below(3) {
            0 => vec!["android"],
            1 => vec!["ios"],
            _ => vec!["ios", "android"],
        },
        "standalone/desktop" if rng.chance(0.5) => vec!["windows", "linux"],
        "standalone/desktop" => vec!["windows", "mac", "linux"],
        "library" => Vec::new(),
        _ => vec!["linux"],
    }
}

/// 3 or more topic tags (the first always) and up to two generic ones.
fn pick_tags(rng: &mut Rng, t: &Topic) -> Vec<String> {
    let k = rng.between(3, t.tags.len() as i64) as usize;
    let mut tags = vec![t.tags[0].to_owned()];
    tags.extend(
        rng.subset(&t.tags[1..], k - 1)
            .into_iter()
            .map(str::to_owned),
    );
    let generic = rng.below(3);
    for tag in rng.subset(GENERIC_TAGS, generic) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// At least two topic features and up to two generic ones.
fn pick_features(rng: &mut Rng, t: &Topic) -> Vec<String> {
    let k = rng.between(2, t.features.len() as i64) as usize;
    let mut features: Vec<String> = rng
        .subset(t.features, k)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let generic = rng.below(3);
    features.extend(
        rng.subset(GENERIC_FEATURES, generic)
            .into_iter()
            .map(str::to_owned),
    );
    features
}

// ---------------------------------------------------------------------------------------------
// Adoptions
// ---------------------------------------------------------------------------------------------

/// The entry an adoption is about.
#[derive(Debug, Clone, Copy)]
enum Target {
    Solution(Uuid),
    Model(Uuid),
}

/// One `adoptions` row.
struct AdoptionRow {
    id: Uuid,
    org_id: Uuid,
    target: Target,
    status: &'static str,
    since: NaiveDate,
    contact_name: Option<&'static str>,
    contact_email: Option<String>,
    note: String,
    created_at: i64,
}

/// Adoptions of one entry by distinct organisations other than its owner; about `mean` of
/// them on average, with a long tail of popular entries.
fn build_adoptions(
    rng: &mut Rng,
    world: &World,
    owner: usize,
    created: i64,
    target: Target,
    mean: f64,
    out: &mut Vec<AdoptionRow>,
) {
    let wanted = rng
        .long_tail(mean)
        .min(60)
        .min(world.orgs.len().saturating_sub(1));
    let mut chosen: Vec<usize> = Vec::with_capacity(wanted);
    let mut attempts = 0;
    while chosen.len() < wanted && attempts < 20 * wanted + 20 {
        attempts += 1;
        let org = world.adopter(rng, owner);
        if org != owner && !chosen.contains(&org) {
            chosen.push(org);
        }
    }
    for org in chosen {
        out.push(adoption(rng, &world.orgs[org], created, target));
    }
}

fn adoption(rng: &mut Rng, org: &Org, created: i64, target: Target) -> AdoptionRow {
    let since = rng.between(created, END - DAY);
    let note_count = rng.weighted(&[(0usize, 35), (1, 45), (2, 20)]);
    let year = ts(since).format("%Y").to_string();
    let note: Vec<String> = rng
        .subset(ADOPTION_NOTES, note_count)
        .into_iter()
        .map(|s| {
            s.replace("{year}", &year)
                .replace("{n}", &rng.between(2, 16).to_string())
        })
        .collect();
    AdoptionRow {
        id: rng.uuid(),
        org_id: org.id,
        target,
        status: rng.weighted(ADOPTION_STATUSES),
        since: day(since),
        contact_name: rng.chance(0.4).then(|| rng.pick(UNITS)),
        contact_email: rng
            .chance(0.2)
            .then(|| format!("digitalisierung@{}.de", org.slug)),
        note: note.join(" "),
        created_at: since,
    }
}

// ---------------------------------------------------------------------------------------------
// Database writes
// ---------------------------------------------------------------------------------------------

/// Rows per insert statement.
const BATCH: usize = 2_000;

const ORGANISATIONS_SQL: &str = r#"
insert into organisations (id, slug, name, kind, bundesland, ags, size_class, website, contact_email,
                           description, created_at, updated_at)
select t.id, t.slug, t.name, t.kind, t.bundesland, t.ags, t.size_class, t.website, t.contact_email,
       t.description, t.created_at, t.created_at
from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::timestamptz[])
     as t(id, slug, name, kind, bundesland, ags, size_class, website, contact_email, description, created_at)
"#;

const DATA_MODELS_SQL: &str = r#"
insert into data_models (id, slug, organisation_id, name, short_description, description, domain, json_schema,
                         examples, version, licence, forked_from, created_at, updated_at)
select t.id, t.slug, t.organisation_id, t.name, t.short_description, t.description, t.domain,
       t.json_schema::json, t.examples::json, t.version, t.licence, t.forked_from, t.created_at, t.updated_at
from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::text[], $12::uuid[], $13::timestamptz[], $14::timestamptz[])
     as t(id, slug, organisation_id, name, short_description, description, domain, json_schema, examples,
          version, licence, forked_from, created_at, updated_at)
"#;

const SOLUTIONS_SQL: &str = r#"
insert into solutions (id, slug, organisation_id, name, short_description, short_description_en,
                       long_description, long_description_en, repository_url, landing_url, licence,
                       development_status, software_type, categories, platforms, maintenance_type,
                       maintenance_contractors, maintenance_contacts, version, release_date, tags, features,
                       forked_from, archived_at, created_at, updated_at)
select t.id, t.slug, t.organisation_id, t.name, t.short_description, t.short_description_en,
       t.long_description, t.long_description_en, t.repository_url, t.landing_url, t.licence,
       t.development_status, t.software_type, string_to_array(t.categories, chr(31)),
       string_to_array(t.platforms, chr(31)), t.maintenance_type, t.contractors::jsonb, t.contacts::jsonb,
       t.version, t.release_date, string_to_array(t.tags, chr(31)), string_to_array(t.features, chr(31)),
       t.forked_from, t.archived_at, t.created_at, t.updated_at
from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
            $16::text[], $17::text[], $18::text[], $19::text[], $20::date[], $21::text[], $22::text[],
            $23::uuid[], $24::timestamptz[], $25::timestamptz[], $26::timestamptz[])
     as t(id, slug, organisation_id, name, short_description, short_description_en, long_description,
          long_description_en, repository_url, landing_url, licence, development_status, software_type,
          categories, platforms, maintenance_type, contractors, contacts, version, release_date, tags,
          features, forked_from, archived_at, created_at, updated_at)
"#;

const LINKS_SQL: &str = r#"
insert into solution_data_models (solution_id, data_model_id, relation)
select t.solution_id, t.data_model_id, t.relation
from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(solution_id, data_model_id, relation)
"#;

const ADOPTIONS_SQL: &str = r#"
insert into adoptions (id, organisation_id, solution_id, data_model_id, status, since, contact_name,
                       contact_email, note, created_at, updated_at)
select t.id, t.organisation_id, t.solution_id, t.data_model_id, t.status, t.since, t.contact_name,
       t.contact_email, t.note, t.created_at, t.created_at
from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::date[], $7::text[], $8::text[],
            $9::text[], $10::timestamptz[])
     as t(id, organisation_id, solution_id, data_model_id, status, since, contact_name, contact_email, note,
          created_at)
"#;

/// First revisions: the snapshot is the full draft, as the publishing service stores it
/// (`app::entry_rules::SolutionDraft` serialised), so that editing, restoring and comparing
/// a synthetic entry work as for any other.
const SOLUTION_REVISIONS_SQL: &str = r#"
insert into revisions (solution_id, number, message, snapshot, created_at)
select s.id, 1, $1::text,
       jsonb_build_object(
           'organisation', o.slug, 'name', s.name, 'slug', s.slug,
           'short_description', s.short_description, 'short_description_en', s.short_description_en,
           'long_description', s.long_description, 'long_description_en', s.long_description_en,
           'repository_url', s.repository_url, 'landing_url', s.landing_url, 'licence', s.licence,
           'development_status', s.development_status, 'software_type', s.software_type,
           'categories', to_jsonb(s.categories), 'platforms', to_jsonb(s.platforms),
           'maintenance_type', s.maintenance_type, 'contractors', s.maintenance_contractors,
           'contacts', s.maintenance_contacts, 'version', s.version, 'release_date', s.release_date,
           'tags', to_jsonb(s.tags), 'features', to_jsonb(s.features),
           'produces', coalesce(l.produces, '[]'::jsonb), 'consumes', coalesce(l.consumes, '[]'::jsonb),
           'change_message', $1::text),
       s.created_at
from solutions s
join organisations o on o.id = s.organisation_id
left join (
    select l.solution_id,
           jsonb_agg(d.slug order by d.slug) filter (where l.relation = 'produces') as produces,
           jsonb_agg(d.slug order by d.slug) filter (where l.relation = 'consumes') as consumes
    from solution_data_models l join data_models d on d.id = l.data_model_id
    group by l.solution_id
) l on l.solution_id = s.id
"#;

/// First revisions of data models: the full draft (`app::data_model_rules::DataModelDraft`).
const MODEL_REVISIONS_SQL: &str = r#"
insert into revisions (data_model_id, number, message, snapshot, created_at)
select d.id, 1, $1::text,
       jsonb_build_object(
           'organisation', o.slug, 'name', d.name, 'slug', d.slug,
           'short_description', d.short_description, 'description', d.description, 'domain', d.domain,
           'json_schema', d.json_schema::jsonb, 'examples', d.examples::jsonb, 'version', d.version,
           'licence', d.licence, 'change_message', $1::text),
       d.created_at
from data_models d
join organisations o on o.id = d.organisation_id
"#;

const REVISION_MESSAGE: &str = "Synthetischer Benchmark-Katalog";

async fn insert_organisations(
    conn: &mut PgConnection,
    orgs: &[Org],
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> sqlx::Result<()> {
    let total = orgs.len() as u64;
    progress("organisations", 0, total);
    let mut done = 0u64;
    for chunk in orgs.chunks(BATCH) {
        sqlx::query(ORGANISATIONS_SQL)
            .bind(chunk.iter().map(|o| o.id).collect::<Vec<Uuid>>())
            .bind(
                chunk
                    .iter()
                    .map(|o| o.slug.clone())
                    .collect::<Vec<String>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.name.clone())
                    .collect::<Vec<String>>(),
            )
            .bind(chunk.iter().map(|o| o.kind).collect::<Vec<&'static str>>())
            .bind(
                chunk
                    .iter()
                    .map(|o| o.state.map(|s| STATES[s].code))
                    .collect::<Vec<Option<&'static str>>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.ags.clone())
                    .collect::<Vec<Option<String>>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.size_class)
                    .collect::<Vec<Option<&'static str>>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.website.clone())
                    .collect::<Vec<Option<String>>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.email.clone())
                    .collect::<Vec<Option<String>>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| o.description.clone())
                    .collect::<Vec<String>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|o| ts(o.created))
                    .collect::<Vec<DateTime<Utc>>>(),
            )
            .execute(&mut *conn)
            .await?;
        done += chunk.len() as u64;
        progress("organisations", done, total);
    }
    Ok(())
}

async fn insert_data_models(
    conn: &mut PgConnection,
    rng: &mut Rng,
    world: &World,
    count: usize,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> sqlx::Result<Vec<ModelMeta>> {
    let total = count as u64;
    progress("data_models", 0, total);
    let mut slugs = SlugRegistry::default();
    let mut metas: Vec<ModelMeta> = Vec::with_capacity(count);
    let mut rows: Vec<ModelRow> = Vec::with_capacity(BATCH);
    for created in creation_times(rng, count) {
        let (row, meta) = build_model(rng, world, &mut slugs, created, &metas);
        rows.push(row);
        metas.push(meta);
        if rows.len() == BATCH {
            write_data_models(&mut *conn, &mut rows).await?;
            progress("data_models", metas.len() as u64, total);
        }
    }
    write_data_models(&mut *conn, &mut rows).await?;
    progress("data_models", total, total);
    Ok(metas)
}

/// Writes and empties `rows`.
async fn write_data_models(conn: &mut PgConnection, rows: &mut Vec<ModelRow>) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = std::mem::take(rows);
    sqlx::query(DATA_MODELS_SQL)
        .bind(rows.iter().map(|r| r.id).collect::<Vec<Uuid>>())
        .bind(rows.iter().map(|r| r.slug.clone()).collect::<Vec<String>>())
        .bind(rows.iter().map(|r| r.org_id).collect::<Vec<Uuid>>())
        .bind(rows.iter().map(|r| r.name.clone()).collect::<Vec<String>>())
        .bind(
            rows.iter()
                .map(|r| r.short_description.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.description.clone())
                .collect::<Vec<String>>(),
        )
        .bind(rows.iter().map(|r| r.domain).collect::<Vec<&'static str>>())
        .bind(
            rows.iter()
                .map(|r| r.json_schema.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.examples.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.version.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.licence)
                .collect::<Vec<&'static str>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.forked_from)
                .collect::<Vec<Option<Uuid>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| ts(r.created_at))
                .collect::<Vec<DateTime<Utc>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| ts(r.updated_at))
                .collect::<Vec<DateTime<Utc>>>(),
        )
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_solutions(
    conn: &mut PgConnection,
    rng: &mut Rng,
    world: &World,
    models: &[ModelMeta],
    count: usize,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> sqlx::Result<Vec<SolutionMeta>> {
    let total = count as u64;
    progress("solutions", 0, total);
    let index = ModelIndex::new(models);
    let mut slugs = SlugRegistry::default();
    let mut metas: Vec<SolutionMeta> = Vec::with_capacity(count);
    let mut rows: Vec<SolutionRow> = Vec::with_capacity(BATCH);
    let mut links: Vec<Link> = Vec::with_capacity(BATCH);
    for created in creation_times(rng, count) {
        let (row, meta) = build_solution(rng, world, &mut slugs, created, &metas);
        links.extend(index.link(rng, meta.id, meta.topic as usize));
        rows.push(row);
        metas.push(meta);
        if rows.len() == BATCH {
            write_solutions(&mut *conn, &mut rows).await?;
            write_links(&mut *conn, &mut links).await?;
            progress("solutions", metas.len() as u64, total);
        }
    }
    write_solutions(&mut *conn, &mut rows).await?;
    write_links(&mut *conn, &mut links).await?;
    progress("solutions", total, total);
    Ok(metas)
}

/// Joins list items for `string_to_array(…, chr(31))`.
fn joined<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(SEP);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Writes and empties `rows`.
async fn write_solutions(conn: &mut PgConnection, rows: &mut Vec<SolutionRow>) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = std::mem::take(rows);
    sqlx::query(SOLUTIONS_SQL)
        .bind(rows.iter().map(|r| r.id).collect::<Vec<Uuid>>())
        .bind(rows.iter().map(|r| r.slug.clone()).collect::<Vec<String>>())
        .bind(rows.iter().map(|r| r.org_id).collect::<Vec<Uuid>>())
        .bind(rows.iter().map(|r| r.name.clone()).collect::<Vec<String>>())
        .bind(
            rows.iter()
                .map(|r| r.short_description.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.short_description_en.clone())
                .collect::<Vec<Option<String>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.long_description.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.long_description_en.clone())
                .collect::<Vec<Option<String>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.repository_url.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.landing_url.clone())
                .collect::<Vec<Option<String>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.licence)
                .collect::<Vec<&'static str>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.development_status)
                .collect::<Vec<&'static str>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.software_type)
                .collect::<Vec<&'static str>>(),
        )
        .bind(
            rows.iter()
                .map(|r| joined(&r.categories))
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| joined(&r.platforms))
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.maintenance_type)
                .collect::<Vec<&'static str>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.contractors.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.contacts.clone())
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.version.clone())
                .collect::<Vec<Option<String>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.release_date)
                .collect::<Vec<Option<NaiveDate>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| joined(&r.tags))
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| joined(&r.features))
                .collect::<Vec<String>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.forked_from)
                .collect::<Vec<Option<Uuid>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.archived_at.map(ts))
                .collect::<Vec<Option<DateTime<Utc>>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| ts(r.created_at))
                .collect::<Vec<DateTime<Utc>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| ts(r.updated_at))
                .collect::<Vec<DateTime<Utc>>>(),
        )
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes and empties `links` (after the solutions they name).
async fn write_links(conn: &mut PgConnection, links: &mut Vec<Link>) -> sqlx::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    let links = std::mem::take(links);
    sqlx::query(LINKS_SQL)
        .bind(links.iter().map(|l| l.0).collect::<Vec<Uuid>>())
        .bind(links.iter().map(|l| l.1).collect::<Vec<Uuid>>())
        .bind(links.iter().map(|l| l.2).collect::<Vec<&'static str>>())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adoptions of every solution and data model; returns how many were written.
async fn insert_adoptions(
    conn: &mut PgConnection,
    rng: &mut Rng,
    world: &World,
    solutions: &[SolutionMeta],
    models: &[ModelMeta],
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> sqlx::Result<u64> {
    let total = (solutions.len() + models.len()) as u64;
    progress("adoptions", 0, total);
    let targets: Vec<(u32, i64, Target, f64)> = solutions
        .iter()
        .map(|s| (s.org, s.created, Target::Solution(s.id), SOLUTION_ADOPTIONS))
        .chain(
            models
                .iter()
                .map(|m| (m.org, m.created, Target::Model(m.id), MODEL_ADOPTIONS)),
        )
        .collect();
    let mut rows: Vec<AdoptionRow> = Vec::with_capacity(2 * BATCH + 64);
    let mut written = 0u64;
    for (done, (owner, created, target, mean)) in targets.into_iter().enumerate() {
        build_adoptions(rng, world, owner as usize, created, target, mean, &mut rows);
        if rows.len() >= 2 * BATCH {
            written += rows.len() as u64;
            write_adoptions(&mut *conn, &mut rows).await?;
            progress("adoptions", done as u64 + 1, total);
        }
    }
    written += rows.len() as u64;
    write_adoptions(&mut *conn, &mut rows).await?;
    progress("adoptions", total, total);
    Ok(written)
}

/// Writes and empties `rows`.
async fn write_adoptions(conn: &mut PgConnection, rows: &mut Vec<AdoptionRow>) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = std::mem::take(rows);
    let solution_id = |t: Target| match t {
        Target::Solution(id) => Some(id),
        Target::Model(_) => None,
    };
    let model_id = |t: Target| match t {
        Target::Model(id) => Some(id),
        Target::Solution(_) => None,
    };
    sqlx::query(ADOPTIONS_SQL)
        .bind(rows.iter().map(|r| r.id).collect::<Vec<Uuid>>())
        .bind(rows.iter().map(|r| r.org_id).collect::<Vec<Uuid>>())
        .bind(
            rows.iter()
                .map(|r| solution_id(r.target))
                .collect::<Vec<Option<Uuid>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| model_id(r.target))
                .collect::<Vec<Option<Uuid>>>(),
        )
        .bind(rows.iter().map(|r| r.status).collect::<Vec<&'static str>>())
        .bind(rows.iter().map(|r| r.since).collect::<Vec<NaiveDate>>())
        .bind(
            rows.iter()
                .map(|r| r.contact_name)
                .collect::<Vec<Option<&'static str>>>(),
        )
        .bind(
            rows.iter()
                .map(|r| r.contact_email.clone())
                .collect::<Vec<Option<String>>>(),
        )
        .bind(rows.iter().map(|r| r.note.clone()).collect::<Vec<String>>())
        .bind(
            rows.iter()
                .map(|r| ts(r.created_at))
                .collect::<Vec<DateTime<Utc>>>(),
        )
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One first revision per solution and data model (the full draft), set-based.
async fn insert_revisions(
    conn: &mut PgConnection,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> sqlx::Result<()> {
    progress("revisions", 0, 2);
    sqlx::query(SOLUTION_REVISIONS_SQL)
        .bind(REVISION_MESSAGE)
        .execute(&mut *conn)
        .await?;
    progress("revisions", 1, 2);
    sqlx::query(MODEL_REVISIONS_SQL)
        .bind(REVISION_MESSAGE)
        .execute(&mut *conn)
        .await?;
    progress("revisions", 2, 2);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Benchmark queries
// ---------------------------------------------------------------------------------------------

/// Inflected or plural forms, each with a form of the word that occurs in the vocabulary.
const INFLECTIONS: &[(&str, &str)] = &[
    ("Anträge", "Antrag"),
    ("Parkplätze", "Parkplätzen"),
    ("Friedhöfe", "friedhof"),
    ("Bäume", "baum"),
    ("Termine", "termin"),
    ("Veranstaltung", "veranstaltungen"),
    ("Hunde", "hund"),
    ("Sitzung", "Sitzungen"),
    ("Schulen", "schule"),
    ("Wahl", "wahlen"),
    ("Ladesäule", "ladesäulen"),
    ("Kitas", "kita"),
    ("Rechnungen", "rechnung"),
    ("Formular", "formulare"),
    ("Baustelle", "baustellen"),
    ("Abfälle", "abfall"),
    ("Fundsache", "fundsachen"),
    ("Spielplätze", "spielplatz"),
    ("Verein", "vereine"),
    ("Bibliotheken", "bibliothek"),
    ("Karte", "Karten"),
    ("Gebühr", "gebühren"),
    ("Meldungen", "Meldung"),
    ("Beschluss", "Beschlüssen"),
    ("Gremium", "gremien"),
    ("Kurs", "Kurse"),
    ("Haltestellen", "haltestelle"),
    ("Fahrzeugen", "fahrzeug"),
    ("Grünfläche", "grünflächen"),
    ("Sensor", "Sensoren"),
    ("Pegelstand", "Pegelstände"),
    ("Bürgern", "Bürger"),
    ("Zuschuss", "zuschüsse"),
    ("Förderprogramm", "förderprogramme"),
];

/// Parts of compound nouns that occur in the vocabulary only inside longer words.
const COMPOUND_PARTS: &[&str] = &[
    "Verwaltung",
    "Platz",
    "Parkplatz",
    "Beteiligung",
    "Kalender",
    "Kataster",
    "Vergabe",
    "Information",
    "Steuer",
    "Anmeldung",
    "Müll",
    "Melder",
    "Beleuchtung",
    "Planung",
    "Auskunft",
    "Börse",
    "Wasser",
    "Messung",
    "Zählung",
    "Säule",
    "Dienst",
    "Schein",
    "Wahl",
    "Richtwert",
    "Buchung",
    "Portal",
    "Plattform",
    "Verzeichnis",
    "Geld",
    "Konto",
    "Erfassung",
    "Monitoring",
    "Akte",
    "Gewässer",
];

/// Phrases that occur verbatim in generated texts (quoted in the queries).
const FIXED_PHRASES: &[&str] = &[
    "rund um die Uhr",
    "Bürgerinnen und Bürger",
    "digitale Akte",
    "open data",
    "smart city",
    "kleinen Kommunen",
    "künstliche Intelligenz",
    "Antrag online stellen",
    "Hund online anmelden",
    "im eigenen Rechenzentrum",
    "Karte aller Spielplätze",
    "Freie Termine je Dienstleistung",
    "Export als iCal",
    "Städten und Gemeinden",
];

fn query(label: &'static str, text: impl Into<String>) -> BenchQuery {
    BenchQuery {
        text: text.into(),
        filters: Vec::new(),
        label,
    }
}

fn filtered(text: &str, filters: &[(&'static str, &str)]) -> BenchQuery {
    BenchQuery {
        text: text.to_owned(),
        filters: filters.iter().map(|&(k, v)| (k, v.to_owned())).collect(),
        label: "filter",
    }
}

/// "e-akte" → "E-Akte", "friedhof" → "Friedhof".
fn title_word(word: &str) -> String {
    word.split('-')
        .map(upper_first)
        .collect::<Vec<String>>()
        .join("-")
}

/// Single words naming a topic (36).
fn word_queries(out: &mut Vec<BenchQuery>) {
    for topic in TOPICS.iter().take(36) {
        out.push(query("wort", title_word(topic.tags[0])));
    }
}

/// Plural and inflected forms (34).
fn inflection_queries(out: &mut Vec<BenchQuery>) {
    for &(form, _) in INFLECTIONS {
        out.push(query("flexion", form));
    }
}

/// Words with ä, ö, ü or ß typed as ae, oe, ue, ss (34): topic nouns first, then tags.
fn umlaut_queries(out: &mut Vec<BenchQuery>) {
    let nouns = TOPICS.iter().map(|t| t.noun.to_owned());
    let tags = TOPICS
        .iter()
        .flat_map(|t| t.tags.iter().map(|tag| (*tag).to_owned()));
    let mut seen = HashSet::new();
    let words: Vec<String> = nouns
        .chain(tags)
        .filter(|w| w.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü', 'ß']))
        .map(|w| transliterate(&w))
        .filter(|w| seen.insert(w.to_lowercase()))
        .take(34)
        .collect();
    for word in words {
        out.push(query("umlaut", word));
    }
}

/// Parts of compound nouns (34).
fn compound_queries(out: &mut Vec<BenchQuery>) {
    for part in COMPOUND_PARTS {
        out.push(query("kompositum", *part));
    }
}

/// One typo (missing, swapped, wrong or doubled letter) in topic nouns (34).
fn typo_queries(out: &mut Vec<BenchQuery>) {
    out.push(query("tippfehler", "Friedhfsverwaltung"));
    out.push(query("tippfehler", "Bürgerbeteilgung"));
    let mut rng = Rng::new(0x7199_F3E1);
    let candidates = TOPICS
        .iter()
        .enumerate()
        .filter(|&(i, t)| i != 0 && i != 2 && t.noun.chars().count() >= 6);
    for (n, (_, topic)) in candidates.take(32).enumerate() {
        out.push(query("tippfehler", typo(topic.noun, n % 4, &mut rng)));
    }
}

/// `word` with one typo of the given kind (0 deletion, 1 swap, 2 wrong vowel, 3 doubling);
/// the first letter is never touched. `word` has at least six characters.
fn typo(word: &str, kind: usize, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let p = 1 + rng.below(chars.len() - 2);
    match kind {
        0 => {
            chars.remove(p);
        }
        1 if chars[p] != chars[p + 1] => chars.swap(p, p + 1),
        2 => {
            let vowels: Vec<usize> = (1..chars.len())
                .filter(|&i| "aeiouäöü".contains(chars[i]))
                .collect();
            if vowels.is_empty() {
                chars.remove(p);
            } else {
                let i = vowels[rng.below(vowels.len())];
                chars[i] = match chars[i] {
                    'a' => 'e',
                    'e' => 'a',
                    'i' => 'e',
                    'o' => 'u',
                    'u' => 'o',
                    'ä' => 'a',
                    'ö' => 'o',
                    _ => 'u',
                };
            }
        }
        _ => {
            let c = chars[p];
            chars.insert(p, c);
        }
    }
    chars.into_iter().collect()
}

/// Quoted phrases (34): fixed phrases from the templates, then adjective + topic noun.
fn phrase_queries(out: &mut Vec<BenchQuery>) {
    for phrase in FIXED_PHRASES {
        out.push(query("phrase", format!("\"{phrase}\"")));
    }
    for (i, topic) in TOPICS.iter().enumerate().take(20) {
        let adjective = ADJECTIVES[i % 3][topic.gender as usize];
        out.push(query("phrase", format!("\"{adjective} {}\"", topic.noun)));
    }
}

/// Two or three words that occur together in entries of one topic (34).
fn multi_word_queries(out: &mut Vec<BenchQuery>) {
    const THIRD: [&str; 4] = ["online", "Kommunen", "Verwaltung", "Daten"];
    for (i, topic) in TOPICS.iter().enumerate().take(34) {
        let text = if i % 2 == 0 {
            format!("{} {}", topic.tags[0], topic.tags[1])
        } else {
            format!(
                "{} {} {}",
                topic.tags[0],
                topic.tags[2],
                THIRD[(i / 2) % THIRD.len()]
            )
        };
        out.push(query("mehrwort", text));
    }
}

/// Label of the queries that are meant to find nothing.
pub const NO_HITS: &str = "ohne Treffer";

/// Queries that find nothing (30): words the catalogue does not contain (also under a kind
/// filter) and misspellings beyond the typo reach. They take the longest path: exact,
/// tolerant and relaxed attempts, then the "Meinten Sie …?" lookup.
fn no_hit_queries(out: &mut Vec<BenchQuery>) {
    const ABSENT: [&str; 20] = [
        "Raumfahrt",
        "Quantencomputer",
        "Xylophon",
        "Zeppelinhafen",
        "Walfang",
        "Vulkanologie",
        "Kernfusion",
        "Tiefseebergbau",
        "Polarforschung",
        "Ballettschule",
        "Skisprungschanze",
        "Bergwerksmuseum",
        "Mondlandung",
        "Kreuzfahrtschiff",
        "Qwertzuiop",
        "Zxcvbnm",
        "Flugzeugträger",
        "Dinosaurierpark",
        "Schokoladenfabrik",
        "Uhrmacherzunft",
    ];
    for word in ABSENT {
        out.push(query(NO_HITS, word));
    }
    for text in [
        "Brgrbtlgng",
        "Frdhfsvrwltng",
        "Abflklndr",
        "Raumfahrt Walfang",
        "Xylophon Zeppelin",
    ] {
        out.push(query(NO_HITS, text));
    }
    for (word, kind) in [
        ("Raumfahrt", "solution"),
        ("Walfang", "data_model"),
        ("Kernfusion", "organisation"),
        ("Mondlandung", "solution"),
        ("Vulkanologie", "data_model"),
    ] {
        out.push(BenchQuery {
            text: word.to_owned(),
            filters: vec![("kind", kind.to_owned())],
            label: NO_HITS,
        });
    }
}

/// A word plus filters on kind, category, licence, status, organisation and Land (49).
fn filter_queries(out: &mut Vec<BenchQuery>) {
    for topic in TOPICS.iter().take(8) {
        out.push(filtered(
            &title_word(topic.tags[0]),
            &[("category", topic.categories[0])],
        ));
    }
    for (word, licence) in [
        ("Abfall", "EUPL-1.2"),
        ("Kita", "MIT"),
        ("Parken", "AGPL-3.0-or-later"),
        ("Friedhof", "GPL-3.0-or-later"),
        ("Baustellen", "Apache-2.0"),
        ("Termin", "MPL-2.0"),
    ] {
        out.push(filtered(word, &[("licence", licence)]));
    }
    for word in [
        "Sperrmüll",
        "Ratsinformationssystem",
        "Hundesteuer",
        "Geoportal",
    ] {
        out.push(filtered(word, &[("kind", "solution")]));
    }
    for topic in [0, 6, 4, 26, 23] {
        out.push(filtered(TOPICS[topic].model, &[("kind", "data_model")]));
    }
    for word in [
        "Stadt",
        "Landkreis",
        "Zweckverband",
        "Stadtwerke",
        "Gemeinde",
    ] {
        out.push(filtered(word, &[("kind", "organisation")]));
    }
    for (word, state) in [
        ("Abfall", "BY"),
        ("Kita", "NW"),
        ("Friedhof", "BW"),
        ("Bürgerbeteiligung", "SN"),
        ("Hochwasser", "RP"),
        ("Geoportal", "NI"),
    ] {
        out.push(filtered(word, &[("state", state)]));
    }
    for (word, status) in [
        ("Terminvereinbarung", "stable"),
        ("Chatbot", "concept"),
        ("Wärmeplanung", "development"),
        ("Mängelmelder", "beta"),
        ("Videokonferenz", "obsolete"),
    ] {
        out.push(filtered(word, &[("status", status)]));
    }
    for (word, provider) in [
        ("Verwaltung", 0),
        ("online", 1),
        ("Daten", 2),
        ("Kommunen", 3),
    ] {
        let org = slugify(LARGE_PROVIDERS[provider].0);
        out.push(filtered(word, &[("org", org.as_str())]));
    }
    for (word, state) in [("Abfall", "BY"), ("Schule", "NW")] {
        let org = slugify(STATES[state_index(state)].land);
        out.push(filtered(word, &[("org", org.as_str())]));
    }
    out.push(filtered(
        "Abfall",
        &[
            ("kind", "solution"),
            ("state", "BY"),
            ("licence", "EUPL-1.2"),
        ],
    ));
    out.push(filtered(
        "Parken",
        &[("category", "mobile-payment"), ("status", "stable")],
    ));
    out.push(filtered(
        "Stadt",
        &[("kind", "organisation"), ("state", "HE")],
    ));
    out.push(filtered("Baum", &[("kind", "data_model"), ("state", "BW")]));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `generate` would write, built in memory.
    struct Generated {
        world: World,
        models: Vec<ModelRow>,
        model_metas: Vec<ModelMeta>,
        solutions: Vec<SolutionRow>,
        solution_metas: Vec<SolutionMeta>,
        links: Vec<Link>,
        adoptions: Vec<AdoptionRow>,
    }

    fn generate_in_memory(
        seed: u64,
        organisations: usize,
        data_models: usize,
        solutions: usize,
    ) -> Generated {
        let mut root = Rng::new(seed);
        let mut org_rng = root.split();
        let mut model_rng = root.split();
        let mut solution_rng = root.split();
        let mut adoption_rng = root.split();
        let world = World::new(build_organisations(&mut org_rng, organisations));

        let mut slugs = SlugRegistry::default();
        let (mut models, mut model_metas) = (Vec::new(), Vec::new());
        for created in creation_times(&mut model_rng, data_models) {
            let (row, meta) =
                build_model(&mut model_rng, &world, &mut slugs, created, &model_metas);
            models.push(row);
            model_metas.push(meta);
        }

        let index = ModelIndex::new(&model_metas);
        let mut slugs = SlugRegistry::default();
        let (mut rows, mut solution_metas, mut links) = (Vec::new(), Vec::new(), Vec::new());
        for created in creation_times(&mut solution_rng, solutions) {
            let (row, meta) = build_solution(
                &mut solution_rng,
                &world,
                &mut slugs,
                created,
                &solution_metas,
            );
            links.extend(index.link(&mut solution_rng, meta.id, meta.topic as usize));
            rows.push(row);
            solution_metas.push(meta);
        }

        let mut adoptions = Vec::new();
        for s in &solution_metas {
            let target = Target::Solution(s.id);
            build_adoptions(
                &mut adoption_rng,
                &world,
                s.org as usize,
                s.created,
                target,
                SOLUTION_ADOPTIONS,
                &mut adoptions,
            );
        }
        for m in &model_metas {
            let target = Target::Model(m.id);
            build_adoptions(
                &mut adoption_rng,
                &world,
                m.org as usize,
                m.created,
                target,
                MODEL_ADOPTIONS,
                &mut adoptions,
            );
        }
        Generated {
            world,
            models,
            model_metas,
            solutions: rows,
            solution_metas,
            links,
            adoptions,
        }
    }

    /// The `slug` domain: 2–80 characters, groups of [a-z0-9] separated by single hyphens.
    fn is_slug(s: &str) -> bool {
        (2..=80).contains(&s.len())
            && s.split('-').all(|g| {
                !g.is_empty()
                    && g.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    }

    /// The `web_url` domain, roughly.
    fn is_web_url(s: &str) -> bool {
        s.len() <= 500
            && (s.starts_with("https://") || s.starts_with("http://"))
            && !s.contains(char::is_whitespace)
    }

    fn is_email(s: &str) -> bool {
        let parts: Vec<&str> = s.split('@').collect();
        s.len() <= 254
            && parts.len() == 2
            && !parts[0].is_empty()
            && parts[1].contains('.')
            && !s.contains(char::is_whitespace)
    }

    fn is_semver(v: &str) -> bool {
        let core = v.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        v.len() <= 50
            && parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars().all(|c| c.is_ascii_digit())
                    && (*p == "0" || !p.starts_with('0'))
            })
    }

    fn is_licence(l: &str) -> bool {
        (2..=200).contains(&l.len())
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+:() -".contains(c))
    }

    fn chars(s: &str) -> usize {
        s.trim().chars().count()
    }

    #[test]
    fn slugs_are_transliterated_and_unique() {
        assert_eq!(slugify("Stadt Köln"), "stadt-koeln");
        assert_eq!(
            slugify("Open Data Lindenhausen e. V."),
            "open-data-lindenhausen-e-v"
        );
        assert_eq!(
            slugify("Straßenbeleuchtung: Störung melden!"),
            "strassenbeleuchtung-stoerung-melden"
        );
        assert_eq!(slugify("–"), "eintrag");
        assert_eq!(slugify("x"), "eintrag-x");
        assert!(is_slug(&slugify(&"Sehr langer Name ".repeat(20))));
        let mut registry = SlugRegistry::default();
        assert_eq!(registry.unique("Abfall-App"), "abfall-app");
        assert_eq!(registry.unique("Abfall App"), "abfall-app-2");
        assert_eq!(registry.unique("Abfall-App 2"), "abfall-app-2-2");
        assert_eq!(registry.unique("abfall app"), "abfall-app-3");
    }

    #[test]
    fn topics_use_allowed_values() {
        const DOMAINS: [&str; 13] = [
            "mobilitaet",
            "umwelt",
            "energie",
            "verwaltung",
            "soziales",
            "bildung",
            "gesundheit",
            "bauen_wohnen",
            "geodaten",
            "finanzen",
            "kultur_freizeit",
            "sicherheit_ordnung",
            "wirtschaft",
        ];
        for t in TOPICS {
            assert!(
                !t.categories.is_empty() && t.categories.len() <= 3,
                "{}",
                t.noun
            );
            for c in t.categories {
                assert!(ALLOWED_CATEGORIES.contains(c), "{}: category {c}", t.noun);
            }
            assert!(DOMAINS.contains(&t.domain), "{}", t.noun);
            assert!(t.tags.len() >= 4 && !t.tags[0].contains(' '), "{}", t.noun);
            assert!(
                t.tags
                    .iter()
                    .all(|tag| (1..=40).contains(&chars(tag)) && *tag == tag.to_lowercase())
            );
            assert!(
                t.features.len() >= 2 && t.features.iter().all(|f| (1..=200).contains(&chars(f)))
            );
            assert!(t.fields.len() >= 2);
        }
        assert!(
            SOLUTION_LICENCES
                .iter()
                .chain(MODEL_LICENCES)
                .all(|(l, _)| is_licence(l))
        );
    }

    #[test]
    fn organisations_respect_constraints() {
        let mut rng = Rng::new(7);
        let orgs = build_organisations(&mut rng, 3_000);
        assert_eq!(orgs.len(), 3_000);
        let kinds = [
            "gemeinde",
            "stadt",
            "landkreis",
            "land",
            "bund",
            "zweckverband",
            "stadtwerk",
            "it_dienstleister",
            "verein",
        ];
        let sizes = [
            "unter_5000",
            "5000_bis_20000",
            "20000_bis_100000",
            "100000_bis_500000",
            "ueber_500000",
        ];
        let mut slugs = HashSet::new();
        let mut ags_seen = HashSet::new();
        for org in &orgs {
            assert!(kinds.contains(&org.kind));
            assert!(is_slug(&org.slug), "{}", org.slug);
            assert!(
                slugs.insert(org.slug.clone()),
                "duplicate slug {}",
                org.slug
            );
            assert!((2..=200).contains(&chars(&org.name)));
            assert!(org.description.chars().count() <= 2000);
            assert_eq!(org.state.is_none(), org.kind == "bund");
            if let Some(ags) = &org.ags {
                assert!(
                    ags.len() == 8 && ags.chars().all(|c| c.is_ascii_digit()),
                    "{ags}"
                );
                assert_eq!(
                    &ags[..2],
                    STATES[org.state.expect("territorial bodies have a Land")].ags
                );
                assert!(ags_seen.insert(ags.clone()), "duplicate AGS {ags}");
            }
            assert!(org.size_class.is_none_or(|s| sizes.contains(&s)));
            assert!(org.website.as_deref().is_none_or(is_web_url));
            assert!(org.email.as_deref().is_none_or(is_email));
        }
        assert!(orgs[..16].iter().all(|o| o.kind == "land"));
        assert_eq!(orgs[8].slug, "freistaat-bayern");
        assert_eq!(orgs[22].slug, "kommunale-datenzentrale-nord");
        let municipalities = orgs
            .iter()
            .filter(|o| o.kind == "gemeinde" || o.kind == "stadt")
            .count();
        assert!(municipalities > 2_000);
    }

    #[test]
    fn entries_respect_constraints() {
        let g = generate_in_memory(42, 400, 600, 4_000);
        let statuses = ["concept", "development", "beta", "stable", "obsolete"];
        let platforms = ["web", "windows", "mac", "linux", "ios", "android"];
        let org_of: HashMap<Uuid, usize> = g
            .world
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();

        let mut slugs = HashSet::new();
        let mut earlier: HashMap<Uuid, Uuid> = HashMap::new();
        let mut forks = 0;
        for s in &g.solutions {
            assert!(
                is_slug(&s.slug) && slugs.insert(s.slug.clone()),
                "{}",
                s.slug
            );
            assert!((2..=100).contains(&chars(&s.name)), "{}", s.name);
            assert!(
                (10..=150).contains(&chars(&s.short_description)),
                "{}",
                s.short_description
            );
            assert!(
                s.short_description_en
                    .as_deref()
                    .is_none_or(|e| e.chars().count() <= 150)
            );
            assert!(
                s.long_description.chars().count() <= 20_000
                    && s.long_description.contains("## Funktionen")
            );
            assert!(
                is_web_url(&s.repository_url) && s.landing_url.as_deref().is_none_or(is_web_url)
            );
            assert!(is_licence(s.licence));
            assert!(statuses.contains(&s.development_status));
            assert!(
                SOFTWARE_TYPES
                    .iter()
                    .any(|((t, _, _), _)| *t == s.software_type)
            );
            assert!((1..=3).contains(&s.categories.len()));
            assert!(s.categories.iter().all(|c| ALLOWED_CATEGORIES.contains(c)));
            assert_eq!(
                s.categories.iter().collect::<HashSet<_>>().len(),
                s.categories.len()
            );
            assert!(s.platforms.iter().all(|p| platforms.contains(p)));
            let contractors: Value = serde_json::from_str(&s.contractors).unwrap();
            let contacts: Value = serde_json::from_str(&s.contacts).unwrap();
            assert!(contacts.is_array());
            assert_eq!(
                s.maintenance_type == "contract",
                !contractors.as_array().unwrap().is_empty()
            );
            assert!(
                s.version
                    .as_deref()
                    .is_none_or(|v| (1..=50).contains(&v.len()))
            );
            assert!(s.tags.len() <= 20 && s.tags.iter().all(|t| (1..=40).contains(&chars(t))));
            assert!(
                s.features.len() <= 30 && s.features.iter().all(|f| (1..=200).contains(&chars(f)))
            );
            assert!(s.created_at <= s.updated_at && s.updated_at < END);
            if let Some(origin) = s.forked_from {
                forks += 1;
                let origin_org = earlier
                    .get(&origin)
                    .expect("forks point at an earlier solution");
                assert_ne!(
                    *origin_org, s.org_id,
                    "a fork belongs to another organisation"
                );
            }
            assert!(
                !s.tags.iter().any(|t| t.contains(SEP))
                    && !s.features.iter().any(|f| f.contains(SEP))
            );
            earlier.insert(s.id, s.org_id);
        }
        let share = forks as f64 / g.solutions.len() as f64;
        assert!((0.02..0.09).contains(&share), "fork share {share}");

        let mut model_slugs = HashSet::new();
        let mut model_ids = HashSet::new();
        for m in &g.models {
            assert!(
                is_slug(&m.slug) && model_slugs.insert(m.slug.clone()),
                "{}",
                m.slug
            );
            assert!((2..=100).contains(&chars(&m.name)));
            assert!(
                (10..=150).contains(&chars(&m.short_description)),
                "{}",
                m.short_description
            );
            assert!(m.description.chars().count() <= 20_000);
            assert!(is_semver(&m.version), "{}", m.version);
            assert!(is_licence(m.licence));
            let schema: Value = serde_json::from_str(&m.json_schema).unwrap();
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert_eq!(schema["type"], "object");
            let examples: Value = serde_json::from_str(&m.examples).unwrap();
            let example = &examples.as_array().unwrap()[0];
            for key in schema["required"].as_array().unwrap() {
                assert!(example.get(key.as_str().unwrap()).is_some());
            }
            for key in example.as_object().unwrap().keys() {
                assert!(schema["properties"].get(key).is_some(), "{key} is declared");
            }
            if let Some(origin) = m.forked_from {
                assert!(
                    model_ids.contains(&origin),
                    "forks point at an earlier data model"
                );
            }
            model_ids.insert(m.id);
            assert!(m.created_at <= m.updated_at);
        }

        assert!(
            g.links
                .iter()
                .all(|(_, model, _)| model_ids.contains(model))
        );
        assert!(!g.links.is_empty());

        let owners: HashMap<Uuid, Uuid> = g
            .solution_metas
            .iter()
            .map(|s| (s.id, g.world.orgs[s.org as usize].id))
            .chain(
                g.model_metas
                    .iter()
                    .map(|m| (m.id, g.world.orgs[m.org as usize].id)),
            )
            .collect();
        let mut pairs = HashSet::new();
        let mut on_solutions = 0;
        for a in &g.adoptions {
            let entry = match a.target {
                Target::Solution(id) => {
                    on_solutions += 1;
                    id
                }
                Target::Model(id) => id,
            };
            assert!(org_of.contains_key(&a.org_id));
            assert_ne!(
                owners[&entry], a.org_id,
                "owners do not adopt their own entries"
            );
            assert!(
                pairs.insert((a.org_id, entry)),
                "one adoption per organisation and entry"
            );
            assert!(a.note.chars().count() <= 1000);
            assert!(a.contact_email.as_deref().is_none_or(is_email));
        }
        let mean = on_solutions as f64 / g.solutions.len() as f64;
        assert!((1.2..1.8).contains(&mean), "adoptions per solution {mean}");
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate_in_memory(5, 120, 80, 500);
        let b = generate_in_memory(5, 120, 80, 500);
        let c = generate_in_memory(6, 120, 80, 500);
        let key = |g: &Generated| -> Vec<(Uuid, String, String)> {
            g.solutions
                .iter()
                .map(|s| (s.id, s.slug.clone(), s.long_description.clone()))
                .collect()
        };
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert_eq!(a.adoptions.len(), b.adoptions.len());
        assert_eq!(
            a.models.iter().map(|m| &m.json_schema).collect::<Vec<_>>(),
            b.models.iter().map(|m| &m.json_schema).collect::<Vec<_>>()
        );
    }

    #[test]
    fn tiny_scales_work() {
        let g = generate_in_memory(1, 1, 3, 10);
        assert!(g.solutions.iter().all(|s| s.forked_from.is_none()));
        assert!(g.adoptions.is_empty());
        let g = generate_in_memory(1, 2, 0, 50);
        assert_eq!(g.solutions.len(), 50);
        assert!(g.links.is_empty());
    }

    #[test]
    fn query_mix_is_valid_and_stable() {
        let mix = query_mix();
        assert!(mix.len() >= 240, "{}", mix.len());
        assert_eq!(mix, query_mix());
        for label in [
            "wort",
            "flexion",
            "umlaut",
            "kompositum",
            "tippfehler",
            "phrase",
            "mehrwort",
            "filter",
            NO_HITS,
        ] {
            let n = mix.iter().filter(|q| q.label == label).count();
            assert!(n >= 30, "{label}: {n}");
        }
        let fixed_slugs: HashSet<String> = fixed_organisations()
            .iter()
            .map(|o| slugify(&o.name))
            .collect();
        for q in &mix {
            assert!(!q.text.trim().is_empty());
            assert_eq!(
                q.label == "filter",
                !q.filters.is_empty() && q.label != NO_HITS
            );
            for (key, value) in &q.filters {
                let ok = match *key {
                    "kind" => ["solution", "data_model", "organisation"].contains(&value.as_str()),
                    "category" => ALLOWED_CATEGORIES.contains(&value.as_str()),
                    "licence" => SOLUTION_LICENCES.iter().any(|(l, _)| l == value),
                    "status" => STATUSES.iter().any(|(s, _)| s == value),
                    "org" => fixed_slugs.contains(value),
                    "state" => STATES.iter().any(|s| s.code == value),
                    _ => false,
                };
                assert!(ok, "{key}={value}");
            }
        }
        let umlauts: Vec<&BenchQuery> = mix.iter().filter(|q| q.label == "umlaut").collect();
        assert!(umlauts.iter().all(|q| q.text.is_ascii()));
        assert!(mix.iter().any(|q| q.text == "Buergerbeteiligung"));
        let typos: Vec<&str> = mix
            .iter()
            .filter(|q| q.label == "tippfehler")
            .map(|q| q.text.as_str())
            .collect();
        assert!(
            typos
                .iter()
                .all(|t| !TOPICS.iter().any(|topic| topic.noun == *t))
        );
    }

    fn vocabulary() -> String {
        let mut parts: Vec<&str> = Vec::new();
        for t in TOPICS {
            parts.extend([t.noun, t.stem, t.what, t.model]);
            parts.extend(t.tags);
            parts.extend(t.features);
            parts.extend(t.fields.iter().map(|f| f.doc));
        }
        for list in [
            OPERATION_SENTENCES,
            AUDIENCES_DATIVE,
            DATA_CENTRES,
            GENERIC_TAGS,
            GENERIC_FEATURES,
            ADOPTION_NOTES,
            ORG_SENTENCES,
            MODEL_PURPOSES,
            MODEL_NOTES,
        ] {
            parts.extend(list);
        }
        parts.join("\n").to_lowercase()
    }

    #[test]
    fn queries_are_built_from_the_vocabulary() {
        let text = vocabulary();
        let words: HashSet<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for (form, evidence) in INFLECTIONS {
            assert!(
                words.contains(evidence.to_lowercase().as_str()),
                "{form}: {evidence} does not occur"
            );
        }
        for part in COMPOUND_PARTS {
            let part = part.to_lowercase();
            assert!(
                words
                    .iter()
                    .any(|w| w.len() > part.len() && w.contains(&part)),
                "{part} is not part of a compound"
            );
        }
        for phrase in FIXED_PHRASES {
            assert!(
                text.contains(&phrase.to_lowercase()),
                "{phrase} does not occur"
            );
        }
        for topic in TOPICS.iter().take(36) {
            assert!(words.contains(topic.tags[0]) || topic.tags[0].contains('-'));
        }
    }
}
