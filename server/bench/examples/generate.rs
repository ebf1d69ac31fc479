//! Fills a migrated database with the synthetic catalogue, for looking at query plans:
//! `cargo run -p allmende-bench --example generate -- postgres://… 1.0` (the factor scales
//! `Scale::BENCHMARK`; the database is migrated first).

use allmende_bench::Scale;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: generate DATABASE_URL [FACTOR]"))?;
    let factor: f64 = args.next().map_or(Ok(1.0), |f| f.parse())?;
    let of = |n: u32| ((f64::from(n) * factor).round() as u32).max(30);
    let scale = Scale {
        organisations: of(Scale::BENCHMARK.organisations),
        solutions: of(Scale::BENCHMARK.solutions),
        data_models: of(Scale::BENCHMARK.data_models),
    };
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await?;
    allmende_server::MIGRATOR.run(&pool).await?;
    let started = std::time::Instant::now();
    allmende_bench::generate(&pool, &scale, 2026, &|name, done, total| {
        eprint!("\r  {name}: {done}/{total}          ");
    })
    .await?;
    eprintln!(
        "\ngenerated {scale:?} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
