//! The closed vocabularies of publiccode.yml 0.x, as the reference validator
//! (italia/publiccode-parser-go) applies them. All lists are sorted for binary search.

/// Software categories (`categories[]`), sorted.
pub const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "design",
    "design-system",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "educational-content",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "integrated-library-system",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "other",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "regulations-and-directives",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
];

/// Sectors of `intendedAudience.scope[]`, sorted.
pub const SCOPES: &[&str] = &[
    "agriculture",
    "culture",
    "defence",
    "education",
    "emergency-services",
    "employment",
    "energy",
    "environment",
    "finance-and-economic-development",
    "foreign-affairs",
    "government",
    "healthcare",
    "infrastructures",
    "justice",
    "local-authorities",
    "manufacturing",
    "research",
    "science-and-technology",
    "security",
    "society",
    "sport",
    "tourism",
    "transportation",
    "welfare",
];

/// Known aliases of `supports[].id` (written `alias:<name>`), sorted.
pub const SUPPORTS_ALIASES: &[&str] = &[
    "anpr", "cie", "cra", "eidas", "gdpr", "io", "nis2", "pagopa", "spid",
];

/// ISO 3166-1 alpha-2 country codes (the 249 officially assigned ones), sorted.
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Development statuses.
pub const DEVELOPMENT_STATUSES: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];

/// Software types.
pub const SOFTWARE_TYPES: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];

/// Maintenance types.
pub const MAINTENANCE_TYPES: &[&str] = &["internal", "contract", "community", "none"];

/// Values of `publiccodeYmlVersion` this validator reads.
pub const SUPPORTED_VERSIONS: &[&str] = &[
    "0", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5", "0.5.0", "0.7",
    "0.7.0",
];

/// Italian public administration codes (IPA), lower-case and sorted: the vocabulary the
/// reference validator embeds for `urn:x-italian-pa:<code>` organisation URIs
/// (source: publiccodeyml/italian-organizations-ipa-vocabulary, via the reference validator).
const IPA_CODES: &str = include_str!("../../data/it_ipa_codes.txt");

/// Video URL patterns of the oEmbed providers accepted for `description.*.videos[]`
/// (`*` matches any run of characters). A subset of the oEmbed provider registry the
/// reference validator embeds: the video platforms public bodies actually use.
pub const VIDEO_PATTERNS: &[&str] = &[
    "https://*.youtube.com/watch*",
    "https://*.youtube.com/v/*",
    "https://youtu.be/*",
    "https://youtube.com/watch*",
    "https://*.youtube.com/playlist?list=*",
    "https://youtube.com/playlist?list=*",
    "https://*.youtube.com/shorts*",
    "https://*.youtube.com/live*",
    "https://vimeo.com/*",
    "https://player.vimeo.com/video/*",
    "https://www.dailymotion.com/video/*",
    "https://dai.ly/*",
];

fn sorted_contains(list: &[&str], value: &str) -> bool {
    list.binary_search(&value).is_ok()
}

/// Whether `value` is a publiccode.yml category.
pub fn is_category(value: &str) -> bool {
    sorted_contains(CATEGORIES, value)
}

/// Whether `value` is a scope of `intendedAudience.scope`.
pub fn is_scope(value: &str) -> bool {
    sorted_contains(SCOPES, value)
}

/// Whether `value` is an ISO 3166-1 alpha-2 code, written all upper or all lower case.
pub fn is_country(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    (value == upper || value == value.to_ascii_lowercase()) && sorted_contains(COUNTRIES, &upper)
}

/// The IPA codes, one per line of the sorted list.
static IPA_LINES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| IPA_CODES.lines().collect());

/// Whether `code` is a known Italian IPA code (case-insensitive).
pub fn is_ipa_code(code: &str) -> bool {
    sorted_contains(&IPA_LINES, &code.to_lowercase())
}

/// Whether `url` matches one of [`VIDEO_PATTERNS`].
pub fn is_video_url(url: &str) -> bool {
    VIDEO_PATTERNS
        .iter()
        .any(|pattern| wildcard_match(pattern, url))
}

/// `*` matches any run of characters; everything else literally.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = (parts[0], &parts[1..]);
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        let last = i == rest.len() - 1;
        if last {
            return part.is_empty() || remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for list in [
            CATEGORIES,
            SCOPES,
            SUPPORTS_ALIASES,
            COUNTRIES,
            IPA_LINES.as_slice(),
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn vocabularies_answer() {
        assert!(is_category("document-management") && !is_category("no_such_category"));
        assert!(is_country("DE") && is_country("de") && !is_country("De") && !is_country("XX"));
        assert!(
            is_ipa_code("pcm")
                && is_ipa_code("c_h501")
                && is_ipa_code("PCM")
                && !is_ipa_code("no_such_pa")
        );
        assert!(is_ipa_code("00l7m4kw"), "first line");
        assert!(is_video_url("https://www.youtube.com/watch?v=RaHmGbBOP84"));
        assert!(
            is_video_url("https://vimeo.com/12345")
                && !is_video_url("https://example.org/video.mp4")
        );
    }
}
