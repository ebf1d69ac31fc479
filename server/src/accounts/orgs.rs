//! Organisations and their people: creating an organisation, invitations, roles, leaving,
//! and moderation (hiding) by site administrators.

use app::account::{
    AuditPage, HiddenItem, InvitationDetails, InvitationRow, ManagedOrg, MemberRow, MembersPage,
};
use app::model::{Bundesland, OrgKind, Role};
use app::validation::{FieldError, NewOrganisation, parse_email, slugify};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::audit::{self, Channel, Event};
use super::authz::{Action, Actor, allowed};
use super::{AccountError, Accounts, Caller, Refusal, secrets};

/// Which kind of thing a moderator hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hideable {
    Organisation,
    Solution,
    DataModel,
}

impl Hideable {
    fn table(self) -> &'static str {
        match self {
            Hideable::Organisation => "organisations",
            Hideable::Solution => "solutions",
            Hideable::DataModel => "data_models",
        }
    }
}

/// An organisation by slug (hidden ones included: their members still manage them).
pub async fn org_by_slug(pool: &PgPool, slug: &str) -> Result<ManagedOrg, AccountError> {
    let row: Option<(Uuid, String, String, String, Option<String>, bool)> = sqlx::query!(
        "select id, slug, name, kind, bundesland, hidden from organisations where slug = $1",
        slug
    )
    .map(|r| (r.id, r.slug, r.name, r.kind, r.bundesland, r.hidden))
    .fetch_optional(pool)
    .await?;
    let (id, slug, name, kind, bundesland, hidden) = row.ok_or(AccountError::NotFound)?;
    Ok(ManagedOrg {
        id,
        slug,
        name,
        kind: OrgKind::parse(&kind)
            .ok_or_else(|| AccountError::Internal(format!("unknown organisation kind {kind}")))?,
        bundesland: bundesland.as_deref().and_then(Bundesland::parse),
        hidden,
    })
}

/// Admins of `org` other than `user`.
async fn other_admins(conn: &mut PgConnection, org: Uuid, user: Uuid) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query!(
        r#"select count(*) as "count!" from memberships where organisation_id = $1 and role = 'admin' and user_id <> $2"#,
        org,
        user,
    ).map(|r| (r.count,))
    .fetch_one(conn)
    .await?;
    Ok(count)
}

/// A slug for `name` that no organisation has yet.
async fn free_slug(conn: &mut PgConnection, name: &str) -> Result<String, sqlx::Error> {
    let mut base = slugify(name);
    if base.len() < 2 {
        base = "organisation".into();
    }
    base.truncate(70);
    let base = base.trim_end_matches('-').to_owned();
    let taken: Vec<(String,)> = sqlx::query!(
        "select slug from organisations where slug = $1 or slug like $1 || '-%'",
        &base
    )
    .map(|r| (r.slug,))
    .fetch_all(conn)
    .await?;
    let taken: std::collections::HashSet<String> = taken.into_iter().map(|(s,)| s).collect();
    if !taken.contains(&base) {
        return Ok(base);
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s))
        .expect("some number is free"))
}

impl Accounts {
    /// Creates an organisation with `creator` as its first admin; returns its slug.
    pub async fn create_organisation(
        &self,
        creator: Uuid,
        org: &NewOrganisation,
        channel: Channel,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        self.insert_organisation(Some(creator), org, None, channel, caller)
            .await
    }

    /// Creates an organisation without members for the operator at the command line
    /// (`allmende import --create-org`), under `slug` when it is a valid, free slug; members
    /// are added afterwards with `allmende admin add-member`.
    pub async fn create_organisation_by_operator(
        &self,
        org: &NewOrganisation,
        slug: &str,
        channel: Channel,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        self.insert_organisation(None, org, Some(slug), channel, caller)
            .await
    }

