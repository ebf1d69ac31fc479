//! The business operations behind pages, API and CLI alike: publishing and reuse of
//! entries, the data-model tools, the publiccode.yml import and the payload checks. They
//! take domain input, check rights with `accounts::authz`, and return domain types and
//! errors as types — never HTTP responses.

pub mod data_model_tools;
pub mod entries;
pub mod idempotency;
pub mod import;
pub mod payload_check;
pub mod public_reads;
pub mod reuse;
