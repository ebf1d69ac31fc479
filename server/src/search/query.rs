//! Running a search: parsing the query text leniently, building the tantivy query with
//! field boosts and typo tolerance, counting facets, building snippets, and "Meinten Sie …?".

use std::collections::{BTreeMap, HashMap};

use app::model::{FacetValue, OrgRef, SearchFacets, SearchHit, SearchKind, SearchResults, Snippet};
use app::query::{SearchQuery, SearchSort};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument};
use tantivy_fst::Automaton;

use super::SearchError;
use super::analysis::{
    drops_e_after, english_term, fold, folded_letter, is_stop_word, phrase_pairs, query_parts,
    query_term, words,
};
use super::facets::{FacetCounts, FacetFilters, FacetTable, ValueFilter};
use super::parallel::SegmentPool;
use super::schema::Fields;

/// Most words of a query that are used.
const MAX_WORDS: usize = 12;
/// Values shown per facet (selected values are always shown).
const FACET_VALUES: usize = 30;
/// Length of a snippet in characters.
const SNIPPET_CHARS: usize = 180;

/// Field boosts: name > short description > features/tags > long description > organisation.
const BOOST_NAME: f32 = 6.0;
const BOOST_SHORT: f32 = 3.0;
const BOOST_TAGS: f32 = 2.0;
const BOOST_LONG: f32 = 1.0;
const BOOST_ORG: f32 = 0.8;
const BOOST_ENGLISH: f32 = 1.5;
/// Typo and prefix matches count less than exact ones.
const BOOST_FUZZY: f32 = 0.6;
const BOOST_PREFIX: f32 = 0.5;
const BOOST_FUZZY_NAME: f32 = 2.0;
const BOOST_PARTS: f32 = 0.5;
const BOOST_PHRASE: f32 = 4.0;

/// The query text, read leniently: `"…"` is a phrase (an unclosed quote runs to the end),
/// `-word` excludes, everything else is a word. Nothing is a syntax error.
#[derive(Debug, Default, PartialEq)]
pub struct ParsedText {
    pub words: Vec<String>,
    pub phrases: Vec<Vec<String>>,
    pub excluded: Vec<String>,
}

/// Reads the query text.
pub fn parse_text(text: &str) -> ParsedText {
    let mut parsed = ParsedText::default();
    for (i, part) in text.split('"').enumerate() {
        let in_quotes = i % 2 == 1;
        if in_quotes {
            let phrase: Vec<String> = words(part).map(|(a, b)| part[a..b].to_owned()).collect();
            match phrase.len() {
                0 => {}
                1 => parsed.words.extend(phrase),
                _ => parsed.phrases.push(phrase),
            }
            continue;
        }
        for token in part.split_whitespace() {
            let excluded = token.starts_with('-') && token.len() > 1;
            for (a, b) in words(token) {
                let word = token[a..b].to_owned();
                if excluded {
                    parsed.excluded.push(word)
                } else {
                    parsed.words.push(word)
                }
            }
        }
    }
    parsed.words.truncate(MAX_WORDS);
    parsed.phrases.truncate(3);
    parsed.excluded.truncate(MAX_WORDS);
    parsed
}

/// How many edits a word of this many characters may contain: none below five, one from
/// five, two from nine.
pub fn allowed_edits(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

fn boosted(query: impl Query + 'static, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(query), boost))
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    boosted(
        TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ),
        boost,
    )
}

/// How far a query reaches beyond exact (stemmed, folded, compound-split) matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Exact terms only: cheap, and enough for most queries.
    Exact,
    /// Also typos and compound heads (prefixes), for queries that found (almost) nothing.
    Tolerant,
}

/// Fewer exact hits than this make the search tolerant of typos and prefixes.
const TOLERANT_BELOW: usize = 3;

