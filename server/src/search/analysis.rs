//! German text analysis for the search index.
//!
//! One pass turns text into index terms:
//! 1. words are runs of letters and digits (hyphens and punctuation split words);
//! 2. lower-casing;
//! 3. folding: `ä ö ü` and their spellings `ae oe ue` become `a o u`, `ß` becomes `ss`, other
//!    accents are dropped — so "Bürger", "Buerger" and "Burger" meet, as do "Straße" and "Strasse";
//! 4. compound splitting (index side only): a word that can be cut into parts from the
//!    embedded word list (with linking elements such as the Fugen-s) also yields its parts,
//!    at the same position — so "Friedhof" finds "Friedhofsverwaltung";
//! 5. Snowball German stemming of every term ("Anträge" → "antrag").
//!
//! Queries use the same steps except compound splitting (a query for "Parkplatzsensorik"
//! should not find every entry about a "Parkplatz").

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the German analyser is registered with the index.
pub const GERMAN: &str = "allmende_de";
/// Name of the English analyser (lower-casing and English stemming).
pub const ENGLISH: &str = "allmende_en";
/// Name of the analyser for suggestions: lower-cased words, nothing else.
pub const WORDS: &str = "allmende_words";
/// Name of the analyser for typo and prefix matching: folded words and compound parts.
pub const FOLDED: &str = "allmende_folded";
/// Name of the analyser for phrases: pairs of neighbouring word stems.
pub const PAIRS: &str = "allmende_pairs";

/// Longest word that is indexed (longer "words" are mostly hashes or URLs).
const MAX_WORD_CHARS: usize = 40;
/// Shortest part a compound is split into.
const MIN_PART_CHARS: usize = 3;
/// Linking elements (Fugenelemente) allowed between compound parts, longest first.
const LINKS: &[&str] = &["es", "en", "er", "s", "n", "e"];
/// Inflection endings allowed after the last part of a compound.
const ENDINGS: &[&str] = &["e", "n", "en", "s", "es", "er", "ern", "nen", "se"];

static GERMAN_STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::German));
static ENGLISH_STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The word list for compound splitting, folded.
static COMPOUND_PARTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("compound_words.txt")
        .lines()
        .map(|line| fold(&line.trim().to_lowercase()))
        .filter(|word| word.chars().count() >= MIN_PART_CHARS)
        .collect()
});

/// Words a query can leave out without losing meaning (German and English function words).
static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einen", "einem",
        "eines", "und", "oder", "fur", "in", "im", "von", "vom", "mit", "zu", "zur", "zum", "auf",
        "an", "am", "bei", "als", "auch", "ist", "sind", "fuer", "nach", "uber", "aus", "wie",
        "the", "a", "an", "of", "for", "and", "to", "with", "on",
    ]
    .into_iter()
    .collect()
});

/// Splits text into words: byte ranges of maximal runs of alphanumeric characters.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = chars.peek() {
            if c.is_alphanumeric() {
                break;
            }
            chars.next();
        }
        let (start, _) = *chars.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

/// Folds a lower-cased word: umlauts and their two-letter spellings to the plain vowel,
/// `ß` to `ss`, accents removed.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match folded_letter(c) {
            Some(plain) => out.push_str(plain),
            None => out.push(c),
        }
    }
    fold_digraphs(&out)
}

/// What [`fold`] writes for a letter with diacritics (`ß` → `ss`); `None` for other characters.
pub fn folded_letter(c: char) -> Option<&'static str> {
    match c {
        'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' => Some("a"),
        'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' => Some("o"),
        'ü' | 'ù' | 'ú' | 'û' => Some("u"),
        'é' | 'è' | 'ê' | 'ë' => Some("e"),
        'í' | 'ì' | 'î' | 'ï' => Some("i"),
        'ç' => Some("c"),
        'ñ' => Some("n"),
        'ß' => Some("ss"),
        _ => None,
    }
}

/// Whether [`fold`] drops an `e` that follows `previous` (itself after `before`): the `e`
/// of `ae`, `oe`, `ue`, except after `q` ("Quelle") and in the diphthongs `eu`/`au`
/// followed by `e` ("Steuer", "neue", "Bauer"), where the `e` is its own vowel.
pub fn drops_e_after(previous: u8, before: u8) -> bool {
    let keeps_e = previous == b'u' && matches!(before, b'q' | b'e' | b'a');
    matches!(previous, b'a' | b'o' | b'u') && !keeps_e
}

