//! Registration, login, password change, account deletion and the logged-in [`Viewer`].
//!
//! Every prompt that asks for a password goes through [`Accounts::check_password`], so the
//! same progressive delays ([`super::rate_limit::PasswordAttempts`]) apply to all of them.

use app::account::{Membership, Viewer};
use app::model::Role;
use app::validation::{FieldError, FieldErrors, Registration, check_new_password};
use uuid::Uuid;

use super::audit::{self, Channel, Event};
use super::mail::{self, Mail};
use super::{AccountError, Accounts, Caller, Refusal, sessions};

/// The rate-limit key of an account: the e-mail address, lower-cased.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The rate-limit key of a caller's address.
fn address_key(caller: &Caller) -> String {
    caller.ip.clone().unwrap_or_else(|| "unknown".into())
}

impl Accounts {
    /// Whether `password` is right for the account `email` (whose stored hash is `stored`,
    /// `None` for an unknown address: the same work is done). Counted and delayed per
    /// account and address; `RateLimited` while this caller has to wait, without looking
    /// at the password.
    async fn check_password(
        &self,
        email: &str,
        password: &str,
        stored: Option<&str>,
        caller: &Caller,
    ) -> Result<bool, AccountError> {
        let (account, address) = (account_key(email), address_key(caller));
        self.limits
            .passwords
            .begin(&account, &address)
            .map_err(AccountError::RateLimited)?;
        let matches = self.passwords.verify(password, stored).await?;
        if matches {
            self.limits.passwords.succeeded(&account, &address);
        }
        Ok(matches)
    }

