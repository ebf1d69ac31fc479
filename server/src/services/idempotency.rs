//! Idempotent API writes: the first answer to a request with an `Idempotency-Key` is kept
//! (table `idempotency_keys`), and a retry with the same key and the same request gets it
//! again instead of running a second time.

use sqlx::PgPool;

/// How long answers are kept before the sweep removes them (at least 24 hours are promised).
pub const KEEP_HOURS: i32 = 48;

/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// Whether `key` is a usable key: 1 to [`MAX_KEY_LEN`] visible ASCII characters.
pub fn is_valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The SHA-256 of `parts` in hex, each part length-prefixed (so `ab|c` and `a|bc` differ):
/// callers and request fingerprints as the table keeps them.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What a key means for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: run the request, then [`Idempotency::complete`] or
    /// [`Idempotency::release`].
    New,
    /// The same request ran before: its answer.
    Replay(StoredAnswer),
    /// The key was used for another request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

/// The store of idempotency keys.
#[derive(Clone)]
pub struct Idempotency {
    pool: PgPool,
}

impl Idempotency {
    /// The store on `pool`.
    pub fn new(pool: PgPool) -> Self {
        Idempotency { pool }
    }

    /// Claims `key` of `caller` for the request with `fingerprint`, or says what it was used for.
    pub async fn claim(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Claim, sqlx::Error> {
        let inserted = sqlx::query_scalar!(
            r#"
            insert into idempotency_keys (caller, key, fingerprint) values ($1, $2, $3)
            on conflict (caller, key) do nothing
            returning true as "inserted!"
            "#,
            caller,
            key,
            fingerprint,
        )
        .fetch_optional(&self.pool)
        .await?;
        if inserted.is_some() {
            return Ok(Claim::New);
        }
        let Some(row) = sqlx::query!(
            r#"
            select fingerprint, status, content_type, location, body
            from idempotency_keys where caller = $1 and key = $2
            "#,
            caller,
            key,
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            // Released between the two statements: the client may try again at once.
            return Ok(Claim::InFlight);
        };
        Ok(if row.fingerprint != fingerprint {
            Claim::Mismatch
        } else {
            match row.status {
                None => Claim::InFlight,
                Some(status) => Claim::Replay(StoredAnswer {
                    status: status as u16,
                    content_type: row.content_type,
                    location: row.location,
                    body: row.body.unwrap_or_default(),
                }),
            }
        })
    }

    /// Keeps the answer to a claimed key.
    pub async fn complete(
        &self,
        caller: &str,
        key: &str,
        answer: &StoredAnswer,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            r#"
            update idempotency_keys set status = $3, content_type = $4, location = $5, body = $6
            where caller = $1 and key = $2
            "#,
            caller,
            key,
            answer.status as i16,
            answer.content_type.as_deref(),
            answer.location.as_deref(),
            &answer.body,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives a claimed key up (the request failed on our side; a retry runs again).
    pub async fn release(&self, caller: &str, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "delete from idempotency_keys where caller = $1 and key = $2 and status is null",
            caller,
            key,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes answers older than [`KEEP_HOURS`]; returns how many.
    pub async fn sweep(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query!(
            "delete from idempotency_keys where created_at < now() - make_interval(hours => $1)",
            KEEP_HOURS,
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(is_valid_key("3f1c2a-retry-1"));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("mit leerzeichen"));
        assert!(!is_valid_key("schlüssel"));
        assert!(!is_valid_key(&"k".repeat(256)));
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]).len(), 64);
    }
}
