//! Accounts, organisations' members and the security baseline: passwords, sessions,
//! rate limits, API tokens, invitations, authorisation and the audit log.
//!
//! [`Accounts`] is the service the web handlers, the API and the admin CLI share, so the
//! same rules and audit entries apply whichever way a change comes in.

pub mod audit;
pub mod authz;
pub mod mail;
pub mod orgs;
pub mod password;
pub mod rate_limit;
pub mod secrets;
pub mod sessions;
pub mod signed_in;
pub mod tokens;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

use app::i18n::Lang;
use app::validation::FieldErrors;
use sqlx::PgPool;

use crate::proxies::TrustedProxies;

pub use audit::Channel;
pub use authz::{Action, Actor};

/// A business rule that refused an otherwise valid request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The last admin of an organisation cannot leave, be removed or be demoted.
    LastAdmin,
    /// The invitation link is unknown, used, revoked or expired.
    InvitationInvalid,
    /// The invitation is for another e-mail address.
    InvitationForSomeoneElse,
    /// The person is already a member.
    AlreadyMember,
    /// No account has this e-mail address (admin CLI, adding members).
    NoSuchAccount,
    /// Deleting the account would leave an organisation without admin.
    AccountIsLastAdmin,
}

impl Refusal {
    /// The explanation shown to the user.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Refusal::LastAdmin, Lang::De) => {
                "Eine Organisation braucht mindestens eine Administratorin oder einen Administrator. Ernennen Sie zuerst eine andere Person."
            }
            (Refusal::LastAdmin, Lang::En) => {
                "An organisation needs at least one administrator. Please appoint someone else first."
            }
            (Refusal::InvitationInvalid, Lang::De) => {
                "Diese Einladung gilt nicht (mehr): Sie wurde schon angenommen, zurückgezogen oder ist abgelaufen. Bitten Sie um eine neue."
            }
            (Refusal::InvitationInvalid, Lang::En) => {
                "This invitation is no longer valid. Please ask for a new one."
            }
            (Refusal::InvitationForSomeoneElse, Lang::De) => {
                "Diese Einladung gilt für eine andere E-Mail-Adresse. Melden Sie sich mit dem eingeladenen Konto an."
            }
            (Refusal::InvitationForSomeoneElse, Lang::En) => {
                "This invitation is for another e-mail address."
            }
            (Refusal::AlreadyMember, Lang::De) => "Diese Person ist bereits Mitglied.",
            (Refusal::AlreadyMember, Lang::En) => "This person is already a member.",
            (Refusal::NoSuchAccount, Lang::De) => "Es gibt kein Konto mit dieser E-Mail-Adresse.",
            (Refusal::NoSuchAccount, Lang::En) => "There is no account with this e-mail address.",
            (Refusal::AccountIsLastAdmin, Lang::De) => {
                "Ihr Konto ist die letzte Administration einer Organisation. Ernennen Sie dort zuerst eine andere Person oder treten Sie aus."
            }
            (Refusal::AccountIsLastAdmin, Lang::En) => {
                "Your account is the last administrator of an organisation. Appoint someone else there first."
            }
        }
    }
}

/// Why an account operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Form input broke a rule; the errors go beside the fields.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// Unknown e-mail address or wrong password (deliberately not told apart).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many attempts; try again after the given time.
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The organisation, member, token or entry does not exist (or is not visible).
    #[error("not found")]
    NotFound,
    /// A rule of the domain refused the request.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AccountError {
    /// One field error.
    pub fn field(name: &str, error: app::validation::FieldError) -> AccountError {
        AccountError::Invalid(FieldErrors::from([(name.to_owned(), error)]))
    }
}

/// Who is calling, for rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub ip: Option<String>,
    pub user_agent: String,
}

/// The accounts service; cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    pub(crate) pool: PgPool,
    pub(crate) passwords: password::Passwords,
    pub(crate) limits: Arc<rate_limit::Limits>,
    trusted_proxies: Arc<TrustedProxies>,
}

impl Accounts {
    /// The service on `pool` with the default limits, trusting no proxy.
    pub fn new(pool: PgPool) -> Accounts {
        Accounts {
            pool,
            passwords: password::Passwords::new(),
            limits: Arc::new(rate_limit::Limits::default()),
            trusted_proxies: Arc::new(TrustedProxies::default()),
        }
    }

    /// The same service, reading client addresses from `X-Forwarded-For` behind `proxies`
    /// (the limits count per client, not per proxy).
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Accounts {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> &TrustedProxies {
        &self.trusted_proxies
    }

    /// The database pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The actor behind a user id (`Forbidden` if the account is gone).
    pub async fn actor(&self, user_id: uuid::Uuid) -> Result<Actor, AccountError> {
        Actor::load(&self.pool, user_id)
            .await?
            .ok_or(AccountError::Forbidden)
    }
}