/// `ae`, `oe`, `ue` → `a`, `o`, `u` (see [`drops_e_after`]).
fn fold_digraphs(word: &str) -> String {
    let bytes = word.as_bytes();
    if !word.is_ascii() || bytes.len() < 2 {
        return word.to_owned();
    }
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        out.push(c as char);
        let before = if i > 0 { bytes[i - 1] } else { b' ' };
        if bytes.get(i + 1) == Some(&b'e') && drops_e_after(c, before) {
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

/// The German index term of one folded word.
pub fn stem_german(folded: &str) -> String {
    GERMAN_STEMMER.stem(folded).into_owned()
}

/// Lower-case, fold and stem one word as a query term; `None` for stop words.
pub fn query_term(word: &str) -> Option<String> {
    let folded = fold(&word.to_lowercase());
    if STOP_WORDS.contains(folded.as_str()) {
        return None;
    }
    Some(stem_german(&folded))
}

/// The stem the index stores for a whole word (stop words included).
fn word_stem(word: &str) -> String {
    stem_german(&fold(&word.to_lowercase()))
}

/// The English index term of one word.
pub fn english_term(word: &str) -> String {
    ENGLISH_STEMMER.stem(&word.to_lowercase()).into_owned()
}

/// Whether a (lower-cased, folded) word is a stop word.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.contains(folded)
}

/// Splits a folded word into compound parts from the word list, e.g.
/// `friedhofsverwaltung` → `[friedhof, verwaltung]`. Returns the split with the fewest
/// parts; when no complete split exists, the longest known head and tail (each leaving at
/// least four characters) so that "Parkplatz" still finds "Parkplatzsensorik" when
/// "sensorik" is missing from the list. Empty when nothing is found.
pub fn compound_parts(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 * MIN_PART_CHARS || !word.is_ascii() {
        return Vec::new();
    }
    if let Some(parts) = full_split(word) {
        let mut all: Vec<String> = Vec::new();
        for part in &parts {
            all.push(part.clone());
            // One level deeper: "parkplatz" in "parkplatzsensorik" also yields "park", "platz".
            if let Some(sub) = full_split(part) {
                all.extend(sub);
            }
        }
        all.dedup();
        return all;
    }
    // A known word (or a known word with an inflection ending) is not cut into guesses.
    if COMPOUND_PARTS.contains(word)
        || ENDINGS.iter().any(|e| {
            word.strip_suffix(e)
                .is_some_and(|w| COMPOUND_PARTS.contains(w))
        })
    {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let n = word.len();
    if let Some(head) = (4..=n - 4)
        .rev()
        .map(|i| &word[..i])
        .find(|head| COMPOUND_PARTS.contains(*head))
    {
        parts.push(head.to_owned());
    }
    if let Some(tail) = (4..=n - 4)
        .map(|i| &word[i..])
        .find(|tail| COMPOUND_PARTS.contains(*tail))
    {
        parts.push(tail.to_owned());
    }
    parts
}

/// A complete split of an ASCII word into ≥ 2 known parts, fewest parts first.
fn full_split(word: &str) -> Option<Vec<String>> {
    let n = word.len();
    // best[i] = fewest parts covering word[..i], with the part boundaries.
    let mut best: Vec<Option<(usize, Vec<String>)>> = vec![None; n + 1];
    best[0] = Some((0, Vec::new()));
    for start in 0..n {
        let Some((count, parts)) = best[start].clone() else {
            continue;
        };
        // After a part, a linking element may follow before the next part.
        let mut starts = vec![start];
        if start > 0 {
            for link in LINKS {
                if word[start..].starts_with(link) {
                    starts.push(start + link.len());
                }
            }
        }
        for from in starts {
            for end in (from + MIN_PART_CHARS)..=n {
                let part = &word[from..end];
                if (from == 0 && end == n) || !COMPOUND_PARTS.contains(part) {
                    continue;
                }
                let candidate = count + 1;
                if best[end].as_ref().is_none_or(|(c, _)| candidate < *c) {
                    let mut next = parts.clone();
                    next.push(part.to_owned());
                    best[end] = Some((candidate, next));
                }
            }
        }
    }
    // The last part may carry an inflection ending ("…anmeldungen").
    std::iter::once(n)
        .chain(
            ENDINGS
                .iter()
                .filter(|e| word.ends_with(*e) && n > e.len())
                .map(|e| n - e.len()),
        )
        .filter_map(|end| best[end].clone())
        .filter(|(count, _)| *count >= 2)
        .min_by_key(|(count, _)| *count)
        .map(|(_, parts)| parts)
}

/// The tokens the German analyser makes of `text` (what the index stores).
pub fn german_tokens(text: &str) -> Vec<Token> {
    tokens_of(text, |word| analyse(word).stems.clone())
}

/// Folded but unstemmed words and compound parts (for typo and prefix matching, where
/// stemming would hide how close two spellings are).
pub fn folded_tokens(text: &str) -> Vec<Token> {
    tokens_of(text, |word| analyse(word).folded.clone())
}

/// One token per pair of neighbouring words, `stem stem` at the first word's position: a
/// two-word phrase is then one term, and a longer one a phrase of pairs, which are far rarer
/// than their words (no word positions to read for "open data"). Stop words are paired too,
/// so "rund um die Uhr" needs its stop words in place.
pub fn pair_tokens(text: &str) -> Vec<Token> {
    let stems = tokens_of(text, |word| [analyse(word).stems[0].clone()]);
    stems
        .windows(2)
        // A word too long to index leaves a gap: no pair across it.
        .filter(|pair| pair[1].position == pair[0].position + 1)
        .map(|pair| Token {
            offset_from: pair[0].offset_from,
            offset_to: pair[1].offset_to,
            position: pair[0].position,
            text: pair_term(&pair[0].text, &pair[1].text),
            position_length: 1,
        })
        .collect()
}

/// The `pairs` terms of a phrase's words, in order (empty for fewer than two words).
pub fn phrase_pairs(phrase: &[String]) -> Vec<String> {
    let stems: Vec<String> = phrase.iter().map(|word| word_stem(word)).collect();
    stems
        .windows(2)
        .map(|pair| pair_term(&pair[0], &pair[1]))
        .collect()
}

fn pair_term(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Tokens for every word of `text` (too long ones skipped): each term of the word at the
/// word's position and byte range.
fn tokens_of<I: IntoIterator<Item = String>>(
    text: &str,
    terms_of: impl Fn(&str) -> I,
) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (position, (from, to)) in words(text).enumerate() {
        let word = &text[from..to];
        if word.chars().count() > MAX_WORD_CHARS {
            continue;
        }
        for term in terms_of(word) {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: term,
                position_length: 1,
            });
        }
    }
    tokens
}