/// The query for one word over all text fields; `None` for stop words.
fn word_query(f: &Fields, word: &str, reach: Reach) -> Option<Box<dyn Query>> {
    let term = query_term(word)?;
    let folded_len = fold(&word.to_lowercase()).chars().count();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Should, term_query(f.name, &term, BOOST_NAME)),
        (Occur::Should, term_query(f.short, &term, BOOST_SHORT)),
        (Occur::Should, term_query(f.tags, &term, BOOST_TAGS)),
        (Occur::Should, term_query(f.long, &term, BOOST_LONG)),
        (Occur::Should, term_query(f.org_name, &term, BOOST_ORG)),
        (
            Occur::Should,
            term_query(f.english, &english_term(word), BOOST_ENGLISH),
        ),
    ];
    let folded = fold(&word.to_lowercase());
    let edits = if reach == Reach::Tolerant {
        allowed_edits(folded_len)
    } else {
        0
    };
    if edits > 0 {
        // Typos are measured on the folded, unstemmed word: stemming a misspelt word can
        // move it further from the right one.
        let in_name =
            FuzzyTermQuery::new(Term::from_field_text(f.name_words, &folded), edits, true);
        clauses.push((Occur::Should, boosted(in_name, BOOST_FUZZY_NAME)));
        let anywhere = FuzzyTermQuery::new(Term::from_field_text(f.folded, &folded), edits, true);
        clauses.push((Occur::Should, boosted(anywhere, BOOST_FUZZY)));
    }
    if folded_len >= 4 && reach == Reach::Tolerant {
        // The head of a compound that is missing from the word list ("Parkplatz…").
        let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(f.folded, &folded), 0, false);
        clauses.push((Occur::Should, boosted(prefix, BOOST_PREFIX)));
    }
    let parts = query_parts(word);
    if parts.len() >= 2 {
        // A compound the catalogue writes differently: entries with all its parts.
        let all_parts: Vec<Box<dyn Query>> = parts
            .iter()
            .map(|part| {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.all, part),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        clauses.push((
            Occur::Should,
            boosted(BooleanQuery::intersection(all_parts), BOOST_PARTS),
        ));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A phrase in one field with word positions (name, short description), for ranking. Stop
/// words keep their place but are not looked up: "rund um die Uhr" matches "rund … … Uhr".
fn phrase_query(field: Field, phrase: &[String], boost: f32) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = phrase
        .iter()
        .enumerate()
        .filter_map(|(offset, word)| {
            Some((offset, Term::from_field_text(field, &query_term(word)?)))
        })
        .collect();
    (terms.len() >= 2).then(|| boosted(PhraseQuery::new_with_offset(terms), boost))
}

/// A phrase anywhere in the text, as pairs of neighbouring words: two words are one term of
/// the `pairs` field, more are a phrase of their pairs. `None` for fewer than two words.
fn pairs_query(f: &Fields, phrase: &[String]) -> Option<Box<dyn Query>> {
    let pairs = phrase_pairs(phrase);
    match pairs.as_slice() {
        [] => None,
        [pair] => Some(term_query(f.pairs, pair, BOOST_PHRASE)),
        _ => {
            let terms = pairs
                .iter()
                .map(|pair| Term::from_field_text(f.pairs, pair))
                .collect();
            Some(boosted(PhraseQuery::new(terms), BOOST_PHRASE))
        }
    }
}

/// The text part of the query; `None` when the text has no usable words (then every entry
/// matches). Every word must match, or with `relaxed` at least half of them.
fn text_query(
    f: &Fields,
    parsed: &ParsedText,
    reach: Reach,
    relaxed: bool,
) -> Option<Box<dyn Query>> {
    let word_queries: Vec<Box<dyn Query>> = parsed
        .words
        .iter()
        .filter_map(|w| word_query(f, w, reach))
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for phrase in &parsed.phrases {
        match pairs_query(f, phrase) {
            Some(query) => {
                clauses.push((Occur::Must, query));
                // Ranking among matches: the phrase in the name or short description counts
                // most (cheaper than scoring each word in every field).
                for (field, boost) in [(f.name, BOOST_NAME), (f.short, BOOST_SHORT)] {
                    clauses.extend(phrase_query(field, phrase, boost).map(|q| (Occur::Should, q)));
                }
            }
            // Fewer than two words: search the words.
            None => clauses.extend(
                phrase
                    .iter()
                    .filter_map(|w| word_query(f, w, reach))
                    .map(|q| (Occur::Must, q)),
            ),
        }
    }
    let n = word_queries.len();
    if relaxed && n > 0 {
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::union_with_minimum_required_clauses(
                word_queries,
                n.div_ceil(2),
            )),
        ));
    } else {
        clauses.extend(word_queries.into_iter().map(|q| (Occur::Must, q)));
    }
    if clauses.iter().all(|(occur, _)| *occur != Occur::Must) {
        if parsed.excluded.is_empty() {
            return None;
        }
        // Only exclusions: everything except them.
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for word in &parsed.excluded {
        if let Some(term) = query_term(word) {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.all, &term),
                    IndexRecordOption::Basic,
                )),
            ));
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The facets, each with its index field and the query's selected values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FacetName {
    Kind,
    Category,
    Licence,
    Status,
    Org,
    State,
    Domain,
}