    async fn insert_organisation(
        &self,
        creator: Option<Uuid>,
        org: &NewOrganisation,
        wanted_slug: Option<&str>,
        channel: Channel,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        let mut tx = self.pool.begin().await?;
        let slug = match wanted_slug.filter(|s| app::validation::is_slug(s)) {
            Some(wanted) => {
                let taken: Option<(Uuid,)> =
                    sqlx::query!("select id from organisations where slug = $1", wanted,)
                        .map(|r| (r.id,))
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_none() {
                    wanted.to_owned()
                } else {
                    free_slug(&mut tx, &org.name).await?
                }
            }
            None => free_slug(&mut tx, &org.name).await?,
        };
        let inserted: Result<(Uuid,), sqlx::Error> = sqlx::query!(
            r#"
            insert into organisations (slug, name, kind, bundesland, ags, website)
            values ($1::text, $2, $3, $4, $5, $6::text)
            returning id
            "#,
            &slug,
            &org.name,
            org.kind.as_str(),
            org.bundesland.map(|b| b.as_str()),
            org.ags.as_deref(),
            org.website.as_deref(),
        )
        .map(|r| (r.id,))
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok((id,)) => id,
            Err(sqlx::Error::Database(db)) if db.constraint() == Some("organisations_ags_key") => {
                return Err(AccountError::field("ags", FieldError::AgsTaken));
            }
            Err(err) => return Err(err.into()),
        };
        if let Some(creator) = creator {
            sqlx::query!(
                "insert into memberships (user_id, organisation_id, role) values ($1, $2, 'admin')",
                creator,
                id
            )
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &mut *tx,
            Event {
                event: "organisation.created",
                actor: creator,
                actor_email: None,
                organisation: Some(id),
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "name": org.name, "slug": slug }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(slug)
    }

