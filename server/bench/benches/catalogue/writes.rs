//! Write to visible: a solution inserted into PostgreSQL (one statement, as any write path
//! ends), then polled until it is searchable (engine in-process), on the first page of
//! `/api/v1/solutions?sort=newest` with the total grown by one, and on the start page among
//! the newest solutions with the solution count grown by one.

use std::time::{Duration, Instant};

use allmende_server::search::SearchIndex;
use app::query::SearchQuery;
use sqlx::PgPool;

use crate::client::Client;

/// Writes timed.
pub const WRITES: usize = 20;
/// Longest wait for one write; a write not visible by then counts as `None`.
const PATIENCE: Duration = Duration::from_secs(30);

/// Times to visible per write (`None`: not within [`PATIENCE`]).
#[derive(Debug, Default)]
pub struct Visible {
    pub searchable: Vec<Option<Duration>>,
    pub api_list: Vec<Option<Duration>>,
    pub start_page: Vec<Option<Duration>>,
}

/// `(slugs of the first page, total)` of the API list.
async fn api_list(client: &mut Client) -> anyhow::Result<(Vec<String>, i64)> {
    let status = client.get("/api/v1/solutions?sort=newest").await?;
    anyhow::ensure!(status == 200, "/api/v1/solutions answered {status}");
    let page: serde_json::Value = serde_json::from_slice(client.body())?;
    let slugs = page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok((slugs, page["total"].as_i64().unwrap_or(-1)))
}

/// The numbers of the start page's statistics, in order (solutions first).
fn start_page_figures(html: &str) -> Vec<i64> {
    html.split("stats__number\">")
        .skip(1)
        .filter_map(|rest| {
            // Leptos may put markers (`<!>`, comments) before the text.
            let mut rest = rest;
            while rest.starts_with("<!") {
                rest = rest.split_once('>').map_or("", |(_, r)| r);
            }
            let digits: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

async fn start_page(client: &mut Client) -> anyhow::Result<String> {
    let status = client.get("/").await?;
    anyhow::ensure!(status == 200, "/ answered {status}");
    Ok(client.text().into_owned())
}

pub async fn run(
    pool: &PgPool,
    index: &SearchIndex,
    client: &mut Client,
) -> anyhow::Result<Visible> {
    let org: uuid::Uuid =
        sqlx::query_scalar("select id from visible_organisations order by slug limit 1")
            .fetch_one(pool)
            .await?;
    // Each probe is the newest entry, whatever the clock says about the synthetic ones.
    let newest: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select greatest(now(), max(created_at)) from solutions")
            .fetch_one(pool)
            .await?;
    client.fresh().await?;
    let (_, api_total) = api_list(client).await?;
    let home = start_page(client).await?;
    let home_total = *start_page_figures(&home)
        .first()
        .ok_or_else(|| anyhow::anyhow!("no figures found on the start page"))?;
    let mut out = Visible::default();
    for i in 0..WRITES {
        let word = format!(
            "Zeitmessprobe{}",
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "k"][i % 10].repeat(i / 10 + 1)
        );
        let slug = format!("zeitmessung-{i}");
        let grown = i as i64 + 1;
        let started = Instant::now();
        sqlx::query(
            r#"insert into solutions (slug, organisation_id, name, short_description, repository_url, licence,
                                      development_status, software_type, maintenance_type, created_at)
               values ($1, $2, $3, 'Ein Eintrag zum Messen der Aktualisierung.', 'https://example.org/x', 'EUPL-1.2',
                       'beta', 'standalone/web', 'internal', $4)"#,
        )
        .bind(&slug)
        .bind(org)
        .bind(&word)
        .bind(newest + chrono::Duration::seconds(grown))
        .execute(pool)
        .await?;
        let (mut searchable, mut listed, mut on_start) = (None, None, None);
        while (searchable.is_none() || listed.is_none() || on_start.is_none())
            && started.elapsed() < PATIENCE
        {
            if searchable.is_none()
                // Typo tolerance would find the previous probe; wait for this one.
                && index
                    .search(&SearchQuery::text(&word))?
                    .hits
                    .iter()
                    .any(|h| h.slug == slug)
            {
                searchable = Some(started.elapsed());
            }
            if listed.is_none() {
                let (slugs, total) = api_list(client).await?;
                if slugs.contains(&slug) && total == api_total + grown {
                    listed = Some(started.elapsed());
                }
            }
            if on_start.is_none() {
                let html = start_page(client).await?;
                let link = format!("href=\"/loesungen/{slug}\"");
                if html.contains(&link)
                    && start_page_figures(&html).first() == Some(&(home_total + grown))
                {
                    on_start = Some(started.elapsed());
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        out.searchable.push(searchable);
        out.api_list.push(listed);
        out.start_page.push(on_start);
    }
    Ok(out)
}