impl FacetName {
    const ALL: [FacetName; 7] = [
        FacetName::Kind,
        FacetName::Category,
        FacetName::Licence,
        FacetName::Status,
        FacetName::Org,
        FacetName::State,
        FacetName::Domain,
    ];

    /// The facet's name in `facet:value` index values.
    fn name(self) -> &'static str {
        match self {
            FacetName::Kind => "kind",
            FacetName::Category => "category",
            FacetName::Licence => "licence",
            FacetName::Status => "status",
            FacetName::Org => "org",
            FacetName::State => "state",
            FacetName::Domain => "domain",
        }
    }

    fn selected(self, q: &SearchQuery) -> Vec<String> {
        match self {
            FacetName::Kind => q.kinds.iter().map(|v| v.as_str().to_owned()).collect(),
            FacetName::Category => q.categories.clone(),
            FacetName::Licence => q.licences.clone(),
            FacetName::Status => q.statuses.iter().map(|v| v.as_str().to_owned()).collect(),
            FacetName::Org => q.orgs.clone(),
            FacetName::State => q.states.iter().map(|v| v.as_str().to_owned()).collect(),
            FacetName::Domain => q.domains.iter().map(|v| v.as_str().to_owned()).collect(),
        }
    }
}

/// Separator between an organisation's slug and name in its facet value.
pub const ORG_FACET_SEPARATOR: char = '\u{1f}';

fn text_or_all(text: &Option<Box<dyn Query>>) -> Box<dyn Query> {
    text.as_ref()
        .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone())
}

/// A facet filter as the collector checks it against the stored `facet:value` values.
fn value_filter(facet: FacetName, values: &[String]) -> ValueFilter {
    let by_prefix = facet == FacetName::Org;
    let accepted = values
        .iter()
        .map(|value| match by_prefix {
            true => format!("{}:{value}{ORG_FACET_SEPARATOR}", facet.name()),
            false => format!("{}:{value}", facet.name()),
        })
        .collect();
    ValueFilter {
        facet: format!("{}:", facet.name()),
        accepted,
        by_prefix,
    }
}

/// One page of hits with scores (0 for non-relevance orders), total and facet counts.
struct Collected {
    top: Vec<(f32, DocAddress)>,
    total: usize,
    facets: FacetCounts,
}

fn collect_with<C, K>(
    pool: &SegmentPool,
    searcher: &Searcher,
    query: &dyn Query,
    top: C,
    score_of: impl Fn(&K) -> f32,
    filters: &FacetFilters,
) -> tantivy::Result<Collected>
where
    C: Collector<Fruit = Vec<(K, DocAddress)>> + 'static,
{
    let ((hits, total), facets) = pool.search(searcher, query, filters.collector((top, Count)))?;
    Ok(Collected {
        top: hits.iter().map(|(k, a)| (score_of(k), *a)).collect(),
        total,
        facets,
    })
}

fn collect(
    pool: &SegmentPool,
    searcher: &Searcher,
    query: &dyn Query,
    sort: SearchSort,
    limit: usize,
    offset: usize,
    filters: &FacetFilters,
) -> tantivy::Result<Collected> {
    let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
    match sort {
        SearchSort::Relevance => collect_with(
            pool,
            searcher,
            query,
            top.order_by_score(),
            |s: &f32| *s,
            filters,
        ),
        SearchSort::Newest => collect_with(
            pool,
            searcher,
            query,
            top.order_by_fast_field::<i64>("created", Order::Desc),
            |_| 0.0,
            filters,
        ),
        SearchSort::Reused => collect_with(
            pool,
            searcher,
            query,
            top.order_by_fast_field::<u64>("reuse", Order::Desc),
            |_| 0.0,
            filters,
        ),
    }
}

