//! Command-line operations beside `serve`: account and organisation administration
//! (`allmende admin …`), the publiccode.yml import (`allmende import …`), and backup and
//! restore (`allmende backup FILE`, `allmende restore FILE`).

pub mod admin;
pub mod backup;
pub mod import;
