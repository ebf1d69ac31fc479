//! Browser sessions in PostgreSQL. The cookie holds a random 256-bit id; the table holds its
//! digest. A session ends after [`IDLE`] without requests or [`ABSOLUTE`] after login,
//! at logout, and with all other sessions of its user when the password changes.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::secrets;

/// Inactivity after which a session ends.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// Lifetime of a session however active it is.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// `last_seen_at` is written at most this often per session (not on every request).
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Cookie name over plain HTTP (development, tests).
pub const COOKIE: &str = "allmende_sitzung";
/// Cookie name over HTTPS: the `__Host-` prefix makes the browser insist on Secure, Path=/
/// and no Domain, so no sibling host can set or overwrite it.
pub const SECURE_COOKIE: &str = "__Host-allmende_sitzung";

/// The cookie name for this site.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

/// `Set-Cookie` value that hands the session id to the browser. No `Max-Age`: the cookie
/// ends with the browser; the server enforces the lifetimes.
pub fn set_cookie(id: &str, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={id}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session id in a `Cookie` header, if any.
pub fn id_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    let name = cookie_name(secure);
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty() && value.len() <= 64).then_some(value)
    })
}

/// A session that is still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub user_id: Uuid,
    pub id_hash: Vec<u8>,
}

/// Starts a session for `user_id` and returns its id (for the cookie).
pub async fn create(pool: &PgPool, user_id: Uuid, user_agent: &str) -> Result<String, sqlx::Error> {
    let id = secrets::new_secret("");
    let agent: String = user_agent.chars().take(300).collect();
    sqlx::query!(
        "insert into sessions (id_hash, user_id, user_agent) values ($1, $2, $3)",
        secrets::digest(&id),
        user_id,
        agent
    )
    .execute(pool)
    .await?;
    Ok(id)
}

/// The session with this id if it has not expired; marks it as used.
pub async fn lookup(pool: &PgPool, id: &str) -> Result<Option<ActiveSession>, sqlx::Error> {
    let id_hash = secrets::digest(id);
    let row: Option<(Uuid, bool)> = sqlx::query!(
        r#"
        select user_id, last_seen_at < now() - make_interval(secs => $3) as "stale!"
        from sessions
        where id_hash = $1
          and last_seen_at > now() - make_interval(secs => $2)
          and created_at > now() - make_interval(secs => $4)
        "#,
        &id_hash,
        IDLE.as_secs_f64(),
        TOUCH_EVERY.as_secs_f64(),
        ABSOLUTE.as_secs_f64()
    )
    .map(|r| (r.user_id, r.stale))
    .fetch_optional(pool)
    .await?;
    let Some((user_id, stale)) = row else {
        return Ok(None);
    };
    if stale {
        sqlx::query!(
            "update sessions set last_seen_at = now() where id_hash = $1",
            &id_hash
        )
        .execute(pool)
        .await?;
    }
    Ok(Some(ActiveSession { user_id, id_hash }))
}

/// Ends one session (logout).
pub async fn end(pool: &PgPool, id_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from sessions where id_hash = $1", id_hash,)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, account deletion).
pub async fn end_all(pool: &PgPool, user_id: Uuid) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("delete from sessions where user_id = $1", user_id,)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// Removes expired sessions; run now and then.
pub async fn sweep(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from sessions where last_seen_at < now() - make_interval(secs => $1) or created_at < now() - make_interval(secs => $2)",
        IDLE.as_secs_f64(),
        ABSOLUTE.as_secs_f64(),
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_same_site_and_secure_over_https() {
        let plain = set_cookie("abc", false);
        assert!(
            plain.starts_with("allmende_sitzung=abc;")
                && plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
        );
        assert!(!plain.contains("Secure"));
        let secure = set_cookie("abc", true);
        assert!(secure.starts_with("__Host-allmende_sitzung=abc;") && secure.ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn the_session_id_is_read_from_the_cookie_header() {
        assert_eq!(
            id_from_cookie_header("allmende_lang=de; allmende_sitzung=xyz", false),
            Some("xyz")
        );
        assert_eq!(
            id_from_cookie_header("allmende_sitzung=xyz", true),
            None,
            "over HTTPS only the __Host- cookie counts"
        );
        assert_eq!(id_from_cookie_header("allmende_sitzung=", false), None);
    }
}
