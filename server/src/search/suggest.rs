//! Suggestions as you type: names of entries with a word starting with what was typed,
//! then frequent words completing the last typed word.

use std::collections::HashMap;

use app::model::{SearchKind, Suggestion, SuggestionSource};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::{Order, Searcher, TantivyDocument};

use super::SearchError;
use super::analysis::{fold, query_term, words};
use super::schema::Fields;

/// Words of the index that start with `prefix`, with document frequencies, most frequent first.
fn completions(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    limit: usize,
) -> Result<Vec<(String, u64)>, SearchError> {
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| SearchError::Internal(e.to_string()))?;
        let mut seen = 0;
        while stream.advance() && seen < 2_000 {
            let Ok(word) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !word.starts_with(prefix) {
                break;
            }
            seen += 1;
            *found.entry(word.to_owned()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut found: Vec<(String, u64)> = found.into_iter().collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(limit);
    Ok(found)
}

/// Up to `limit` suggestions for the typed text.
pub fn suggest(
    searcher: &Searcher,
    f: &Fields,
    typed: &str,
    limit: usize,
) -> Result<Vec<Suggestion>, SearchError> {
    let typed: String = typed.chars().take(100).collect();
    let typed_words: Vec<String> = words(&typed)
        .map(|(a, b)| typed[a..b].to_lowercase())
        .collect();
    let Some((prefix, earlier)) = typed_words.split_last() else {
        return Ok(Vec::new());
    };
    // A trailing space means the last word is complete: nothing to complete.
    if prefix.chars().count() < 2 || typed.ends_with(char::is_whitespace) {
        return Ok(Vec::new());
    }
    let mut out: Vec<Suggestion> = Vec::new();

    // Names with a word starting with the prefix, that also contain the earlier words.
    let name_terms = completions(searcher, f.name_words, &fold(prefix), 64)?;
    if !name_terms.is_empty() {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermSetQuery::new(
                name_terms
                    .iter()
                    .map(|(w, _)| Term::from_field_text(f.name_words, w)),
            )),
        )];
        for word in earlier {
            if let Some(term) = query_term(word) {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.all, &term),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        let top = TopDocs::with_limit(limit).order_by_fast_field::<u64>("reuse", Order::Desc);
        for (_, address) in searcher.search(&BooleanQuery::new(clauses), &top)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let name = doc
                .get_first(f.name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            let kind = doc
                .get_first(f.kind)
                .and_then(|v| v.as_str())
                .and_then(SearchKind::parse);
            if !name.is_empty() && !out.iter().any(|s| s.text.eq_ignore_ascii_case(&name)) {
                out.push(Suggestion {
                    text: name,
                    source: SuggestionSource::Name,
                    kind,
                });
            }
        }
    }
    out.truncate(limit.div_ceil(2).max(limit.saturating_sub(3)));

    // Frequent words completing the last one.
    let lead = if earlier.is_empty() {
        String::new()
    } else {
        format!("{} ", earlier.join(" "))
    };
    for (word, _) in completions(searcher, f.words, prefix, limit)? {
        if out.len() >= limit {
            break;
        }
        let text = format!("{lead}{word}");
        if !out.iter().any(|s| s.text.to_lowercase() == text) {
            out.push(Suggestion {
                text,
                source: SuggestionSource::Term,
                kind: None,
            });
        }
    }
    Ok(out)
}
