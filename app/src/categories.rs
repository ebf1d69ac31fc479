//! The publiccode.yml category list with German and English labels.

use crate::i18n::Lang;

/// (value, German label, English label) for every publiccode.yml category.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("accounting", "Buchhaltung", "Accounting"),
    (
        "agile-project-management",
        "Agiles Projektmanagement",
        "Agile project management",
    ),
    (
        "applicant-tracking",
        "Bewerbermanagement",
        "Applicant tracking",
    ),
    (
        "application-development",
        "Anwendungsentwicklung",
        "Application development",
    ),
    (
        "appointment-scheduling",
        "Terminvereinbarung",
        "Appointment scheduling",
    ),
    ("backup", "Datensicherung", "Backup"),
    (
        "billing-and-invoicing",
        "Rechnungsstellung",
        "Billing and invoicing",
    ),
    ("blog", "Blog", "Blog"),
    ("budgeting", "Haushaltsplanung", "Budgeting"),
    (
        "business-intelligence",
        "Business Intelligence",
        "Business intelligence",
    ),
    (
        "business-process-management",
        "Geschäftsprozessmanagement",
        "Business process management",
    ),
    ("cad", "CAD", "CAD"),
    (
        "call-center-management",
        "Callcenter und Behördennummer",
        "Call centre management",
    ),
    ("cloud-management", "Cloud-Verwaltung", "Cloud management"),
    ("collaboration", "Zusammenarbeit", "Collaboration"),
    ("communications", "Kommunikation", "Communications"),
    (
        "compliance-management",
        "Compliance",
        "Compliance management",
    ),
    (
        "contact-management",
        "Kontaktverwaltung",
        "Contact management",
    ),
    (
        "content-management",
        "Content-Management",
        "Content management",
    ),
    ("crm", "Kundenbeziehungsmanagement (CRM)", "CRM"),
    (
        "customer-service-and-support",
        "Bürgerservice und Support",
        "Customer service and support",
    ),
    ("data-analytics", "Datenanalyse", "Data analytics"),
    ("data-collection", "Datenerhebung", "Data collection"),
    (
        "data-visualization",
        "Datenvisualisierung",
        "Data visualisation",
    ),
    ("design", "Gestaltung", "Design"),
    ("design-system", "Designsystem", "Design system"),
    (
        "digital-asset-management",
        "Medienverwaltung",
        "Digital asset management",
    ),
    (
        "digital-citizenship",
        "Digitale Bürgerbeteiligung",
        "Digital citizenship",
    ),
    (
        "document-management",
        "Dokumentenmanagement",
        "Document management",
    ),
    ("donor-management", "Spendenverwaltung", "Donor management"),
    ("e-commerce", "Onlinehandel", "E-commerce"),
    ("e-signature", "Elektronische Signatur", "E-signature"),
    ("educational-content", "Lerninhalte", "Educational content"),
    ("email-management", "E-Mail-Verwaltung", "Email management"),
    ("email-marketing", "E-Mail-Newsletter", "Email marketing"),
    (
        "employee-management",
        "Personalverwaltung",
        "Employee management",
    ),
    (
        "enterprise-project-management",
        "Projektportfoliomanagement",
        "Enterprise project management",
    ),
    (
        "enterprise-social-networking",
        "Internes soziales Netzwerk",
        "Enterprise social networking",
    ),
    ("erp", "Ressourcenplanung (ERP)", "ERP"),
    (
        "event-management",
        "Veranstaltungsmanagement",
        "Event management",
    ),
    (
        "facility-management",
        "Gebäudemanagement",
        "Facility management",
    ),
    (
        "feedback-and-reviews-management",
        "Rückmeldungen und Bewertungen",
        "Feedback and reviews management",
    ),
    (
        "financial-reporting",
        "Finanzberichte",
        "Financial reporting",
    ),
    ("fleet-management", "Fuhrparkmanagement", "Fleet management"),
    ("fundraising", "Mittelakquise", "Fundraising"),
    ("gamification", "Gamification", "Gamification"),
    (
        "geographic-information-systems",
        "Geoinformationssysteme (GIS)",
        "Geographic information systems",
    ),
    (
        "grant-management",
        "Fördermittelverwaltung",
        "Grant management",
    ),
    ("graphic-design", "Grafikdesign", "Graphic design"),
    ("help-desk", "Helpdesk", "Help desk"),
    ("hr", "Personalwesen", "HR"),
    ("ide", "Entwicklungsumgebung", "IDE"),
    (
        "identity-management",
        "Identitätsmanagement",
        "Identity management",
    ),
    (
        "instant-messaging",
        "Sofortnachrichten",
        "Instant messaging",
    ),
    (
        "integrated-library-system",
        "Bibliothekssystem",
        "Integrated library system",
    ),
    (
        "inventory-management",
        "Inventarverwaltung",
        "Inventory management",
    ),
    ("it-asset-management", "IT-Inventar", "IT asset management"),
    ("it-development", "IT-Entwicklung", "IT development"),
    ("it-management", "IT-Management", "IT management"),
    ("it-security", "IT-Sicherheit", "IT security"),
    (
        "it-service-management",
        "IT-Service-Management",
        "IT service management",
    ),
    (
        "knowledge-management",
        "Wissensmanagement",
        "Knowledge management",
    ),
    (
        "learning-management-system",
        "Lernplattform",
        "Learning management system",
    ),
    ("marketing", "Marketing", "Marketing"),
    ("mind-mapping", "Mindmapping", "Mind mapping"),
    ("mobile-marketing", "Mobiles Marketing", "Mobile marketing"),
    ("mobile-payment", "Mobiles Bezahlen", "Mobile payment"),
    (
        "network-management",
        "Netzwerkverwaltung",
        "Network management",
    ),
    ("office", "Bürosoftware", "Office"),
    ("online-booking", "Onlinebuchung", "Online booking"),
    (
        "online-community",
        "Online-Gemeinschaft",
        "Online community",
    ),
    ("other", "Sonstiges", "Other"),
    ("payment-gateway", "Zahlungsabwicklung", "Payment gateway"),
    ("payroll", "Lohn- und Gehaltsabrechnung", "Payroll"),
    ("predictive-analysis", "Prognose", "Predictive analysis"),
    ("procurement", "Beschaffung", "Procurement"),
    (
        "productivity-suite",
        "Produktivitätssoftware",
        "Productivity suite",
    ),
    (
        "project-collaboration",
        "Projektzusammenarbeit",
        "Project collaboration",
    ),
    (
        "project-management",
        "Projektmanagement",
        "Project management",
    ),
    (
        "property-management",
        "Liegenschaftsverwaltung",
        "Property management",
    ),
    (
        "real-estate-management",
        "Immobilienmanagement",
        "Real estate management",
    ),
    (
        "regulations-and-directives",
        "Vorschriften und Richtlinien",
        "Regulations and directives",
    ),
    ("remote-support", "Fernwartung", "Remote support"),
    (
        "resource-management",
        "Ressourcenverwaltung",
        "Resource management",
    ),
    ("sales-management", "Vertrieb", "Sales management"),
    ("seo", "Suchmaschinenoptimierung", "SEO"),
    ("service-desk", "Servicedesk", "Service desk"),
    (
        "social-media-management",
        "Soziale Medien",
        "Social media management",
    ),
    ("survey", "Umfragen", "Survey"),
    ("talent-management", "Talentmanagement", "Talent management"),
    ("task-management", "Aufgabenverwaltung", "Task management"),
    (
        "taxes-management",
        "Steuern und Abgaben",
        "Taxes management",
    ),
    ("test-management", "Testmanagement", "Test management"),
    ("time-management", "Zeitmanagement", "Time management"),
    ("time-tracking", "Zeiterfassung", "Time tracking"),
    ("translation", "Übersetzung", "Translation"),
    ("video-conferencing", "Videokonferenz", "Video conferencing"),
    ("video-editing", "Videobearbeitung", "Video editing"),
    (
        "visitor-management",
        "Besucherverwaltung",
        "Visitor management",
    ),
    ("voip", "Internettelefonie (VoIP)", "VoIP"),
    (
        "warehouse-management",
        "Lagerverwaltung",
        "Warehouse management",
    ),
    (
        "web-collaboration",
        "Webbasierte Zusammenarbeit",
        "Web collaboration",
    ),
    ("web-conferencing", "Webkonferenz", "Web conferencing"),
    ("website-builder", "Website-Baukasten", "Website builder"),
    ("whistleblowing", "Hinweisgebersystem", "Whistleblowing"),
    (
        "workflow-management",
        "Workflow-Management",
        "Workflow management",
    ),
];

