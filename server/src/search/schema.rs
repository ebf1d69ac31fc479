//! The fields of the search index and how each is analysed.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analysis::{ENGLISH, FOLDED, GERMAN, PAIRS, WORDS};

/// Bumped whenever fields or analysis change; an index of another version is rebuilt.
/// (3 was a word-pair field used for ranking, measured and taken out again; 5 brought the
/// `pairs` field for phrases and dropped word positions where no phrase reads them.)
pub const SCHEMA_VERSION: u32 = 5;

/// Handles to every field.
#[derive(Clone, Debug)]
pub struct Fields {
    /// `solution:<uuid>`, `data_model:<uuid>` or `organisation:<uuid>`: for updates and deletes.
    pub key: Field,
    pub kind: Field,
    pub slug: Field,
    /// Organisation whose entries this document belongs to (its uuid), for re-indexing them.
    pub org_id: Field,
    // Text, from most to least important.
    pub name: Field,
    pub short: Field,
    pub tags: Field,
    pub long: Field,
    pub org_name: Field,
    pub english: Field,
    /// Everything above in one field (exclusions, compound parts).
    pub all: Field,
    /// Pairs of neighbouring words of everything above (phrases).
    pub pairs: Field,
    /// Everything above, folded and unstemmed, for typo-tolerant and prefix matching.
    pub folded: Field,
    /// Folded words of the name (typos in names, name suggestions).
    pub name_words: Field,
    /// Lower-cased words of name, short description and tags (suggestions, spelling).
    pub words: Field,
    /// Every facet value of the entry, as `facet:value` (one column read per hit).
    pub facets: Field,
    // Sorting and display.
    pub reuse: Field,
    pub created: Field,
    pub org_display: Field,
}

/// Whether a text field keeps word positions: only fields that phrases are looked up in.
#[derive(Clone, Copy)]
enum Positions {
    Kept,
    Dropped,
}

fn text(tokenizer: &str, stored: bool, positions: Positions) -> TextOptions {
    let record = match positions {
        Positions::Kept => IndexRecordOption::WithFreqsAndPositions,
        Positions::Dropped => IndexRecordOption::WithFreqs,
    };
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// The schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        slug: b.add_text_field("slug", STRING | STORED),
        org_id: b.add_text_field("org_id", STRING),
        name: b.add_text_field("name", text(GERMAN, true, Positions::Kept)),
        short: b.add_text_field("short", text(GERMAN, true, Positions::Kept)),
        tags: b.add_text_field("tags", text(GERMAN, false, Positions::Dropped)),
        long: b.add_text_field("long", text(GERMAN, true, Positions::Dropped)),
        org_name: b.add_text_field("org_name", text(GERMAN, false, Positions::Dropped)),
        english: b.add_text_field("english", text(ENGLISH, false, Positions::Dropped)),
        all: b.add_text_field("all", text(GERMAN, false, Positions::Dropped)),
        pairs: b.add_text_field("pairs", text(PAIRS, false, Positions::Kept)),
        folded: b.add_text_field("folded", text(FOLDED, false, Positions::Dropped)),
        name_words: b.add_text_field("name_words", text(FOLDED, false, Positions::Dropped)),
        words: b.add_text_field("words", text(WORDS, false, Positions::Dropped)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        reuse: b.add_u64_field("reuse", FAST | STORED | INDEXED),
        created: b.add_i64_field("created", FAST | STORED),
        org_display: b.add_text_field("org_display", STORED),
    };
    (b.build(), fields)
}