/// Runs the query.
pub fn run(
    pool: &SegmentPool,
    searcher: &Searcher,
    index: &Index,
    f: &Fields,
    table: &FacetTable,
    q: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let q = &q.clone().within_limits();
    let (page, per_page) = (q.page, q.per_page);
    let offset = (page as usize - 1) * per_page as usize;
    let parsed = parse_text(&q.text);
    let selected: Vec<ValueFilter> = FacetName::ALL
        .iter()
        .map(|facet| (*facet, facet.selected(q)))
        .filter(|(_, values)| !values.is_empty())
        .map(|(facet, values)| value_filter(facet, &values))
        .collect();
    let filters = FacetFilters::new(searcher, table, &selected)?;

    // Exact terms first; typos and prefixes only when that finds (almost) nothing; then,
    // if still nothing, entries matching most of the words.
    let attempts = [
        (Reach::Exact, false),
        (Reach::Tolerant, false),
        (Reach::Tolerant, true),
    ];
    let mut collected = None;
    for (i, (reach, relaxed)) in attempts.into_iter().enumerate() {
        if relaxed && parsed.words.len() < 2 {
            break;
        }
        let candidate = text_query(f, &parsed, reach, relaxed);
        // Filters are checked while collecting (see `FilteredSearch`): reading the hits of
        // the text is needed for the facet counts anyway, and the text is nearly always far
        // more selective than filters such as "solutions" or "Bayern".
        let found = collect(
            pool,
            searcher,
            &*text_or_all(&candidate),
            q.sort,
            per_page as usize,
            offset,
            &filters,
        )?;
        let enough = match i {
            0 => found.total >= TOLERANT_BELOW || candidate.is_none(),
            _ => found.total > 0,
        };
        let keep = collected
            .as_ref()
            .is_none_or(|c: &Collected| found.total >= c.total);
        if keep {
            collected = Some(found);
        }
        if enough {
            break;
        }
    }
    let collected = collected.expect("the first attempt always runs");
    let snippets = SnippetMaker::new(index, f, &parsed)?;
    let hits = collected
        .top
        .iter()
        .map(|(score, address)| hit(searcher, f, &snippets, *score, *address))
        .collect::<Result<Vec<_>, SearchError>>()?;
    let did_you_mean = if collected.total == 0 && !parsed.words.is_empty() {
        did_you_mean(pool, searcher, f, &filters, &parsed)?
    } else {
        None
    };
    Ok(SearchResults {
        total: collected.total as u64,
        page,
        per_page,
        hits,
        facets: facets_of(&collected.facets, q),
        did_you_mean,
    })
}

fn facets_of(counts: &FacetCounts, q: &SearchQuery) -> SearchFacets {
    let mut out = SearchFacets::default();
    for facet in FacetName::ALL {
        let selected = facet.selected(q);
        let prefix = format!("{}:", facet.name());
        // A stored value as (value, name): organisations are stored as `slug<separator>name`.
        let parts_of = |stored: &str| -> (String, Option<String>) {
            match (facet, stored.split_once(ORG_FACET_SEPARATOR)) {
                (FacetName::Org, Some((slug, name))) => (slug.to_owned(), Some(name.to_owned())),
                _ => (stored.to_owned(), None),
            }
        };
        let is_selected = |stored: &str| -> bool {
            if selected.is_empty() {
                // The common case, and the organisation facet can have thousands of values.
                return false;
            }
            let value = stored
                .split_once(ORG_FACET_SEPARATOR)
                .map_or(stored, |(slug, _)| slug);
            selected.iter().any(|s| s == value)
        };
        // Most frequent first, then alphabetical; only the first few become values (there
        // can be thousands), plus the selected ones.
        type Counted<'c> = (&'c str, u64, usize);
        let order = |a: &Counted<'_>, b: &Counted<'_>| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2));
        let mut counted: Vec<Counted<'_>> = counts.facet(&prefix).collect();
        let mut chosen: Vec<Counted<'_>> = counted
            .iter()
            .filter(|(stored, _, _)| is_selected(stored))
            .copied()
            .collect();
        if counted.len() > FACET_VALUES {
            counted.select_nth_unstable_by(FACET_VALUES - 1, order);
            counted.truncate(FACET_VALUES);
        }
        for entry in counted {
            if !chosen.iter().any(|c| c.2 == entry.2) {
                chosen.push(entry);
            }
        }
        chosen.sort_by(order);
        let mut shown: Vec<FacetValue> = chosen
            .into_iter()
            .map(|(stored, count, _)| {
                let (value, name) = parts_of(stored);
                let selected = selected.contains(&value);
                FacetValue {
                    value,
                    name,
                    count,
                    selected,
                }
            })
            .collect();
        // A selected value without hits still shows, so it can be unchecked.
        for value in selected {
            if !shown.iter().any(|v| v.value == value) {
                shown.push(FacetValue {
                    value,
                    name: None,
                    count: 0,
                    selected: true,
                });
            }
        }
        let target = match facet {
            FacetName::Kind => &mut out.kind,
            FacetName::Category => &mut out.category,
            FacetName::Licence => &mut out.licence,
            FacetName::Status => &mut out.status,
            FacetName::Org => &mut out.org,
            FacetName::State => &mut out.state,
            FacetName::Domain => &mut out.domain,
        };
        *target = shown;
    }
    out
}