/// One word, analysed.
struct Analysed {
    /// Stem of the word, then stems of its compound parts.
    stems: Vec<String>,
    /// The folded word, then its folded compound parts.
    folded: Vec<String>,
}

thread_local! {
    /// Analysed words: the vocabulary is small compared to the text, and splitting
    /// compounds is the expensive step.
    static CACHE: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Analysed>>> = Default::default();
}

/// Entries kept in the per-thread cache before it is emptied.
const CACHE_LIMIT: usize = 200_000;

fn analyse(word: &str) -> std::rc::Rc<Analysed> {
    if let Some(hit) = CACHE.with(|cache| cache.borrow().get(word).cloned()) {
        return hit;
    }
    let whole = fold(&word.to_lowercase());
    let parts = compound_parts(&whole);
    let mut folded: Vec<String> = parts.into_iter().filter(|p| *p != whole).collect();
    folded.insert(0, whole);
    let mut stems: Vec<String> = Vec::with_capacity(folded.len());
    for term in folded.iter().map(|w| stem_german(w)) {
        if !stems.contains(&term) {
            stems.push(term);
        }
    }
    let analysed = std::rc::Rc::new(Analysed { stems, folded });
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(word.to_owned(), analysed.clone());
    });
    analysed
}

/// The stems of a query word's compound parts, when it is a compound ("Grabstellenverwaltung"
/// → grabstell, verwalt), so that a compound the catalogue spells differently still finds
/// entries that contain its parts.
pub fn query_parts(word: &str) -> Vec<String> {
    let analysed = analyse(word);
    if analysed.folded.len() < 3 {
        // Only a full split into at least two parts (a one-sided guess is too loose).
        return Vec::new();
    }
    analysed.stems[1..].to_vec()
}

/// Which analysis an [`Analyzer`] applies.
#[derive(Clone, Copy, Debug)]
pub enum Analysis {
    /// Folding, compound splitting and German stemming.
    German,
    /// Lower-casing and English stemming.
    English,
    /// Lower-cased words only (suggestions, spelling).
    Words,
    /// Folded words and compound parts, unstemmed (typos, prefixes).
    Folded,
    /// Pairs of neighbouring word stems (phrases).
    Pairs,
}

/// A tantivy tokenizer running one [`Analysis`].
#[derive(Clone)]
pub struct Analyzer {
    analysis: Analysis,
    buffer: Vec<Token>,
}

impl Analyzer {
    /// An analyser for the given analysis.
    pub fn new(analysis: Analysis) -> Self {
        Analyzer {
            analysis,
            buffer: Vec::new(),
        }
    }
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.buffer = match self.analysis {
            Analysis::German => german_tokens(text),
            Analysis::English => tokens_of(text, |word| [english_term(word)]),
            Analysis::Words => tokens_of(text, |word| [word.to_lowercase()]),
            Analysis::Folded => folded_tokens(text),
            Analysis::Pairs => pair_tokens(text),
        };
        VecTokenStream {
            tokens: &mut self.buffer,
            index: None,
        }
    }
}

