//! Validation rules that both the browser and the server apply.

/// Whether `value` is a valid slug: a-z, 0-9 and single hyphens, 2-80 characters.
/// The database enforces the same rule (domain `slug`).
pub fn is_slug(value: &str) -> bool {
    let len = value.len();
    (2..=80).contains(&len)
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--")
}

/// Turns a name into a slug: lowercase, ä→ae, ö→oe, ü→ue, ß→ss, other letters stripped of
/// accents where simple, every other run of characters becomes one hyphen.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ò' | 'ó' | 'ô' | 'õ' => "o",
            'ù' | 'ú' | 'û' => "u",
            'ç' => "c",
            'ñ' => "n",
            _ => "",
        };
        if !mapped.is_empty() || ch.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            if mapped.is_empty() {
                out.push(ch);
            } else {
                out.push_str(mapped);
            }
        } else {
            pending_hyphen = true;
        }
    }
    out.truncate(80);
    out.trim_end_matches('-').to_owned()
}

/// Why a form field was refused. Each error has a German and an English message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldError {
    /// Nothing was entered.
    Required,
    /// Fewer characters than allowed.
    TooShort { min: usize },
    /// More characters than allowed.
    TooLong { max: usize },
    /// Not an e-mail address.
    InvalidEmail,
    /// On the list of common passwords.
    CommonPassword,
    /// The password is the e-mail address or the name.
    PasswordIsPersonal,
    /// The repetition differs.
    PasswordMismatch,
    /// Not one of the offered choices.
    InvalidChoice,
    /// An AGS must have eight digits.
    InvalidAgs,
    /// The AGS's first two digits name another Land.
    AgsOutsideBundesland,
    /// Not an http(s) address.
    InvalidUrl,
    /// The current password is wrong.
    WrongPassword,
    /// The e-mail address already has an account.
    EmailTaken,
    /// Another organisation uses this AGS.
    AgsTaken,
    /// The confirmation word was not typed.
    ConfirmationMissing,
    /// Not a date `YYYY-MM-DD`.
    InvalidDate,
    /// Not a valid SPDX licence expression.
    InvalidLicence,
    /// Not a valid short name for addresses.
    InvalidSlug,
    /// The short name is taken.
    SlugTaken,
    /// More items than allowed.
    TooMany { max: usize },
    /// A list item is too long.
    ItemTooLong { max: usize },
    /// Maintenance by contract needs contractors.
    ContractorsRequired,
    /// Contractors only with maintenance by contract.
    ContractorsOnlyForContract,
    /// The organisation is not one of the person's.
    NotYourOrganisation,
    /// A field the API does not know.
    UnknownField,
    /// Not valid JSON (position of the problem).
    InvalidJson { line: usize, column: usize },
    /// A JSON Schema must be an object.
    SchemaNotObject,
    /// `$schema` names a dialect other than draft 2020-12 or draft-07.
    UnsupportedDialect,
    /// A `$ref` to another document (not fetched).
    RemoteRef { target: String },
    /// Not a valid JSON Schema.
    InvalidSchema { path: String, detail: String },
    /// An example does not conform to the schema.
    ExampleInvalid {
        index: usize,
        path: String,
        detail: String,
    },
    /// Not a semantic version.
    InvalidVersion,
    /// No data model has this slug.
    UnknownDataModel { slug: String },
    /// A fork goes into another organisation.
    ForkIntoSameOrganisation,
    /// Breaking schema changes need a new major version.
    BreakingNeedsMajor {
        count: usize,
        first_de: String,
        first_en: String,
        next_major: u64,
    },
    /// Markdown with quotes or lists nested deeper than allowed.
    MarkdownTooDeep { max: usize },
    /// Markdown whose HTML would be larger than allowed.
    MarkdownTooLarge { max_kib: usize },
    /// A schema pattern needs backtracking (look-around, back-references); `path` points at it.
    BacktrackingPattern { path: String },
    /// A schema pattern is no regular expression, or too large once compiled.
    InvalidPattern { path: String },
    /// A schema with more JSON values or different patterns than the checker takes.
    SchemaTooComplex {
        max_values: usize,
        max_patterns: usize,
    },
    /// Data with more JSON values than the checker takes.
    TooManyValues { max: usize },
    /// Data larger than the checker takes.
    PayloadTooLarge { max_kib: usize },
    /// A check ran out of its time or work budget and was stopped.
    CheckOverBudget { seconds: u64 },
    /// Too many checks run at once just now.
    CheckBusy,
}

