//! `allmende admin …`: scripted set-up for a municipal IT operator, with the same rules and
//! audit entries as the web (the channel is recorded as `cli`).

use crate::accounts::{AccountError, Accounts, Actor, Caller, Channel};
use app::i18n::Lang;
use app::model::Role;
use app::validation::{NewOrganisation, Registration};
use clap::Subcommand;
use sqlx::PgPool;

/// Operator commands.
#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account. The password comes from ALLMENDE_PASSWORD or the first line of
    /// standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Only for scripts that cannot set the environment (visible in the process list).
        #[arg(long, hide = true)]
        password: Option<String>,
        #[arg(long)]
        name: String,
        /// Make the account a site administrator (may hide entries and organisations).
        #[arg(long)]
        site_admin: bool,
    },
    /// Create an organisation with an existing account as its first admin.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// gemeinde, stadt, landkreis, land, bund, zweckverband, stadtwerk, it_dienstleister, verein
        #[arg(long)]
        kind: String,
        /// Bundesland code, e.g. BW.
        #[arg(long, default_value = "")]
        bundesland: String,
        /// Amtlicher Gemeindeschlüssel (8 digits).
        #[arg(long, default_value = "")]
        ags: String,
        #[arg(long, default_value = "")]
        website: String,
        /// E-mail address of the account that becomes admin.
        #[arg(long)]
        admin: String,
    },
    /// Add an existing account to an organisation.
    AddMember {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// admin or member
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Create an API token for an organisation and print it (it is shown only this once).
    CreateToken {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
    },
}

/// Readable explanation of a refused command.
pub(crate) fn explain(err: AccountError) -> anyhow::Error {
    match err {
        AccountError::Invalid(errors) => anyhow::anyhow!(
            "Ungültige Angaben / invalid input:\n{}",
            errors
                .iter()
                .map(|(field, e)| format!("  {field}: {}", e.message(Lang::De)))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        AccountError::Refused(refusal) => anyhow::anyhow!("{}", refusal.message(Lang::De)),
        AccountError::NotFound => anyhow::anyhow!("Nicht gefunden / not found"),
        other => anyhow::anyhow!("{other}"),
    }
}

fn read_password(given: Option<String>) -> anyhow::Result<String> {
    if let Some(password) = given {
        return Ok(password);
    }
    if let Ok(password) = std::env::var("ALLMENDE_PASSWORD") {
        return Ok(password);
    }
    eprint!("Passwort / password: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Runs one operator command.
/// Runs one operator command; what it prints goes to `out` (the token, for `create-token`).
pub async fn run(command: AdminCommand, pool: &PgPool) -> anyhow::Result<String> {
    let accounts = Accounts::new(pool.clone());
    let caller = Caller::default();
    let operator = Actor::operator();
    let output = match command {
        AdminCommand::CreateUser {
            email,
            password,
            name,
            site_admin,
        } => {
            let password = read_password(password)?;
            let registration = Registration::parse(&name, &email, &password, &password)
                .map_err(|errors| explain(AccountError::Invalid(errors)))?;
            accounts
                .register(&registration, site_admin, Channel::Cli, &caller)
                .await
                .map_err(explain)?;
            format!(
                "Konto angelegt / account created: {}{}",
                registration.email,
                if site_admin { " (Site-Admin)" } else { "" }
            )
        }
        AdminCommand::CreateOrg {
            name,
            kind,
            bundesland,
            ags,
            website,
            admin,
        } => {
            let org = NewOrganisation::parse(&name, &kind, &bundesland, &ags, &website)
                .map_err(|errors| explain(AccountError::Invalid(errors)))?;
            let admin_id: Option<(uuid::Uuid,)> = sqlx::query!(
                "select id from users where lower(email) = lower($1)",
                admin.trim()
            )
            .map(|r| (r.id,))
            .fetch_optional(pool)
            .await?;
            let (admin_id,) = admin_id.ok_or_else(|| {
                explain(AccountError::Refused(
                    crate::accounts::Refusal::NoSuchAccount,
                ))
            })?;
            let slug = accounts
                .create_organisation(admin_id, &org, Channel::Cli, &caller)
                .await
                .map_err(explain)?;
            format!("Organisation angelegt / organisation created: {slug}")
        }
        AdminCommand::AddMember { org, email, role } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("Rolle muss admin oder member sein / role must be admin or member")
            })?;
            accounts
                .add_member(&operator, &org, &email, role, Channel::Cli, &caller)
                .await
                .map_err(explain)?;
            format!(
                "Mitglied hinzugefügt / member added: {email} ({})",
                role.as_str()
            )
        }
        AdminCommand::CreateToken { org, name } => {
            let (row, secret) = accounts
                .create_token(&operator, &org, &name, Channel::Cli, &caller)
                .await
                .map_err(explain)?;
            eprintln!(
                "Token „{}“ für {org} erstellt. Es wird nur jetzt angezeigt: / shown only now:",
                row.name
            );
            secret
        }
    };
    Ok(output)
}
