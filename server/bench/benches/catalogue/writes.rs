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

/// Polls `seen` until it says yes (then the time since `started`) or [`PATIENCE`] ends.
async fn until_seen<F, Fut>(
    started: Instant,
    pause: Duration,
    mut seen: F,
) -> anyhow::Result<Option<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    while started.elapsed() < PATIENCE {
        if seen().await? {
            return Ok(Some(started.elapsed()));
        }
        tokio::time::sleep(pause).await;
    }
    Ok(None)
}

/// Each write is watched on the three ways at once (the search index in-process, the API
/// list and the start page each on its own connection), so that a slow page does not delay
/// noticing the others.
pub async fn run(
    pool: &PgPool,
    index: &SearchIndex,
    addr: std::net::SocketAddr,
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
    let api_client = tokio::sync::Mutex::new(Client::connect(addr).await?);
    let home_client = tokio::sync::Mutex::new(Client::connect(addr).await?);
    let (_, api_total) = api_list(&mut *api_client.lock().await).await?;
    let home = start_page(&mut *home_client.lock().await).await?;
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
        // The closures copy these references into each poll's future.
        let (word, slug, api_client, home_client) = (&word, &slug, &api_client, &home_client);
        let searchable = until_seen(started, Duration::from_millis(5), move || async move {
            // Typo tolerance would find the previous probe; wait for this one.
            Ok(index
                .search(&SearchQuery::text(word))?
                .hits
                .iter()
                .any(|h| &h.slug == slug))
        });
        let listed = until_seen(started, Duration::from_millis(2), move || async move {
            let (slugs, total) = api_list(&mut *api_client.lock().await).await?;
            Ok(slugs.contains(slug) && total == api_total + grown)
        });
        let on_start = until_seen(started, Duration::from_millis(2), move || async move {
            let html = start_page(&mut *home_client.lock().await).await?;
            let link = format!("href=\"/loesungen/{slug}\"");
            Ok(html.contains(&link)
                && start_page_figures(&html).first() == Some(&(home_total + grown)))
        });
        let (searchable, listed, on_start) = tokio::try_join!(searchable, listed, on_start)?;
        out.searchable.push(searchable);
        out.api_list.push(listed);
        out.start_page.push(on_start);
    }
    Ok(out)
}