impl From<crate::markdown::MarkdownProblem> for FieldError {
    fn from(problem: crate::markdown::MarkdownProblem) -> Self {
        match problem {
            crate::markdown::MarkdownProblem::TooDeep { max } => {
                FieldError::MarkdownTooDeep { max }
            }
            crate::markdown::MarkdownProblem::TooLarge { max_kib } => {
                FieldError::MarkdownTooLarge { max_kib }
            }
        }
    }
}

impl FieldError {
    /// The message shown beside the field.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::{De, En};
        match (self, lang) {
            (FieldError::Required, De) => "Bitte füllen Sie dieses Feld aus.".into(),
            (FieldError::Required, En) => "Please fill in this field.".into(),
            (FieldError::TooShort { min }, De) => format!("Bitte mindestens {min} Zeichen eingeben."),
            (FieldError::TooShort { min }, En) => format!("Please enter at least {min} characters."),
            (FieldError::TooLong { max }, De) => format!("Bitte höchstens {max} Zeichen eingeben."),
            (FieldError::TooLong { max }, En) => format!("Please enter at most {max} characters."),
            (FieldError::InvalidEmail, De) => "Bitte eine E-Mail-Adresse in der Form name@beispiel.de eingeben.".into(),
            (FieldError::InvalidEmail, En) => "Please enter an e-mail address like name@example.org.".into(),
            (FieldError::CommonPassword, De) => {
                "Dieses Passwort ist zu verbreitet und wird zuerst ausprobiert. Bitte wählen Sie ein anderes, z. B. einen Satz aus mehreren Wörtern.".into()
            }
            (FieldError::CommonPassword, En) => {
                "This password is too common and would be guessed first. Please choose another one, e.g. a sentence of several words.".into()
            }
            (FieldError::PasswordIsPersonal, De) => "Das Passwort darf nicht Ihr Name oder Ihre E-Mail-Adresse sein.".into(),
            (FieldError::PasswordIsPersonal, En) => "The password must not be your name or e-mail address.".into(),
            (FieldError::PasswordMismatch, De) => "Die beiden Passwörter stimmen nicht überein.".into(),
            (FieldError::PasswordMismatch, En) => "The two passwords do not match.".into(),
            (FieldError::InvalidChoice, De) => "Bitte wählen Sie einen der angebotenen Werte.".into(),
            (FieldError::InvalidChoice, En) => "Please choose one of the offered values.".into(),
            (FieldError::InvalidAgs, De) => "Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern, z. B. 08421000.".into(),
            (FieldError::InvalidAgs, En) => "The official municipality key has exactly 8 digits, e.g. 08421000.".into(),
            (FieldError::AgsOutsideBundesland, De) => {
                "Die ersten beiden Ziffern des Gemeindeschlüssels passen nicht zum gewählten Bundesland.".into()
            }
            (FieldError::AgsOutsideBundesland, En) => "The key's first two digits do not match the chosen federal state.".into(),
            (FieldError::InvalidUrl, De) => "Bitte eine Adresse eingeben, die mit https:// oder http:// beginnt.".into(),
            (FieldError::InvalidUrl, En) => "Please enter an address starting with https:// or http://.".into(),
            (FieldError::WrongPassword, De) => "Das aktuelle Passwort ist nicht richtig.".into(),
            (FieldError::WrongPassword, En) => "The current password is not correct.".into(),
            (FieldError::EmailTaken, De) => {
                "Für diese E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an.".into()
            }
            (FieldError::EmailTaken, En) => "There is already an account for this e-mail address. Please log in.".into(),
            (FieldError::AgsTaken, De) => "Eine andere Organisation hat bereits diesen Gemeindeschlüssel.".into(),
            (FieldError::AgsTaken, En) => "Another organisation already has this key.".into(),
            (FieldError::ConfirmationMissing, De) => "Bitte geben Sie zur Bestätigung das Wort LÖSCHEN ein.".into(),
            (FieldError::ConfirmationMissing, En) => "Please type the word LÖSCHEN to confirm.".into(),
            (FieldError::InvalidDate, De) => "Bitte ein Datum in der Form JJJJ-MM-TT eingeben, z. B. 2026-03-31.".into(),
            (FieldError::InvalidDate, En) => "Please enter a date as YYYY-MM-DD, e.g. 2026-03-31.".into(),
            (FieldError::InvalidLicence, De) => {
                "Bitte eine SPDX-Lizenzangabe eingeben, z. B. EUPL-1.2 oder „MIT OR Apache-2.0“.".into()
            }
            (FieldError::InvalidLicence, En) => "Please enter an SPDX licence expression, e.g. EUPL-1.2 or \"MIT OR Apache-2.0\".".into(),
            (FieldError::InvalidSlug, De) => {
                "Der Kurzname darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche enthalten (2–80 Zeichen).".into()
            }
            (FieldError::InvalidSlug, En) => "The short name may only contain lower-case letters, digits and single hyphens (2–80).".into(),
            (FieldError::SlugTaken, De) => "Dieser Kurzname ist schon vergeben. Bitte wählen Sie einen anderen.".into(),
            (FieldError::SlugTaken, En) => "This short name is taken. Please choose another one.".into(),
            (FieldError::TooMany { max }, De) => format!("Bitte höchstens {max} Einträge angeben."),
            (FieldError::TooMany { max }, En) => format!("Please give at most {max} items."),
            (FieldError::ItemTooLong { max }, De) => format!("Jeder Eintrag darf höchstens {max} Zeichen lang sein."),
            (FieldError::ItemTooLong { max }, En) => format!("Each item may have at most {max} characters."),
            (FieldError::ContractorsRequired, De) => {
                "Bei Pflege per Vertrag bitte mindestens einen Dienstleister mit Vertragsende angeben.".into()
            }
            (FieldError::ContractorsRequired, En) => "Maintenance under contract needs at least one contractor.".into(),
            (FieldError::ContractorsOnlyForContract, De) => {
                "Dienstleister werden nur bei Pflege per Vertrag angegeben. Bitte Pflegeart ändern oder Dienstleister leeren.".into()
            }
            (FieldError::ContractorsOnlyForContract, En) => "Contractors are only given for maintenance under contract.".into(),
            (FieldError::NotYourOrganisation, De) => "Bitte wählen Sie eine Organisation, der Sie angehören.".into(),
            (FieldError::NotYourOrganisation, En) => "Please choose an organisation you belong to.".into(),
            (FieldError::UnknownField, De) => "Dieses Feld gibt es nicht; bitte weglassen oder den Namen prüfen.".into(),
            (FieldError::UnknownField, En) => "There is no such field; please leave it out or check its name.".into(),
            (FieldError::InvalidJson { line, column }, De) => {
                format!("Kein gültiges JSON: Fehler in Zeile {line}, Spalte {column}.")
            }
            (FieldError::InvalidJson { line, column }, En) => format!("Not valid JSON: error at line {line}, column {column}."),
            (FieldError::SchemaNotObject, De) => "Ein JSON-Schema ist ein Objekt in geschweiften Klammern { … }.".into(),
            (FieldError::SchemaNotObject, En) => "A JSON Schema is an object in curly braces { … }.".into(),
            (FieldError::UnsupportedDialect, De) => {
                "Bitte JSON Schema draft 2020-12 oder draft-07 verwenden (Angabe in „$schema“).".into()
            }
            (FieldError::UnsupportedDialect, En) => "Please use JSON Schema draft 2020-12 or draft-07 (in \"$schema\").".into(),
            (FieldError::RemoteRef { target }, De) => {
                format!("Verweise auf andere Dokumente werden nicht geladen: „{target}“. Bitte die Definition in das Schema übernehmen ($defs).")
            }
            (FieldError::RemoteRef { target }, En) => format!("References to other documents are not fetched: \"{target}\". Please copy the definition into $defs."),
            (FieldError::InvalidSchema { path, detail }, De) => {
                format!("Kein gültiges JSON-Schema{}: {detail}", if path.is_empty() { String::new() } else { format!(" (bei {path})") })
            }
            (FieldError::InvalidSchema { path, detail }, En) => {
                format!("Not a valid JSON Schema{}: {detail}", if path.is_empty() { String::new() } else { format!(" (at {path})") })
            }
            (FieldError::ExampleInvalid { index, path, detail }, De) => {
                format!("Beispiel {index} passt nicht zum Schema{}: {detail}", if path.is_empty() { String::new() } else { format!(" (bei {path})") })
            }
            (FieldError::ExampleInvalid { index, path, detail }, En) => {
                format!("Example {index} does not match the schema{}: {detail}", if path.is_empty() { String::new() } else { format!(" (at {path})") })
            }
            (FieldError::InvalidVersion, De) => "Bitte eine Versionsnummer nach Semantic Versioning angeben, z. B. 1.0.0.".into(),
            (FieldError::InvalidVersion, En) => "Please give a semantic version, e.g. 1.0.0.".into(),
            (FieldError::UnknownDataModel { slug }, De) => {
                format!("Es gibt kein Datenmodell mit dem Kurznamen „{slug}“ (siehe Adresse des Datenmodells).")
            }
            (FieldError::UnknownDataModel { slug }, En) => format!("There is no data model with the short name \"{slug}\"."),
            (FieldError::ForkIntoSameOrganisation, De) => {
                "Ein Fork entsteht in einer anderen Organisation; diese Organisation hat den Eintrag bereits.".into()
            }
            (FieldError::ForkIntoSameOrganisation, En) => "A fork goes into another organisation; this one already owns the entry.".into(),
            (FieldError::BreakingNeedsMajor { count, first_de, next_major, .. }, De) => format!(
                "Das Schema enthält {count} inkompatible Änderung(en), z. B.: {first_de}. Wer das Modell nutzt, muss sich darauf einstellen – bitte die Version auf {next_major}.0.0 erhöhen oder die Änderung zurücknehmen."
            ),
            (FieldError::BreakingNeedsMajor { count, first_en, next_major, .. }, En) => format!(
                "The schema has {count} incompatible change(s), e.g.: {first_en}. Please raise the version to {next_major}.0.0 or undo the change."
            ),
            (FieldError::MarkdownTooDeep { max }, De) => format!(
                "Der Text ist zu tief verschachtelt: höchstens {max} Ebenen aus Zitaten (>) und Listen ineinander. Bitte flacher gliedern."
            ),
            (FieldError::MarkdownTooDeep { max }, En) => {
                format!("The text is nested too deeply: at most {max} levels of quotes (>) and lists. Please flatten it.")
            }
            (FieldError::MarkdownTooLarge { max_kib }, De) => format!(
                "Der Text ergibt zu viel HTML (höchstens {max_kib} KiB). Bitte Tabellen, Listen oder wiederholte Links kürzen."
            ),
            (FieldError::MarkdownTooLarge { max_kib }, En) => {
                format!("The text renders to too much HTML (at most {max_kib} KiB). Please shorten tables, lists or repeated links.")
            }
            (FieldError::BacktrackingPattern { path }, De) => format!(
                "Das Muster unter {path} nutzt Rückverweise oder Lookaround; Allmende prüft nur Muster ohne Rückverfolgung."
            ),
            (FieldError::BacktrackingPattern { path }, En) => format!(
                "The pattern at {path} uses back-references or look-around; Allmende only checks patterns without backtracking."
            ),
            (FieldError::InvalidPattern { path }, De) => {
                format!("Das Muster unter {path} ist kein gültiger regulärer Ausdruck oder zu umfangreich.")
            }
            (FieldError::InvalidPattern { path }, En) => format!("The pattern at {path} is not a valid regular expression or too large."),
            (FieldError::SchemaTooComplex { max_values, max_patterns }, De) => format!(
                "Das Schema ist zu umfangreich: Allmende prüft Schemas mit höchstens {max_values} JSON-Werten und {max_patterns} verschiedenen Mustern."
            ),
            (FieldError::SchemaTooComplex { max_values, max_patterns }, En) => format!(
                "The schema is too large: Allmende checks schemas with at most {max_values} JSON values and {max_patterns} different patterns."
            ),
            (FieldError::TooManyValues { max }, De) => {
                format!("Die Daten enthalten zu viele JSON-Werte: Allmende prüft höchstens {max} Werte auf einmal.")
            }
            (FieldError::TooManyValues { max }, En) => format!("The data holds too many JSON values: Allmende checks at most {max} at once."),
            (FieldError::PayloadTooLarge { max_kib }, De) => format!("Die Daten sind zu groß: Allmende prüft höchstens {max_kib} KiB auf einmal."),
            (FieldError::PayloadTooLarge { max_kib }, En) => format!("The data is too large: Allmende checks at most {max_kib} KiB at once."),
            (FieldError::CheckOverBudget { seconds }, De) => format!(
                "Die Prüfung war zu aufwendig und wurde nach höchstens {seconds} Sekunden abgebrochen. Bitte das Schema vereinfachen (z. B. weniger verschachtelte anyOf/oneOf) oder kleinere Daten prüfen."
            ),
            (FieldError::CheckOverBudget { seconds }, En) => format!(
                "The check took too much work and was stopped after at most {seconds} seconds. Please simplify the schema (e.g. fewer nested anyOf/oneOf) or check smaller data."
            ),
            (FieldError::CheckBusy, De) => "Gerade laufen zu viele Prüfungen gleichzeitig. Bitte in einigen Sekunden erneut versuchen.".into(),
            (FieldError::CheckBusy, En) => "Too many checks are running right now. Please try again in a few seconds.".into(),
        }
    }
}