/// Builds snippets of the long description with the query's words marked.
struct SnippetMaker {
    generator: Option<SnippetGenerator>,
}

impl SnippetMaker {
    fn new(index: &Index, f: &Fields, parsed: &ParsedText) -> Result<Self, SearchError> {
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for word in parsed.words.iter().chain(parsed.phrases.iter().flatten()) {
            if let Some(term) = query_term(word) {
                terms.insert(term, 1.0);
            }
        }
        if terms.is_empty() {
            return Ok(SnippetMaker { generator: None });
        }
        let analyzer = index.tokenizer_for_field(f.long)?;
        Ok(SnippetMaker {
            generator: Some(SnippetGenerator::new(
                terms,
                analyzer,
                f.long,
                SNIPPET_CHARS,
            )),
        })
    }

    fn snippet(&self, text: &str) -> Snippet {
        let Some(generator) = &self.generator else {
            return Snippet::default();
        };
        let full_len = text.len();
        let snippet = generator.snippet(text);
        if snippet.highlighted().is_empty() {
            return Snippet::default();
        }
        let fragment = snippet.fragment();
        let char_at = |byte: usize| fragment[..byte].chars().count() as u32;
        let mut text = fragment.to_owned();
        let mut highlights: Vec<[u32; 2]> = snippet
            .highlighted()
            .iter()
            .map(|range| [char_at(range.start), char_at(range.end)])
            .collect();
        // Mark that the passage is cut out of a longer text.
        let range = snippet.fragment_range();
        if range.start > 0 {
            text.insert(0, '…');
            highlights.iter_mut().for_each(|[a, b]| {
                *a += 1;
                *b += 1;
            });
        }
        if range.end < full_len && !text.ends_with('.') {
            text.push('…');
        }
        Snippet { text, highlights }
    }
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    snippets: &SnippetMaker,
    score: f32,
    address: DocAddress,
) -> Result<SearchHit, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let kind = SearchKind::parse(&stored_str(&doc, f.kind))
        .ok_or_else(|| SearchError::Internal("document without kind".into()))?;
    let org: Option<OrgRef> = serde_json::from_str(&stored_str(&doc, f.org_display)).ok();
    Ok(SearchHit {
        kind,
        slug: stored_str(&doc, f.slug),
        name: stored_str(&doc, f.name),
        short_description: stored_str(&doc, f.short),
        organisation: if kind == SearchKind::Organisation {
            None
        } else {
            org
        },
        snippet: snippets.snippet(&stored_str(&doc, f.long)),
        reuse_count: doc.get_first(f.reuse).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
        score,
    })
}