    /// The registration form: creates the account if the address is new; if it already has
    /// one, records a notice to its owner instead. Both end alike — same answer, same work
    /// (a hash, a database write, an outgoing mail) — so the form does not tell whether an
    /// address has an account. `site_url` goes into the mail.
    pub async fn sign_up(
        &self,
        registration: &Registration,
        caller: &Caller,
        site_url: &str,
    ) -> Result<(), AccountError> {
        let ip = address_key(caller);
        self.limits
            .register_per_ip
            .hit(&ip)
            .map_err(AccountError::RateLimited)?;
        // Hashed whether or not the address is new, so both take the same time.
        let hash = self.passwords.hash(&registration.password).await?;
        let mut tx = self.pool.begin().await?;
        let inserted: Option<Uuid> = sqlx::query_scalar!(
            r#"
            insert into users (email, display_name, password_hash) values ($1, $2, $3)
            on conflict ((lower(email))) do nothing
            returning id
            "#,
            &registration.email,
            &registration.display_name,
            &hash
        )
        .fetch_optional(&mut *tx)
        .await?;
        let new_account = inserted.is_some();
        let (user, recipient, event, mail) = match inserted {
            Some(id) => (
                id,
                registration.email.clone(),
                "account.registered",
                Mail::welcome(&registration.email, site_url),
            ),
            None => {
                let (id, email): (Uuid, String) = sqlx::query!(
                    "select id, email from users where lower(email) = lower($1)",
                    &registration.email
                )
                .map(|r| (r.id, r.email))
                .fetch_one(&mut *tx)
                .await?;
                let mail = Mail::registration_attempt(&email, site_url);
                (id, email, "account.registration_repeated", mail)
            }
        };
        // At most one message of a kind per address and hour (checked on both paths alike).
        if !mail::sent_recently(&mut tx, mail.kind, &recipient).await? {
            mail::record(&mut tx, &mail).await?;
        }
        audit::record(
            &mut *tx,
            Event {
                event,
                actor: Some(user),
                actor_email: Some(&recipient),
                organisation: None,
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: if new_account {
                    serde_json::json!({ "site_admin": false })
                } else {
                    serde_json::json!({})
                },
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an account; an address that has one already is a field error. For the admin
    /// CLI and set-up code: the registration form uses [`Accounts::sign_up`], which does not
    /// tell. `site_admin` only from the admin CLI.
    pub async fn register(
        &self,
        registration: &Registration,
        site_admin: bool,
        channel: Channel,
        caller: &Caller,
    ) -> Result<Uuid, AccountError> {
        if channel != Channel::Cli {
            let ip = caller.ip.as_deref().unwrap_or("unknown");
            self.limits
                .register_per_ip
                .hit(ip)
                .map_err(AccountError::RateLimited)?;
        }
        let hash = self.passwords.hash(&registration.password).await?;
        let mut tx = self.pool.begin().await?;
        let inserted: Result<(Uuid,), sqlx::Error> = sqlx::query!(
            "insert into users (email, display_name, password_hash, is_site_admin) values ($1, $2, $3, $4) returning id",
            &registration.email,
            &registration.display_name,
            &hash,
            site_admin,
        ).map(|r| (r.id,))
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok((id,)) => id,
            Err(sqlx::Error::Database(db)) if db.constraint() == Some("users_email_key") => {
                return Err(AccountError::field("email", FieldError::EmailTaken));
            }
            Err(err) => return Err(err.into()),
        };
        audit::record(
            &mut *tx,
            Event {
                event: "account.registered",
                actor: Some(id),
                actor_email: Some(&registration.email),
                organisation: None,
                channel,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "site_admin": site_admin }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks e-mail and password. Unknown address and wrong password give the same error
    /// after the same work (a hash is verified either way). Attempts are delayed per account
    /// and address ([`super::rate_limit::PasswordAttempts`]); while this caller has to wait,
    /// the answer is `RateLimited`. Another address's failures never stop the owner.
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
        caller: &Caller,
    ) -> Result<Uuid, AccountError> {
        let account = account_key(email);
        let row: Option<(Uuid, String)> = sqlx::query!(
            "select id, password_hash from users where lower(email) = $1",
            &account
        )
        .map(|r| (r.id, r.password_hash))
        .fetch_optional(&self.pool)
        .await?;
        let matches = self
            .check_password(
                &account,
                password,
                row.as_ref().map(|(_, hash)| hash.as_str()),
                caller,
            )
            .await?;
        match row {
            Some((id, _)) if matches => {
                audit::record(
                    &self.pool,
                    Event {
                        event: "login.succeeded",
                        actor: Some(id),
                        actor_email: None,
                        organisation: None,
                        channel: Channel::Web,
                        ip: caller.ip.as_deref(),
                        detail: serde_json::json!({}),
                    },
                )
                .await?;
                Ok(id)
            }
            _ => {
                audit::record(
                    &self.pool,
                    Event {
                        event: "login.failed",
                        actor: row.as_ref().map(|(id, _)| *id),
                        actor_email: Some(&account),
                        organisation: None,
                        channel: Channel::Web,
                        ip: caller.ip.as_deref(),
                        detail: serde_json::json!({ "known_account": row.is_some() }),
                    },
                )
                .await?;
                Err(AccountError::InvalidCredentials)
            }
        }
    }

    /// Logs in: checks the credentials and starts a new session (a fresh id, never one the
    /// browser brought along). Returns the user and the session id for the cookie.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        caller: &Caller,
    ) -> Result<(Uuid, String), AccountError> {
        let user = self.authenticate(email, password, caller).await?;
        let session = sessions::create(&self.pool, user, &caller.user_agent).await?;
        Ok((user, session))
    }

    /// Ends a session server-side.
    pub async fn logout(
        &self,
        session: &sessions::ActiveSession,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        sessions::end(&self.pool, &session.id_hash).await?;
        audit::record(
            &self.pool,
            Event {
                event: "logout",
                actor: Some(session.user_id),
                actor_email: None,
                organisation: None,
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({}),
            },
        )
        .await?;
        Ok(())
    }

    /// Changes the password after checking the current one; ends every session of the user
    /// and starts a new one for this browser (returned).
    pub async fn change_password(
        &self,
        user: Uuid,
        current: &str,
        new: &str,
        repeated: &str,
        caller: &Caller,
    ) -> Result<String, AccountError> {
        let (email, name, hash): (String, String, String) = sqlx::query!(
            "select email, display_name, password_hash from users where id = $1",
            user
        )
        .map(|r| (r.email, r.display_name, r.password_hash))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(AccountError::Forbidden)?;
        let mut errors = FieldErrors::new();
        if let Err(e) = check_new_password(new, &name, &email) {
            errors.insert("new_password".into(), e);
        } else if new != repeated {
            errors.insert("new_password_repeat".into(), FieldError::PasswordMismatch);
        }
        if !self
            .check_password(&email, current, Some(&hash), caller)
            .await?
        {
            errors.insert("current_password".into(), FieldError::WrongPassword);
        }
        if !errors.is_empty() {
            return Err(AccountError::Invalid(errors));
        }
        let new_hash = self.passwords.hash(new).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "update users set password_hash = $2 where id = $1",
            user,
            &new_hash
        )
        .execute(&mut *tx)
        .await?;
        let ended = sqlx::query!("delete from sessions where user_id = $1", user,)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        audit::record(
            &mut *tx,
            Event {
                event: "password.changed",
                actor: Some(user),
                actor_email: None,
                organisation: None,
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "sessions_ended": ended }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sessions::create(&self.pool, user, &caller.user_agent).await?)
    }

    /// Deletes the account after checking the password. Refused while the account is the
    /// last admin of an organisation that has other members.
    pub async fn delete_account(
        &self,
        user: Uuid,
        password: &str,
        caller: &Caller,
    ) -> Result<(), AccountError> {
        let (email, hash): (String, String) =
            sqlx::query!("select email, password_hash from users where id = $1", user,)
                .map(|r| (r.email, r.password_hash))
                .fetch_optional(&self.pool)
                .await?
                .ok_or(AccountError::Forbidden)?;
        if !self
            .check_password(&email, password, Some(&hash), caller)
            .await?
        {
            return Err(AccountError::field("password", FieldError::WrongPassword));
        }
        let mut tx = self.pool.begin().await?;
        let (last_admin,): (bool,) = sqlx::query!(
            r#"
            select exists (
                select 1 from memberships mine
                where mine.user_id = $1 and mine.role = 'admin'
                  and not exists (select 1 from memberships other
                                  where other.organisation_id = mine.organisation_id and other.user_id <> $1
                                    and other.role = 'admin')
                  and exists (select 1 from memberships other
                              where other.organisation_id = mine.organisation_id and other.user_id <> $1)) as "last_admin!"
            "#,
            user,
        ).map(|r| (r.last_admin,))
        .fetch_one(&mut *tx)
        .await?;
        if last_admin {
            return Err(AccountError::Refused(Refusal::AccountIsLastAdmin));
        }
        audit::record(
            &mut *tx,
            Event {
                event: "account.deleted",
                actor: None,
                actor_email: Some(&email),
                organisation: None,
                channel: Channel::Web,
                ip: caller.ip.as_deref(),
                detail: serde_json::json!({ "user_id": user.to_string() }),
            },
        )
        .await?;
        // Sessions and memberships go with the user (on delete cascade); revisions keep
        // their content with the author set to null.
        sqlx::query!("delete from users where id = $1", user,)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The logged-in person of a session, with their organisations.
    pub async fn viewer(&self, user: Uuid) -> Result<Option<Viewer>, AccountError> {
        let Some((display_name, email, site_admin)): Option<(String, String, bool)> = sqlx::query!(
            "select display_name, email, is_site_admin from users where id = $1",
            user
        )
        .map(|r| (r.display_name, r.email, r.is_site_admin))
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query!(
            r#"
            select o.id, o.slug, o.name, m.role, o.bundesland, o.size_class
            from memberships m join organisations o on o.id = m.organisation_id
            where m.user_id = $1
            order by o.name
            "#,
            user
        )
        .map(|r| (r.id, r.slug, r.name, r.role, r.bundesland, r.size_class))
        .fetch_all(&self.pool)
        .await?;
        let memberships = rows
            .into_iter()
            .filter_map(
                |(organisation_id, slug, name, role, bundesland, size_class)| {
                    Some(Membership {
                        organisation_id,
                        slug,
                        name,
                        role: Role::parse(&role)?,
                        bundesland: bundesland
                            .as_deref()
                            .and_then(app::model::Bundesland::parse),
                        size_class: size_class.as_deref().and_then(app::model::SizeClass::parse),
                    })
                },
            )
            .collect();
        Ok(Some(Viewer {
            user_id: user,
            display_name,
            email,
            site_admin,
            memberships,
        }))
    }
}
