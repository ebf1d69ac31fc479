//! Integration tests on a real PostgreSQL: a fresh database per test (`#[sqlx::test]`,
//! migrated by our migrator). `DATABASE_URL` points at the server; scripts/test.sh starts one.

mod accounts;
mod backup;
mod caching;
mod catalogue;
mod demo;
mod embedded;
mod embedded_processes;
mod fixtures;
mod http;
mod injection;
mod lockout;
mod markdown_bounds;
mod metrics;
mod payload_check;
mod publiccode;
mod publishing;
mod replicas;
mod reuse;
mod reuse_counts;
mod schema;
mod search;
mod visibility;
mod yaml_budget;
