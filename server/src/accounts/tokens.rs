//! API tokens: named, per organisation, shown once, stored as digests, revocable, with the
//! time of last use. A token acts for its organisation in the JSON API.

use app::account::{TokenRow, TokensPage};
use app::validation::parse_text;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::audit::{self, Channel, Event};
use super::authz::{Action, Actor, allowed};
use super::orgs::org_by_slug;
use super::{AccountError, Accounts, Caller, secrets};

/// Every token starts with this, so leaked tokens are easy to recognise (secret scanners).
pub const TOKEN_PREFIX: &str = "alm_";
/// Characters of a token shown to tell tokens apart.
const SHOWN_PREFIX: usize = 10;

/// The organisation an API token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    pub token_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_slug: String,
    pub name: String,
}

impl Accounts {
    /// Creates a token; returns the row and the secret (shown once).
    pub async fn create_token(
        &self,
        actor: &Actor,
        slug: &str,
        name: &str,
        channel: Channel,
        caller: &Caller,
    ) -> Result<(TokenRow, String), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::CreateTokens, org.id) {
            return Err(AccountError::Forbidden);
        }
        let name = parse_text(name, 1, 100).map_err(|e| AccountError::field("name", e))?;
        let secret = secrets::new_secret(TOKEN_PREFIX);
        let prefix: String = secret.chars().take(SHOWN_PREFIX).collect();
        let mut tx = self.pool.begin().await?;
        let (id, created_at): (Uuid, DateTime<Utc>) = sqlx::query!(
            r#"
            insert into api_tokens (organisation_id, name, prefix, token_hash, created_by)
            values ($1, $2, $3, $4, $5)
            returning id, created_at
            "#,
            org.id,
            &name,
            &prefix,
            secrets::digest(&secret),
            actor.user_id
        )
        .map(|r| (r.id, r.created_at))
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Event {
                event: "token.created",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "token": id.to_string(), "name": name, "prefix": prefix }),
            },
        )
        .await?;
        tx.commit().await?;
        let row = TokenRow {
            id,
            name,
            prefix,
            created_by: None,
            created_at,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((row, secret))
    }

    /// The token page of an organisation (its members).
    pub async fn tokens_page(&self, actor: &Actor, slug: &str) -> Result<TokensPage, AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::CreateTokens, org.id) {
            return Err(AccountError::Forbidden);
        }
        let rows =
            sqlx::query!(
                r#"
                select t.id, t.name, t.prefix, u.display_name as "display_name?", t.created_at, t.last_used_at, t.revoked_at
                from api_tokens t left join users u on u.id = t.created_by
                where t.organisation_id = $1
                order by t.revoked_at is not null, t.created_at desc
                "#,
                org.id,
            ).map(|r| (r.id, r.name, r.prefix, r.display_name, r.created_at, r.last_used_at, r.revoked_at))
            .fetch_all(&self.pool)
            .await?;
        Ok(TokensPage {
            viewer_role: actor.role_in(org.id),
            org,
            tokens: rows
                .into_iter()
                .map(
                    |(id, name, prefix, created_by, created_at, last_used_at, revoked_at)| {
                        TokenRow {
                            id,
                            name,
                            prefix,
                            created_by,
                            created_at,
                            last_used_at,
                            revoked_at,
                        }
                    },
                )
                .collect(),
            new_token: None,
        })
    }

    /// Revokes a token: admins any of the organisation's, members their own.
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        slug: &str,
        token: Uuid,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        let row: Option<(Option<Uuid>,)> =
            sqlx::query!(
                "select created_by from api_tokens where id = $1 and organisation_id = $2 and revoked_at is null",
                token,
                org.id,
            ).map(|r| (r.created_by,))
                .fetch_optional(&self.pool)
                .await?;
        let (created_by,) = row.ok_or(AccountError::NotFound)?;
        let own = created_by.is_some()
            && created_by == actor.user_id
            && allowed(actor, Action::CreateTokens, org.id);
        if !own && !allowed(actor, Action::ManageTokens, org.id) {
            return Err(AccountError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "update api_tokens set revoked_at = now() where id = $1",
            token
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Event {
                event: "token.revoked",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "token": token.to_string() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organisation a bearer token acts for. Uses are limited per token. Wrong tokens
    /// are limited per IP address: over the limit they answer `RateLimited` (and are no
    /// longer audited one by one), but a valid token from the same address still works —
    /// tokens are 256-bit random, so the limit is against noise, and one scanner behind an
    /// office's address must not stop everyone else there.
    pub async fn authenticate_token(
        &self,
        secret: &str,
        caller: &Caller,
    ) -> Result<TokenIdentity, AccountError> {
        let ip = caller.ip.clone().unwrap_or_else(|| "unknown".into());
        let over_limit = self.limits.token_failures_per_ip.check(&ip);
        let row: Option<(Uuid, Uuid, String, String)> =
            if secret.starts_with(TOKEN_PREFIX) && secret.len() <= 100 {
                sqlx::query!(
                    r#"
                update api_tokens t set last_used_at = now()
                from organisations o
                where t.token_hash = $1 and t.revoked_at is null and o.id = t.organisation_id
                returning t.id, t.organisation_id, o.slug, t.name
                "#,
                    secrets::digest(secret)
                )
                .map(|r| (r.id, r.organisation_id, r.slug, r.name))
                .fetch_optional(&self.pool)
                .await?
            } else {
                None
            };
        match row {
            Some((token_id, organisation_id, organisation_slug, name)) => {
                self.limits
                    .token_use
                    .hit(&token_id.to_string())
                    .map_err(AccountError::RateLimited)?;
                Ok(TokenIdentity {
                    token_id,
                    organisation_id,
                    organisation_slug,
                    name,
                })
            }
            None => {
                over_limit.map_err(AccountError::RateLimited)?;
                self.limits.token_failures_per_ip.record(&ip);
                audit::record(
                    &self.pool,
                    Event {
                        event: "token.rejected",
                        actor: None,
                        actor_email: None,
                        organisation: None,
                        channel: Channel::Api,
                        ip: caller.ip.as_deref(),
                        detail: serde_json::json!({}),
                    },
                )
                .await?;
                Err(AccountError::Forbidden)
            }
        }
    }
}