/// "Meinten Sie …?": replaces each unknown word by the most frequent indexed word within
/// two edits, and offers the result if it finds something.
fn did_you_mean(
    pool: &SegmentPool,
    searcher: &Searcher,
    f: &Fields,
    filters: &FacetFilters,
    parsed: &ParsedText,
) -> Result<Option<String>, SearchError> {
    let mut changed = false;
    let mut corrected = Vec::new();
    for word in &parsed.words {
        let lower = word.to_lowercase();
        if is_stop_word(&fold(&lower)) || is_indexed(searcher, f.words, &lower)? {
            corrected.push(lower);
            continue;
        }
        match closest(searcher, f.words, &lower)? {
            Some(better) => {
                corrected.push(better);
                changed = true;
            }
            None => corrected.push(lower),
        }
    }
    if !changed {
        return Ok(None);
    }
    let text = corrected.join(" ");
    let query = text_or_all(&text_query(f, &parse_text(&text), Reach::Exact, false));
    let (found, _) = pool.search(searcher, &*query, filters.collector(Count))?;
    Ok((found > 0).then_some(text))
}

fn io_error(err: std::io::Error) -> SearchError {
    SearchError::Internal(err.to_string())
}

/// Whether some segment has `word` in `field`.
fn is_indexed(searcher: &Searcher, field: Field, word: &str) -> Result<bool, SearchError> {
    for segment in searcher.segment_readers() {
        if segment
            .inverted_index(field)?
            .terms()
            .get(word.as_bytes())
            .map_err(io_error)?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The indexed word of `field` closest to `word` (compared folded, then the more frequent,
/// then alphabetically first), if within reach: one edit below five characters, else two.
/// The term dictionary is walked with a Levenshtein automaton of the folded word that reads
/// the dictionary's words folded too ([`Folding`]), so the cost grows with the number of
/// close words, not with the vocabulary.
fn closest(searcher: &Searcher, field: Field, word: &str) -> Result<Option<String>, SearchError> {
    let folded = fold(word);
    let target: Vec<char> = folded.chars().collect();
    let max: u8 = if target.len() < 5 { 1 } else { 2 };
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(field, &folded), max, false).automaton()?;
    let automaton = Folding(automaton);
    let mut candidates: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .search(&automaton)
            .into_stream()
            .map_err(io_error)?;
        while stream.advance() {
            if let Ok(candidate) = std::str::from_utf8(stream.key()) {
                *candidates.entry(candidate.to_owned()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut best: Option<(usize, u64, &str)> = None;
    for (candidate, freq) in &candidates {
        let folded: Vec<char> = fold(candidate).chars().collect();
        let Some(distance) = bounded_levenshtein(&target, &folded, usize::from(max)) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((d, f, c)) => {
                distance < d
                    || (distance == d && (*freq > f || (*freq == f && candidate.as_str() < c)))
            }
        };
        if better {
            best = Some((distance, *freq, candidate));
        }
    }
    Ok(best
        .filter(|(d, _, _)| *d > 0)
        .map(|(_, _, c)| c.to_owned()))
}

/// A Levenshtein automaton over lower-case UTF-8 that reads the dictionary's words the way
/// [`fold`] does: letters with diacritics by [`folded_letter`], and the `e` of `ae`, `oe`,
/// `ue` dropped by [`drops_e_after`].
struct Folding<A>(A);

/// The inner automaton's state, a held-back UTF-8 lead byte (or 0), and the last two folded
/// letters read (for the `ae`/`oe`/`ue` rule).
type FoldingState = (u32, u8, u8, u8);

impl<A: Automaton<State = u32>> Folding<A> {
    /// Feeds one folded letter.
    fn letter(&self, (inner, _, previous, before): FoldingState, letter: u8) -> FoldingState {
        let dropped = letter == b'e' && drops_e_after(previous, before);
        let inner = if dropped {
            inner
        } else {
            self.0.accept(&inner, letter)
        };
        (inner, 0, letter, previous)
    }
}

impl<A: Automaton<State = u32>> Automaton for Folding<A> {
    type State = FoldingState;

    fn start(&self) -> Self::State {
        (self.0.start(), 0, 0, 0)
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.1 == 0 && self.0.is_match(&state.0)
    }

    fn can_match(&self, state: &Self::State) -> bool {
        self.0.can_match(&state.0)
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        // The letters `fold` changes are all Latin-1: 0xC3 followed by one byte.
        const LEAD: u8 = 0xC3;
        let (inner, held, previous, before) = *state;
        if held == 0 {
            return if byte == LEAD {
                (inner, LEAD, previous, before)
            } else {
                self.letter(*state, byte)
            };
        }
        let unheld = (inner, 0, previous, before);
        let c = char::from_u32((u32::from(LEAD & 0x1F) << 6) | u32::from(byte & 0x3F));
        match c.and_then(folded_letter) {
            Some(plain) => plain
                .bytes()
                .fold(unheld, |state, letter| self.letter(state, letter)),
            None => {
                // Another letter: both bytes as they are.
                let inner = self.0.accept(&self.0.accept(&inner, LEAD), byte);
                (inner, 0, byte, LEAD)
            }
        }
    }
}

/// Levenshtein distance if it is at most `max`.
pub fn bounded_levenshtein(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    (previous[b.len()] <= max).then_some(previous[b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax_never_fails() {
        let parsed = parse_text(r#"Abfall "digitale Akte" -Papier"#);
        assert_eq!(parsed.words, ["Abfall"]);
        assert_eq!(
            parsed.phrases,
            [vec!["digitale".to_owned(), "Akte".to_owned()]]
        );
        assert_eq!(parsed.excluded, ["Papier"]);
        for odd in [
            "\"",
            "\"\"\"",
            "-",
            "- -",
            "((",
            "a AND OR",
            "title:foo",
            "*",
            "~2",
            "\"offen",
        ] {
            let _ = parse_text(odd);
        }
        assert_eq!(
            parse_text("\"offene Daten").phrases.len(),
            1,
            "an unclosed quote runs to the end"
        );
        assert_eq!(parse_text("title:foo").words, ["title", "foo"]);
    }

    #[test]
    fn edits_grow_with_word_length() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(5), 1);
        assert_eq!(allowed_edits(8), 1);
        assert_eq!(allowed_edits(9), 2);
    }

    /// Whether the folding automaton for `target` within `edits` accepts `word`.
    fn folding_accepts(target: &str, edits: u8, word: &str) -> bool {
        let field = crate::search::schema::build().1.words;
        let automaton = Folding(
            FuzzyTermQuery::new(Term::from_field_text(field, target), edits, false)
                .automaton()
                .unwrap(),
        );
        let state = word.bytes().fold(automaton.start(), |state, byte| {
            automaton.accept(&state, byte)
        });
        automaton.is_match(&state)
    }

    #[test]
    fn spelling_automaton_reads_words_folded() {
        assert!(folding_accepts("sperrmull", 0, "sperrmüll"));
        assert!(folding_accepts("strasse", 0, "straße"));
        assert!(folding_accepts("cafe", 0, "café"));
        assert!(
            folding_accepts("sprrmul", 2, "sperrmüll"),
            "two edits from the folded word"
        );
        assert!(!folding_accepts("sprrmul", 1, "sperrmüll"));
        assert!(
            !folding_accepts("sperrmull", 0, "sperrmüllabfuhr"),
            "whole words only"
        );
        assert!(
            folding_accepts("æther", 0, "æther"),
            "other letters of the same range pass unchanged"
        );
        assert!(!folding_accepts("aether", 0, "æther"));
        // Words the catalogue spells with ae/oe/ue are read folded too …
        assert!(folding_accepts("burgerburo", 0, "buergerbuero"));
        assert!(folding_accepts("strasse", 0, "strasse"));
        // … except where `fold` keeps the e.
        assert!(folding_accepts("quelle", 0, "quelle"));
        assert!(folding_accepts("steuer", 0, "steuer"));
        assert!(folding_accepts("bauer", 0, "bauer"));
        assert!(!folding_accepts("stur", 0, "steuer"));
        // The automaton agrees with `fold` on every word of this list.
        for word in [
            "mäuse",
            "poesie",
            "aeue",
            "ueue",
            "aee",
            "queue",
            "neue",
            "fußgänger",
            "bœuf",
            "qualität",
        ] {
            assert!(
                folding_accepts(&fold(word), 0, word),
                "{word} → {}",
                fold(word)
            );
        }
    }

    #[test]
    fn levenshtein_is_bounded() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(
            bounded_levenshtein(&chars("friedhof"), &chars("fridhof"), 2),
            Some(1)
        );
        assert_eq!(
            bounded_levenshtein(&chars("abfall"), &chars("abfall"), 2),
            Some(0)
        );
        assert_eq!(
            bounded_levenshtein(&chars("abfall"), &chars("xyzxyz"), 2),
            None
        );
    }
}
