//! The person behind a session cookie, loaded once per request (the HTTP layer keeps the
//! [`Viewer`] for the pages and the [`Actor`] for rights checks).

use app::account::Viewer;

use super::sessions::{self, ActiveSession};
use super::{AccountError, Accounts, Actor};

impl Accounts {
    /// The session with this id and its person; `None` when the session or the account
    /// is gone.
    pub async fn signed_in(
        &self,
        session_id: &str,
    ) -> Result<Option<(ActiveSession, Viewer)>, AccountError> {
        let Some(active) = sessions::lookup(self.pool(), session_id).await? else {
            return Ok(None);
        };
        Ok(self
            .viewer(active.user_id)
            .await?
            .map(|viewer| (active, viewer)))
    }

    /// Ends one session (logout, or a login replacing the session the browser brought).
    pub async fn end_session(&self, session: &ActiveSession) -> Result<(), AccountError> {
        Ok(sessions::end(self.pool(), &session.id_hash).await?)
    }
}

impl From<&Viewer> for Actor {
    /// The rights of a signed-in person, from the memberships already loaded with the
    /// session (no second database read).
    fn from(viewer: &Viewer) -> Actor {
        Actor {
            user_id: Some(viewer.user_id),
            site_admin: viewer.site_admin,
            memberships: viewer
                .memberships
                .iter()
                .map(|m| (m.organisation_id, m.role))
                .collect(),
            ..Actor::default()
        }
    }
}
