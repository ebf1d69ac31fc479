//! Command-line operations beside `serve`: account and organisation administration
//! (`allmende admin …`) and the publiccode.yml import (`allmende import …`).

pub mod admin;
pub mod import;