    /// The members page of an organisation (members and site admins only).
    pub async fn members_page(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> Result<MembersPage, AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::ViewMembers, org.id) && !actor.site_admin {
            return Err(AccountError::Forbidden);
        }
        let members: Vec<(Uuid, String, String, String, DateTime<Utc>)> = sqlx::query!(
            r#"
            select u.id, u.display_name, u.email, m.role, m.created_at
            from memberships m join users u on u.id = m.user_id
            where m.organisation_id = $1
            order by m.role, u.display_name
            "#,
            org.id
        )
        .map(|r| (r.id, r.display_name, r.email, r.role, r.created_at))
        .fetch_all(&self.pool)
        .await?;
        let invitations: Vec<(Uuid, String, String, DateTime<Utc>)> = if allowed(
            actor,
            Action::ManageMembers,
            org.id,
        ) {
            sqlx::query!(
                r#"
                select id, email, role, expires_at from invitations
                where organisation_id = $1 and accepted_at is null and revoked_at is null and expires_at > now()
                order by created_at desc
                "#,
                org.id,
            ).map(|r| (r.id, r.email, r.role, r.expires_at))
            .fetch_all(&self.pool)
            .await?
        } else {
            Vec::new()
        };
        Ok(MembersPage {
            viewer_role: actor.role_in(org.id),
            org,
            members: members
                .into_iter()
                .filter_map(|(user_id, display_name, email, role, since)| {
                    Some(MemberRow {
                        user_id,
                        display_name,
                        email,
                        role: Role::parse(&role)?,
                        since,
                    })
                })
                .collect(),
            invitations: invitations
                .into_iter()
                .filter_map(|(id, email, role, expires_at)| {
                    Some(InvitationRow {
                        id,
                        email,
                        role: Role::parse(&role)?,
                        expires_at,
                    })
                })
                .collect(),
            new_invitation_link: None,
        })
    }

    /// Invites an e-mail address; returns the secret code for the invitation link.
    pub async fn invite(
        &self,
        actor: &Actor,
        slug: &str,
        email: &str,
        role: Role,
        channel: Channel,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::ManageMembers, org.id) {
            return Err(AccountError::Forbidden);
        }
        let email = parse_email(email).map_err(|e| AccountError::field("email", e))?;
        let (already,): (bool,) = sqlx::query!(
            r#"select exists (select 1 from memberships m join users u on u.id = m.user_id where m.organisation_id = $1 and lower(u.email) = lower($2)) as "exists!""#,
            org.id,
            &email,
        ).map(|r| (r.exists,))
        .fetch_one(&self.pool)
        .await?;
        if already {
            return Err(AccountError::Refused(Refusal::AlreadyMember));
        }
        let code = secrets::new_secret("");
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "insert into invitations (organisation_id, email, role, code_hash, invited_by) values ($1, $2, $3, $4, $5)",
            org.id,
            &email,
            role.as_str(),
            secrets::digest(&code),
            actor.user_id,
        )
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut *tx,
            Event {
                event: "member.invited",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "email": email, "role": role.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Withdraws an open invitation.
    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        slug: &str,
        id: Uuid,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::ManageMembers, org.id) {
            return Err(AccountError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query!(
            "update invitations set revoked_at = now() where id = $1 and organisation_id = $2 and accepted_at is null and revoked_at is null",
            id,
            org.id,
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(AccountError::NotFound);
        }
        audit::record(
            &mut *tx,
            Event {
                event: "member.invitation_revoked",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "invitation": id.to_string() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What an invitation link offers, if it is still valid.
    pub async fn invitation(&self, code: &str) -> Result<Option<InvitationDetails>, AccountError> {
        let row: Option<(String, String, String, String)> = sqlx::query!(
            r#"
            select o.name, o.slug, i.email, i.role
            from invitations i join organisations o on o.id = i.organisation_id
            where i.code_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
            "#,
            secrets::digest(code),
        ).map(|r| (r.name, r.slug, r.email, r.role))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(org_name, org_slug, email, role)| {
            Some(InvitationDetails {
                org_name,
                org_slug,
                email,
                role: Role::parse(&role)?,
            })
        }))
    }

    /// Accepts an invitation for the logged-in user (whose e-mail address must match).
    pub async fn accept_invitation(
        &self,
        user: Uuid,
        code: &str,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(Uuid, Uuid, String, String, String)> = sqlx::query!(
            r#"
            select i.id, i.organisation_id, i.email, i.role, o.slug
            from invitations i join organisations o on o.id = i.organisation_id
            where i.code_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
            for update of i
            "#,
            secrets::digest(code),
        ).map(|r| (r.id, r.organisation_id, r.email, r.role, r.slug))
        .fetch_optional(&mut *tx)
        .await?;
        let (id, org, email, role, slug) =
            row.ok_or(AccountError::Refused(Refusal::InvitationInvalid))?;
        let (user_email,): (String,) = sqlx::query!("select email from users where id = $1", user,)
            .map(|r| (r.email,))
            .fetch_one(&mut *tx)
            .await?;
        if user_email.to_lowercase() != email.to_lowercase() {
            return Err(AccountError::Refused(Refusal::InvitationForSomeoneElse));
        }
        sqlx::query!(
            "insert into memberships (user_id, organisation_id, role) values ($1, $2, $3) on conflict do nothing",
            user,
            org,
            &role,
        )
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "update invitations set accepted_at = now() where id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Event {
                event: "member.joined",
                actor: Some(user),
                actor_email: None,
                organisation: Some(org),
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "role": role }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(slug)
    }

    /// Adds an existing account directly (admin CLI).
    pub async fn add_member(
        &self,
        actor: &Actor,
        slug: &str,
        email: &str,
        role: Role,
        channel: Channel,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::ManageMembers, org.id) {
            return Err(AccountError::Forbidden);
        }
        let user: Option<(Uuid,)> = sqlx::query!(
            "select id from users where lower(email) = lower($1)",
            email.trim()
        )
        .map(|r| (r.id,))
        .fetch_optional(&self.pool)
        .await?;
        let (user,) = user.ok_or(AccountError::Refused(Refusal::NoSuchAccount))?;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query!(
            "insert into memberships (user_id, organisation_id, role) values ($1, $2, $3) on conflict do nothing",
            user,
            org.id,
            role.as_str(),
        )
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(AccountError::Refused(Refusal::AlreadyMember));
        }
        audit::record(
            &mut *tx,
            Event {
                event: "member.added",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "user_id": user.to_string(), "role": role.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a member's role; the last admin cannot be demoted.
    pub async fn change_role(
        &self,
        actor: &Actor,
        slug: &str,
        member: Uuid,
        role: Role,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        if !allowed(actor, Action::ManageMembers, org.id) {
            return Err(AccountError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        // Lock the organisation's memberships so two admins cannot demote each other at once.
        sqlx::query!(
            "select 1 as locked from memberships where organisation_id = $1 for update",
            org.id
        )
        .fetch_all(&mut *tx)
        .await?;
        let current: Option<(String,)> = sqlx::query!(
            "select role from memberships where organisation_id = $1 and user_id = $2",
            org.id,
            member
        )
        .map(|r| (r.role,))
        .fetch_optional(&mut *tx)
        .await?;
        let (current,) = current.ok_or(AccountError::NotFound)?;
        if current == role.as_str() {
            return Ok(());
        }
        if role != Role::Admin && other_admins(&mut tx, org.id, member).await? == 0 {
            return Err(AccountError::Refused(Refusal::LastAdmin));
        }
        sqlx::query!(
            "update memberships set role = $3 where organisation_id = $1 and user_id = $2",
            org.id,
            member,
            role.as_str()
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Event {
                event: "member.role_changed",
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "user_id": member.to_string(), "from": current, "to": role.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member (admins), or the actor leaves (`member` is the actor). The last
    /// admin can do neither.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        slug: &str,
        member: Uuid,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let org = org_by_slug(&self.pool, slug).await?;
        let leaving = actor.user_id == Some(member);
        let permitted = if leaving {
            actor.role_in(org.id).is_some()
        } else {
            allowed(actor, Action::ManageMembers, org.id)
        };
        if !permitted {
            return Err(AccountError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "select 1 as locked from memberships where organisation_id = $1 for update",
            org.id
        )
        .fetch_all(&mut *tx)
        .await?;
        let current: Option<(String,)> = sqlx::query!(
            "select role from memberships where organisation_id = $1 and user_id = $2",
            org.id,
            member
        )
        .map(|r| (r.role,))
        .fetch_optional(&mut *tx)
        .await?;
        let (current,) = current.ok_or(AccountError::NotFound)?;
        if current == "admin" && other_admins(&mut tx, org.id, member).await? == 0 {
            return Err(AccountError::Refused(Refusal::LastAdmin));
        }
        sqlx::query!(
            "delete from memberships where organisation_id = $1 and user_id = $2",
            org.id,
            member
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Event {
                event: if leaving {
                    "member.left"
                } else {
                    "member.removed"
                },
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org.id),
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "user_id": member.to_string(), "role": current }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Hides or shows an organisation or entry (site administrators).
    pub async fn set_hidden(
        &self,
        actor: &Actor,
        what: Hideable,
        slug: &str,
        hidden: bool,
        channel: Channel,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        if !actor.site_admin {
            return Err(AccountError::Forbidden);
        }
        let table = what.table();
        let mut tx = self.pool.begin().await?;
        let row =
            match what {
                Hideable::Organisation => {
                    sqlx::query_scalar!(
                        "update organisations set hidden = $2 where slug = $1 returning id",
                        slug,
                        hidden,
                    )
                    .fetch_optional(&mut *tx)
                    .await?
                }
                Hideable::Solution => sqlx::query_scalar!(
                    "update solutions set hidden = $2 where slug = $1 returning organisation_id",
                    slug,
                    hidden,
                )
                .fetch_optional(&mut *tx)
                .await?,
                Hideable::DataModel => sqlx::query_scalar!(
                    "update data_models set hidden = $2 where slug = $1 returning organisation_id",
                    slug,
                    hidden,
                )
                .fetch_optional(&mut *tx)
                .await?,
            };
        let org = row.ok_or(AccountError::NotFound)?;
        if !allowed(actor, Action::Moderate, org) {
            return Err(AccountError::Forbidden);
        }
        audit::record(
            &mut *tx,
            Event {
                event: if hidden {
                    "moderation.hidden"
                } else {
                    "moderation.shown"
                },
                actor: actor.user_id,
                actor_email: None,
                organisation: Some(org),
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "kind": table, "slug": slug }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit log of one organisation (its admins, site admins) or of all (site admins).
    pub async fn audit_page(
        &self,
        actor: &Actor,
        slug: Option<&str>,
    ) -> Result<AuditPage, AccountError> {
        match slug {
            Some(slug) => {
                let org = org_by_slug(&self.pool, slug).await?;
                if !allowed(actor, Action::ViewAudit, org.id) {
                    return Err(AccountError::Forbidden);
                }
                let entries = audit::list(&self.pool, Some(org.id), 200).await?;
                Ok(AuditPage {
                    org: Some(org),
                    entries,
                    hidden: Vec::new(),
                })
            }
            None if actor.site_admin => {
                let hidden: Vec<(String, String, String)> = sqlx::query!(
                    r#"
                    select 'organisation' as "kind!", slug as "slug!", name as "name!" from organisations where hidden
                    union all select 'solution', slug, name from solutions where hidden
                    union all select 'data_model', slug, name from data_models where hidden
                    order by 3
                    "#,
                ).map(|r| (r.kind, r.slug, r.name))
                .fetch_all(&self.pool)
                .await?;
                Ok(AuditPage {
                    org: None,
                    entries: audit::list(&self.pool, None, 500).await?,
                    hidden: hidden
                        .into_iter()
                        .map(|(kind, slug, name)| HiddenItem { kind, slug, name })
                        .collect(),
                })
            }
            None => Err(AccountError::Forbidden),
        }
    }
}
