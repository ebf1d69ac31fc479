//! Outgoing mail. Allmende has no mail transport: messages are written to the
//! `outgoing_mail` table (in the transaction of what caused them) and logged at info
//! level; the operator routes them (see the README, "E-Mails").

use sqlx::PgConnection;

/// What a message is about (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A new account was created with this address.
    Welcome,
    /// Someone tried to register an address that already has an account.
    RegistrationAttempt,
}

impl MailKind {
    fn as_str(self) -> &'static str {
        match self {
            MailKind::Welcome => "account.welcome",
            MailKind::RegistrationAttempt => "account.registration_attempt",
        }
    }
}

/// One message to one address, in German with an English translation below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// The welcome for a new account; it also tells the address's owner if someone else
    /// registered it.
    pub fn welcome(recipient: &str, site_url: &str) -> Mail {
        let site = site_url.trim_end_matches('/');
        Mail {
            kind: MailKind::Welcome,
            recipient: recipient.to_owned(),
            subject: "Willkommen bei Allmende / Welcome to Allmende".into(),
            body: format!(
                "Guten Tag,\n\n\
                 bei Allmende ({site}) ist ein Konto mit dieser E-Mail-Adresse angelegt worden. \
                 Sie können sich hier anmelden: {site}/anmelden\n\n\
                 Haben Sie sich nicht registriert, hat jemand anderes Ihre Adresse angegeben. \
                 Bitte wenden Sie sich dann an den Betreiber der Website (siehe {site}/impressum).\n\n\
                 ---\n\n\
                 Hello,\n\n\
                 an account with this e-mail address was created on Allmende ({site}). \
                 You can log in here: {site}/anmelden\n\n\
                 If you did not register, someone else gave your address. \
                 Please contact the site's operator (see {site}/impressum).\n"
            ),
        }
    }

    /// The notice to the owner of an existing account that someone tried to register
    /// their address again. Nothing about the account has changed.
    pub fn registration_attempt(recipient: &str, site_url: &str) -> Mail {
        let site = site_url.trim_end_matches('/');
        Mail {
            kind: MailKind::RegistrationAttempt,
            recipient: recipient.to_owned(),
            subject: "Allmende: Registrierung mit Ihrer E-Mail-Adresse / Registration with your e-mail address".into(),
            body: format!(
                "Guten Tag,\n\n\
                 jemand hat versucht, bei Allmende ({site}) ein neues Konto mit dieser E-Mail-Adresse \
                 anzulegen. Für diese Adresse gibt es bereits ein Konto; an ihm wurde nichts geändert.\n\n\
                 Waren Sie das, melden Sie sich einfach mit Ihrem bisherigen Passwort an: {site}/anmelden\n\
                 Waren Sie es nicht, können Sie diese Nachricht ignorieren.\n\n\
                 ---\n\n\
                 Hello,\n\n\
                 someone tried to create a new account on Allmende ({site}) with this e-mail address. \
                 There already is an account for it; nothing about it has changed.\n\n\
                 If that was you, simply log in with your existing password: {site}/anmelden\n\
                 If not, you can ignore this message.\n"
            ),
        }
    }
}

/// Whether a message of `kind` went to `recipient` within the last hour (so a repeated
/// registration does not flood someone's inbox).
pub async fn sent_recently(
    conn: &mut PgConnection,
    kind: MailKind,
    recipient: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        select exists (select 1 from outgoing_mail
                       where lower(recipient) = lower($1) and kind = $2 and created_at > now() - interval '1 hour') as "sent!"
        "#,
        recipient,
        kind.as_str(),
    )
    .fetch_one(conn)
    .await
}

/// Writes `mail` to the outgoing table and logs it (without the address).
pub async fn record(conn: &mut PgConnection, mail: &Mail) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar!(
        "insert into outgoing_mail (kind, recipient, subject, body) values ($1, $2, $3, $4) returning id",
        mail.kind.as_str(),
        &mail.recipient,
        &mail.subject,
        &mail.body,
    )
    .fetch_one(conn)
    .await?;
    tracing::info!(
        mail = id,
        kind = mail.kind.as_str(),
        "outgoing mail recorded in table outgoing_mail"
    );
    Ok(id)
}
