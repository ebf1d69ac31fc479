//! Notices the server's page handlers show after an action (saved, logged in wrongly,
//! created, removed …), in German and English.

/// Short confirmations and refusals shown above a form after the server handled it.
pub struct Notices {
    pub saved: &'static str,
    pub login_failed: &'static str,
    pub password_changed: &'static str,
    pub organisation_created: &'static str,
    pub invitation_created: &'static str,
    pub role_changed: &'static str,
    pub member_removed: &'static str,
    pub invitation_withdrawn: &'static str,
    pub token_created: &'static str,
    pub token_revoked: &'static str,
    pub choose_your_organisation: &'static str,
    /// After registering and logging in for the first time.
    pub welcome: &'static str,
}

/// German notices.
pub(crate) const DE: Notices = Notices {
    saved: "Gespeichert.",
    login_failed: "E-Mail-Adresse oder Passwort ist nicht richtig.",
    password_changed: "Ihr Passwort ist geändert. Alle anderen Sitzungen wurden beendet.",
    organisation_created: "Die Organisation ist angelegt. Sie sind ihre Administration und können jetzt Mitglieder einladen.",
    invitation_created: "Die Einladung ist angelegt. Geben Sie den Link unten an die Person weiter (14 Tage gültig).",
    role_changed: "Die Rolle ist geändert.",
    member_removed: "Das Mitglied ist entfernt.",
    invitation_withdrawn: "Die Einladung ist zurückgezogen.",
    token_created: "Das Token ist erstellt. Kopieren Sie es jetzt: Es wird nur dieses eine Mal angezeigt.",
    token_revoked: "Das Token ist widerrufen und gilt ab sofort nicht mehr.",
    choose_your_organisation: "Bitte wählen Sie eine Ihrer Organisationen.",
    welcome: "Willkommen! Ihr Konto ist angelegt und Sie sind angemeldet.",
};

/// English notices.
pub(crate) const EN: Notices = Notices {
    saved: "Saved.",
    login_failed: "E-mail address or password is not correct.",
    password_changed: "Your password is changed. All other sessions were ended.",
    organisation_created: "The organisation is created. You are its administrator and can invite members now.",
    invitation_created: "The invitation is created. Pass the link below to the person (valid for 14 days).",
    role_changed: "The role is changed.",
    member_removed: "The member is removed.",
    invitation_withdrawn: "The invitation is withdrawn.",
    token_created: "The token is created. Copy it now: it is shown only this once.",
    token_revoked: "The token is revoked.",
    choose_your_organisation: "Please choose one of your organisations.",
    welcome: "Welcome! Your account is ready.",
};
