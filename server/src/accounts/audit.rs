//! The audit log of security events. Entries are only ever added.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use app::account::AuditRow;

/// Where a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Web,
    Api,
    Cli,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Cli => "cli",
        }
    }
}

/// One security event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Dotted name, e.g. `login.failed`, `member.role_changed`.
    pub event: &'static str,
    pub actor: Option<Uuid>,
    pub actor_email: Option<&'a str>,
    pub organisation: Option<Uuid>,
    pub channel: Channel,
    pub ip: Option<&'a str>,
    pub detail: serde_json::Value,
}

/// Records an event (inside the caller's transaction when given one).
pub async fn record<'e>(
    executor: impl PgExecutor<'e>,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    let detail = if event.detail.is_object() {
        event.detail
    } else {
        serde_json::json!({})
    };
    sqlx::query!(
        r#"
        insert into audit_log (event, actor_id, actor_email, organisation_id, channel, ip, detail)
        values ($1, $2, $3, $4, $5, $6, $7)
        "#,
        event.event,
        event.actor,
        event
            .actor_email
            .map(|e| e.chars().take(254).collect::<String>()),
        event.organisation,
        event.channel.as_str(),
        event.ip.map(|ip| ip.chars().take(64).collect::<String>()),
        detail,
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// The newest events, of one organisation or of all.
pub async fn list(
    pool: &PgPool,
    organisation: Option<Uuid>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows =
        sqlx::query!(
            r#"
            select a.at, a.event, coalesce(u.display_name || ' <' || u.email || '>', a.actor_email) as actor, o.name as "name?",
                   
                   o.slug::text as "slug?", a.channel, a.ip, a.detail
            from audit_log a
            left join users u on u.id = a.actor_id
            left join organisations o on o.id = a.organisation_id
            where $1::uuid is null or a.organisation_id = $1
            order by a.at desc, a.id desc
            limit $2
            "#,
            organisation,
            limit,
        ).map(|r| (r.at, r.event, r.actor, r.name, r.slug, r.channel, r.ip, r.detail))
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(at, event, actor, org_name, _slug, channel, ip, detail)| AuditRow {
                at,
                event,
                actor,
                organisation: org_name,
                channel,
                ip,
                detail: describe(&detail),
            },
        )
        .collect())
}

/// The detail object as `key: value, …` for display.
fn describe(detail: &serde_json::Value) -> String {
    match detail.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => String::new(),
    }
}
