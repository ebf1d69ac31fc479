//! Authorisation, in one place: who may do what to which organisation. Every service
//! operation that changes something asks [`allowed`] before it acts.

use std::collections::HashMap;

use app::model::Role;
use sqlx::PgPool;
use uuid::Uuid;

/// Something one may want to do to an organisation or its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Publish, edit, archive, fork into, adopt for the organisation.
    EditEntries,
    /// See the members page.
    ViewMembers,
    /// Invite, remove, change roles.
    ManageMembers,
    /// Create API tokens (every member) and see the organisation's tokens.
    CreateTokens,
    /// Revoke any of the organisation's tokens.
    ManageTokens,
    /// Read the organisation's audit log.
    ViewAudit,
    /// Hide or show an organisation or entry (moderation).
    Moderate,
}

impl Action {
    /// Every action (for exhaustive tests).
    pub const ALL: [Action; 7] = [
        Action::EditEntries,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::CreateTokens,
        Action::ManageTokens,
        Action::ViewAudit,
        Action::Moderate,
    ];
}

/// Who is acting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub site_admin: bool,
    /// Organisation → role.
    pub memberships: HashMap<Uuid, Role>,
    /// For API tokens: the one organisation the token acts for.
    pub token_org: Option<Uuid>,
    /// The operator at the command line (`allmende admin …`), who set up the installation.
    pub operator: bool,
}

impl Actor {
    /// Nobody (anonymous visitor).
    pub fn anonymous() -> Actor {
        Actor::default()
    }

    /// The role in `org`, if any.
    pub fn role_in(&self, org: Uuid) -> Option<Role> {
        self.memberships.get(&org).copied()
    }

    /// A user with their memberships, read from the database; `None` if the user is gone.
    pub async fn load(pool: &PgPool, user_id: Uuid) -> Result<Option<Actor>, sqlx::Error> {
        let Some(site_admin) =
            sqlx::query_scalar!("select is_site_admin from users where id = $1", user_id)
                .fetch_optional(pool)
                .await?
        else {
            return Ok(None);
        };
        let rows: Vec<(Uuid, String)> = sqlx::query!(
            "select organisation_id, role from memberships where user_id = $1",
            user_id
        )
        .map(|r| (r.organisation_id, r.role))
        .fetch_all(pool)
        .await?;
        let memberships = rows
            .into_iter()
            .filter_map(|(org, role)| Some((org, Role::parse(&role)?)))
            .collect();
        Ok(Some(Actor {
            user_id: Some(user_id),
            site_admin,
            memberships,
            ..Actor::default()
        }))
    }

    /// The operator at the command line.
    pub fn operator() -> Actor {
        Actor {
            operator: true,
            ..Actor::default()
        }
    }

    /// An API token acting for `org`.
    pub fn token(org: Uuid) -> Actor {
        Actor {
            token_org: Some(org),
            ..Actor::default()
        }
    }
}

/// Whether `actor` may do `action` to organisation `org`.
pub fn allowed(actor: &Actor, action: Action, org: Uuid) -> bool {
    if actor.operator {
        return true;
    }
    if let Some(token_org) = actor.token_org {
        // A token does exactly one thing: change its own organisation's entries.
        return token_org == org && action == Action::EditEntries;
    }
    if actor.user_id.is_none() {
        return false;
    }
    let role = actor.role_in(org);
    match action {
        Action::EditEntries | Action::ViewMembers | Action::CreateTokens => role.is_some(),
        Action::ManageMembers | Action::ManageTokens => role == Some(Role::Admin),
        Action::ViewAudit => role == Some(Role::Admin) || actor.site_admin,
        Action::Moderate => actor.site_admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_edit_admins_manage_strangers_nothing() {
        let (own, foreign) = (Uuid::new_v4(), Uuid::new_v4());
        let user = Some(Uuid::new_v4());
        let admin = Actor {
            user_id: user,
            memberships: HashMap::from([(own, Role::Admin)]),
            ..Actor::default()
        };
        let member = Actor {
            user_id: user,
            memberships: HashMap::from([(own, Role::Member)]),
            ..Actor::default()
        };
        for action in Action::ALL {
            assert_eq!(
                allowed(&admin, action, own),
                action != Action::Moderate,
                "admin {action:?}"
            );
            assert!(
                !allowed(&admin, action, foreign),
                "admin on foreign org {action:?}"
            );
            assert!(
                !allowed(&member, action, foreign),
                "member on foreign org {action:?}"
            );
            assert!(
                !allowed(&Actor::anonymous(), action, own),
                "anonymous {action:?}"
            );
            let token = Actor::token(own);
            assert_eq!(
                allowed(&token, action, own),
                action == Action::EditEntries,
                "token {action:?}"
            );
            assert!(!allowed(&token, action, foreign));
        }
        assert!(allowed(&member, Action::EditEntries, own));
        assert!(!allowed(&member, Action::ManageMembers, own));
        let site_admin = Actor {
            user_id: user,
            site_admin: true,
            ..Actor::default()
        };
        assert!(allowed(&site_admin, Action::Moderate, foreign));
        assert!(allowed(&site_admin, Action::ViewAudit, foreign));
        assert!(
            !allowed(&site_admin, Action::EditEntries, foreign),
            "moderation is not authorship"
        );
    }
}