/// The label of a category value; unknown values are shown as they are.
pub fn category_label(value: &str, lang: Lang) -> String {
    CATEGORIES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, de, en)| match lang {
            Lang::De => (*de).to_owned(),
            Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| value.to_owned())
}

/// Whether `value` is on the publiccode.yml category list.
pub fn is_category(value: &str) -> bool {
    CATEGORIES.iter().any(|(v, _, _)| *v == value)
}

/// Label of a publiccode.yml platform value.
pub fn platform_label(value: &str, lang: Lang) -> String {
    match (value, lang) {
        ("web", Lang::De) => "Web (Browser)".into(),
        ("web", Lang::En) => "Web (browser)".into(),
        ("windows", _) => "Windows".into(),
        ("mac", _) => "macOS".into(),
        ("linux", _) => "Linux".into(),
        ("ios", _) => "iOS".into(),
        ("android", _) => "Android".into(),
        (other, _) => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_unique_values_in_alphabetical_order() {
        let values: Vec<&str> = CATEGORIES.iter().map(|(v, _, _)| *v).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(values, sorted);
    }

    #[test]
    fn unknown_categories_are_shown_verbatim() {
        assert_eq!(category_label("gibt-es-nicht", Lang::De), "gibt-es-nicht");
        assert_eq!(category_label("time-tracking", Lang::De), "Zeiterfassung");
    }
}