/// Field errors of a form, by field name.
pub type FieldErrors = std::collections::BTreeMap<String, FieldError>;

/// Shortest and longest password, in characters. No composition rules (NIST SP 800-63B).
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=128;

/// The most common passwords (and variants German users pick), refused at registration and
/// password change. Compared case-insensitively.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Whether the password is on the list of common passwords.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && !common.starts_with('#') && common == lower)
}

/// Checks a new password against the rules; `name` and `email` must not be the password.
pub fn check_new_password(password: &str, name: &str, email: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars == 0 {
        return Err(FieldError::Required);
    }
    if chars < *PASSWORD_CHARS.start() {
        return Err(FieldError::TooShort {
            min: *PASSWORD_CHARS.start(),
        });
    }
    if chars > *PASSWORD_CHARS.end() {
        return Err(FieldError::TooLong {
            max: *PASSWORD_CHARS.end(),
        });
    }
    let lower = password.to_lowercase();
    if lower == email.trim().to_lowercase()
        || (!name.trim().is_empty() && lower == name.trim().to_lowercase())
    {
        return Err(FieldError::PasswordIsPersonal);
    }
    if is_common_password(password) {
        return Err(FieldError::CommonPassword);
    }
    Ok(())
}

/// An e-mail address, trimmed; the same shape rule as the database (something@domain.tld).
pub fn parse_email(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(FieldError::Required);
    }
    if email.chars().count() > 254 {
        return Err(FieldError::TooLong { max: 254 });
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email.to_owned())
    } else {
        Err(FieldError::InvalidEmail)
    }
}