/// A token stream over precomputed tokens.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    index: Option<usize>,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let next = self.index.map_or(0, |i| i + 1);
        self.index = Some(next);
        next < self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index.unwrap_or(0)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index.unwrap_or(0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_join_neighbouring_stems_at_the_first_position() {
        let tokens = pair_tokens("Anträge online stellen, rund um die Uhr");
        let pairs: Vec<(&str, usize)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(pairs[0], ("antrag onlin", 0));
        assert_eq!(pairs.len(), 6, "{pairs:?}");
        assert_eq!(pairs[5].1, 5);
        // The query side makes the same terms, umlauts and inflection included.
        let words = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let query = phrase_pairs(&words("Antrag online stellen"));
        assert_eq!(query, [pairs[0].0, pairs[1].0]);
        assert_eq!(
            phrase_pairs(&words("rund um die Uhr")),
            [pairs[3].0, pairs[4].0, pairs[5].0]
        );
        assert!(phrase_pairs(&words("Uhr")).is_empty());
        // A word too long to index breaks the chain.
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        assert!(pair_tokens(&format!("offene {long} Daten")).is_empty());
    }

    fn terms(text: &str) -> Vec<String> {
        german_tokens(text).into_iter().map(|t| t.text).collect()
    }

    fn query(word: &str) -> String {
        query_term(word).unwrap()
    }

    #[test]
    fn umlauts_their_spellings_and_missing_dots_meet() {
        let forms = [
            "Bürgerbeteiligung",
            "Buergerbeteiligung",
            "Burgerbeteiligung",
            "BÜRGERBETEILIGUNG",
        ];
        let expected = query(forms[0]);
        for form in forms {
            assert_eq!(query(form), expected, "{form}");
        }
        assert_eq!(query("Straße"), query("Strasse"));
        assert_eq!(query("Gebühren"), query("Gebuehren"));
    }

    #[test]
    fn e_after_diphthongs_and_q_is_kept() {
        assert_eq!(fold("steuer"), "steuer");
        assert_eq!(fold("quelle"), "quelle");
        assert_eq!(fold("neue"), "neue");
        assert_eq!(fold("mueller"), "muller");
        assert_eq!(fold("ueberblick"), fold("überblick"));
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        assert_eq!(query("Anträge"), query("Antrag"));
        assert_eq!(query("Parkplätze"), query("Parkplatz"));
        assert_eq!(query("Verwaltungen"), query("Verwaltung"));
        assert_eq!(query("Kommunen"), query("Kommune"));
    }

    #[test]
    fn compounds_yield_their_parts_at_the_same_position() {
        let tokens = german_tokens("Die Friedhofsverwaltung");
        let at_1: Vec<&str> = tokens
            .iter()
            .filter(|t| t.position == 1)
            .map(|t| t.text.as_str())
            .collect();
        assert!(at_1.contains(&query("Friedhof").as_str()), "{at_1:?}");
        assert!(at_1.contains(&query("Verwaltung").as_str()), "{at_1:?}");
        assert!(terms("Parkplatzsensorik").contains(&query("Parkplatz")));
        assert!(terms("Bürgerbeteiligung").contains(&query("Beteiligung")));
    }

    #[test]
    fn short_and_unknown_words_are_not_split() {
        assert!(
            compound_parts("parkplatzsensorik").contains(&"park".to_owned()),
            "one level deeper"
        );
        assert!(
            compound_parts("sperrmullanmeldungen").contains(&"anmeldung".to_owned()),
            "inflected last part"
        );
        assert!(
            compound_parts("kontrolle").is_empty(),
            "no guessed split of a known word"
        );
        assert!(compound_parts("xyzzyplugh").is_empty());
        assert!(compound_parts("haus").is_empty());
    }

    #[test]
    fn stop_words_are_dropped_from_queries() {
        assert_eq!(query_term("für"), None);
        assert_eq!(query_term("und"), None);
        assert!(query_term("Abfall").is_some());
    }

    #[test]
    fn words_split_on_punctuation_and_hyphens() {
        let text = "Kita-Platzvergabe, (Online)!";
        let found: Vec<&str> = words(text).map(|(a, b)| &text[a..b]).collect();
        assert_eq!(found, ["Kita", "Platzvergabe", "Online"]);
    }

    #[test]
    fn english_words_are_stemmed_in_english() {
        assert_eq!(english_term("Appointments"), english_term("appointment"));
    }
}