/// A trimmed text of `min..=max` characters.
pub fn parse_text(raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars == 0 && min > 0 {
        return Err(FieldError::Required);
    }
    if chars < min {
        return Err(FieldError::TooShort { min });
    }
    if chars > max {
        return Err(FieldError::TooLong { max });
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(FieldError::InvalidChoice);
    }
    Ok(text.to_owned())
}

/// What a registration form gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub display_name: String,
    pub email: String,
    pub password: String,
}

impl Registration {
    /// Parses the registration form; all field errors at once.
    pub fn parse(
        name: &str,
        email: &str,
        password: &str,
        repeated: &str,
    ) -> Result<Registration, FieldErrors> {
        let mut errors = FieldErrors::new();
        let display_name = parse_text(name, 1, 120)
            .map_err(|e| errors.insert("name".into(), e))
            .ok();
        let email = parse_email(email)
            .map_err(|e| errors.insert("email".into(), e))
            .ok();
        let _ = check_new_password(password, name, email.as_deref().unwrap_or(""))
            .map_err(|e| errors.insert("password".into(), e));
        if !errors.contains_key("password") && password != repeated {
            errors.insert("password_repeat".into(), FieldError::PasswordMismatch);
        }
        match (display_name, email) {
            (Some(display_name), Some(email)) if errors.is_empty() => Ok(Registration {
                display_name,
                email,
                password: password.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// What the "Organisation anlegen" form gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: crate::model::OrgKind,
    pub bundesland: Option<crate::model::Bundesland>,
    pub ags: Option<String>,
    pub website: Option<String>,
}

/// The two-digit Land prefix of an AGS for a Bundesland.
pub fn ags_prefix(land: crate::model::Bundesland) -> &'static str {
    use crate::model::Bundesland::*;
    match land {
        SH => "01",
        HH => "02",
        NI => "03",
        HB => "04",
        NW => "05",
        HE => "06",
        RP => "07",
        BW => "08",
        BY => "09",
        SL => "10",
        BE => "11",
        BB => "12",
        MV => "13",
        SN => "14",
        ST => "15",
        TH => "16",
    }
}

/// Whether `raw` is an http(s) URL with a host.
pub fn is_web_url(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
                && raw.len() <= 2000
        }
        None => false,
    }
}

impl NewOrganisation {
    /// Parses the form; all field errors at once.
    pub fn parse(
        name: &str,
        kind: &str,
        bundesland: &str,
        ags: &str,
        website: &str,
    ) -> Result<NewOrganisation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = parse_text(name, 2, 200)
            .map_err(|e| errors.insert("name".into(), e))
            .ok();
        let kind = crate::model::OrgKind::parse(kind.trim())
            .ok_or_else(|| errors.insert("kind".into(), FieldError::InvalidChoice))
            .ok();
        let bundesland = match bundesland.trim() {
            "" => None,
            value => match crate::model::Bundesland::parse(value) {
                Some(land) => Some(land),
                None => {
                    errors.insert("bundesland".into(), FieldError::InvalidChoice);
                    None
                }
            },
        };
        let ags: String = ags.chars().filter(|c| !c.is_whitespace()).collect();
        let ags = if ags.is_empty() {
            None
        } else if ags.len() != 8 || !ags.bytes().all(|b| b.is_ascii_digit()) {
            errors.insert("ags".into(), FieldError::InvalidAgs);
            None
        } else {
            if let Some(land) = bundesland
                && !ags.starts_with(ags_prefix(land))
            {
                errors.insert("ags".into(), FieldError::AgsOutsideBundesland);
            }
            Some(ags)
        };
        let website = match website.trim() {
            "" => None,
            url if is_web_url(url) => Some(url.to_owned()),
            _ => {
                errors.insert("website".into(), FieldError::InvalidUrl);
                None
            }
        };
        match (name, kind) {
            (Some(name), Some(kind)) if errors.is_empty() => Ok(NewOrganisation {
                name,
                kind,
                bundesland,
                ags,
                website,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_length_and_blocklist_rules_only() {
        assert_eq!(
            check_new_password("", "Anna", "a@b.de"),
            Err(FieldError::Required)
        );
        assert_eq!(
            check_new_password("kurz123", "Anna", "a@b.de"),
            Err(FieldError::TooShort { min: 8 })
        );
        assert_eq!(
            check_new_password(&"x".repeat(129), "Anna", "a@b.de"),
            Err(FieldError::TooLong { max: 128 })
        );
        assert_eq!(
            check_new_password("Passwort1", "Anna", "a@b.de"),
            Err(FieldError::CommonPassword)
        );
        assert_eq!(
            check_new_password("password", "Anna", "a@b.de"),
            Err(FieldError::CommonPassword)
        );
        assert_eq!(
            check_new_password("anna@beispiel.de", "Anna", "Anna@Beispiel.de"),
            Err(FieldError::PasswordIsPersonal)
        );
        // No composition rules: a long lower-case sentence is fine, and so are umlauts.
        assert_eq!(
            check_new_password("grüne wiese am fluss", "Anna", "a@b.de"),
            Ok(())
        );
        assert_eq!(
            check_new_password(&"ä".repeat(128), "Anna", "a@b.de"),
            Ok(()),
            "characters, not bytes"
        );
    }

    #[test]
    fn registration_reports_every_field_at_once() {
        let errors = Registration::parse("", "keine-adresse", "kurz", "kurz").unwrap_err();
        assert_eq!(errors.get("name"), Some(&FieldError::Required));
        assert_eq!(errors.get("email"), Some(&FieldError::InvalidEmail));
        assert_eq!(
            errors.get("password"),
            Some(&FieldError::TooShort { min: 8 })
        );
        let errors =
            Registration::parse("Anna", "anna@ulm.de", "lange genug hier", "anders").unwrap_err();
        assert_eq!(
            errors.get("password_repeat"),
            Some(&FieldError::PasswordMismatch)
        );
        let ok = Registration::parse(
            " Anna Berg ",
            " anna@ulm.de ",
            "lange genug hier",
            "lange genug hier",
        )
        .unwrap();
        assert_eq!(
            (ok.display_name.as_str(), ok.email.as_str()),
            ("Anna Berg", "anna@ulm.de")
        );
    }

    #[test]
    fn organisations_need_a_kind_and_a_matching_ags() {
        let ok = NewOrganisation::parse(
            "Stadt Ulm",
            "stadt",
            "BW",
            "08 421 000",
            "https://www.ulm.de",
        )
        .unwrap();
        assert_eq!(ok.ags.as_deref(), Some("08421000"));
        let errors = NewOrganisation::parse("U", "burg", "XX", "1234", "ftp://ulm.de").unwrap_err();
        for field in ["name", "kind", "bundesland", "ags", "website"] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
        let errors =
            NewOrganisation::parse("Stadt Ulm", "stadt", "BY", "08421000", "").unwrap_err();
        assert_eq!(errors.get("ags"), Some(&FieldError::AgsOutsideBundesland));
        assert!(
            NewOrganisation::parse("Bundesamt", "bund", "", "", "").is_ok(),
            "AGS and Land are optional"
        );
    }

    #[test]
    fn every_error_has_both_languages() {
        for error in [
            FieldError::Required,
            FieldError::TooShort { min: 8 },
            FieldError::CommonPassword,
            FieldError::AgsTaken,
        ] {
            assert_ne!(
                error.message(crate::i18n::Lang::De),
                error.message(crate::i18n::Lang::En)
            );
        }
    }

    #[test]
    fn german_names_become_readable_slugs() {
        assert_eq!(
            slugify("Sperrmüll-Anmeldung Straße"),
            "sperrmuell-anmeldung-strasse"
        );
        assert_eq!(
            slugify("  Öffentliche   Bücherei (Köln) "),
            "oeffentliche-buecherei-koeln"
        );
        assert!(is_slug(&slugify("Stadt Ulm")));
    }

    #[test]
    fn slugs_reject_uppercase_double_hyphens_and_edges() {
        assert!(is_slug("stadt-ulm"));
        assert!(!is_slug("Stadt-Ulm"));
        assert!(!is_slug("stadt--ulm"));
        assert!(!is_slug("-ulm"));
        assert!(!is_slug("u"));
        assert!(!is_slug(&"a".repeat(81)));
    }
}
