//! The catalogue service on PostgreSQL: list filters and sorting return the right entries,
//! hidden and archived entries stay out, reuse is counted per organisation.

use allmende_server::db::PgCatalogue;
use app::model::{Bundesland, DevelopmentStatus, Domain, EntryKind, OrgKind};
use app::query::{DataModelQuery, OrganisationQuery, SolutionQuery, SortOrder};
use app::service::Catalogue;
use sqlx::PgPool;

use crate::fixtures::{self, solution};

fn query() -> SolutionQuery {
    SolutionQuery {
        page: 1,
        per_page: 20,
        ..Default::default()
    }
}

fn slugs(page: &app::model::Page<app::model::SolutionCard>) -> Vec<&str> {
    page.items.iter().map(|c| c.slug.as_str()).collect()
}

/// Ulm (BW) and Köln (NW) with four solutions of different age, licence, status and category.
async fn sample(pool: &PgPool) -> (uuid::Uuid, uuid::Uuid) {
    let ulm = fixtures::org(pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let koeln = fixtures::org(pool, "stadt-koeln", "Stadt Köln", Some("NW")).await;
    solution(ulm, "termine", "Terminvergabe")
        .categories(&["appointment-scheduling"])
        .created("2025-01-01T00:00:00Z")
        .insert(pool)
        .await;
    solution(ulm, "aerzte", "Ärzteverzeichnis")
        .licence("MIT")
        .created("2025-02-01T00:00:00Z")
        .insert(pool)
        .await;
    solution(koeln, "zeit", "Zeiterfassung")
        .status("beta")
        .categories(&["time-tracking"])
        .created("2025-03-01T00:00:00Z")
        .insert(pool)
        .await;
    solution(koeln, "beteiligung", "Bürgerbeteiligung")
        .categories(&["digital-citizenship", "survey"])
        .created("2025-04-01T00:00:00Z")
        .insert(pool)
        .await;
    (ulm, koeln)
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn each_filter_returns_only_matching_solutions(pool: PgPool) {
    sample(&pool).await;
    let catalogue = PgCatalogue::new(pool);

    let by_state = catalogue
        .solutions(&SolutionQuery {
            state: Some(Bundesland::BW),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&by_state), ["aerzte", "termine"]);
    assert_eq!(by_state.total, 2);

    let by_org = catalogue
        .solutions(&SolutionQuery {
            org: Some("stadt-koeln".into()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&by_org), ["beteiligung", "zeit"]);

    let by_category = catalogue
        .solutions(&SolutionQuery {
            category: Some("survey".into()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&by_category), ["beteiligung"]);

    let by_licence = catalogue
        .solutions(&SolutionQuery {
            licence: Some("MIT".into()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&by_licence), ["aerzte"]);

    let by_status = catalogue
        .solutions(&SolutionQuery {
            status: Some(DevelopmentStatus::Beta),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&by_status), ["zeit"]);

    let combined = catalogue
        .solutions(&SolutionQuery {
            state: Some(Bundesland::NW),
            category: Some("time-tracking".into()),
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(slugs(&combined), ["zeit"]);

    let none = catalogue
        .solutions(&SolutionQuery {
            state: Some(Bundesland::SL),
            ..query()
        })
        .await
        .unwrap();
    assert!(none.items.is_empty());
    assert_eq!(none.total, 0);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn sorting_by_newest_name_and_reuse(pool: PgPool) {
    let (ulm, koeln) = sample(&pool).await;
    let catalogue = PgCatalogue::new(pool.clone());

    let newest = catalogue.solutions(&query()).await.unwrap();
    assert_eq!(slugs(&newest), ["beteiligung", "zeit", "aerzte", "termine"]);

    // German collation: "Ärzte" sorts with A, "Bürger" with B.
    let by_name = catalogue
        .solutions(&SolutionQuery {
            sort: SortOrder::Name,
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(
        slugs(&by_name),
        ["aerzte", "beteiligung", "termine", "zeit"]
    );

    // "termine" is adopted by Köln and forked by a third organisation; "zeit" adopted by Ulm.
    let leipzig = fixtures::org(&pool, "stadt-leipzig", "Stadt Leipzig", Some("SN")).await;
    let termine: uuid::Uuid = sqlx::query_scalar("select id from solutions where slug = 'termine'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let zeit: uuid::Uuid = sqlx::query_scalar("select id from solutions where slug = 'zeit'")
        .fetch_one(&pool)
        .await
        .unwrap();
    fixtures::adopt(&pool, koeln, termine).await;
    solution(leipzig, "termine-leipzig", "Terminvergabe Leipzig")
        .fork_of(termine)
        .insert(&pool)
        .await;
    fixtures::adopt(&pool, ulm, zeit).await;

    let reused = catalogue
        .solutions(&SolutionQuery {
            sort: SortOrder::Reused,
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(&slugs(&reused)[..2], ["termine", "zeit"]);
    assert_eq!(reused.items[0].reuse_count, 2);
    assert_eq!(reused.items[1].reuse_count, 1);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn reuse_counts_each_organisation_once(pool: PgPool) {
    let (ulm, koeln) = sample(&pool).await;
    let termine: uuid::Uuid = sqlx::query_scalar("select id from solutions where slug = 'termine'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Köln both adopts and forks: still one organisation. Ulm's own fork does not count.
    fixtures::adopt(&pool, koeln, termine).await;
    solution(koeln, "termine-koeln", "Terminvergabe Köln")
        .fork_of(termine)
        .insert(&pool)
        .await;
    solution(ulm, "termine-ulm-2", "Terminvergabe Ulm 2")
        .fork_of(termine)
        .insert(&pool)
        .await;
    let detail = PgCatalogue::new(pool)
        .solution("termine")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.reuse_count, 1);
    assert_eq!(detail.forks.len(), 2);
    assert_eq!(detail.adopters.len(), 1);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn paging_splits_the_list_and_reports_the_total(pool: PgPool) {
    sample(&pool).await;
    let catalogue = PgCatalogue::new(pool);
    let first = catalogue
        .solutions(&SolutionQuery {
            per_page: 3,
            ..query()
        })
        .await
        .unwrap();
    let second = catalogue
        .solutions(&SolutionQuery {
            per_page: 3,
            page: 2,
            ..query()
        })
        .await
        .unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(second.items.len(), 1);
    assert_eq!((first.total, second.total), (4, 4));
    assert_eq!(first.page_count(), 2);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn hidden_and_archived_entries_stay_out_of_lists(pool: PgPool) {
    let (_, koeln) = sample(&pool).await;
    sqlx::query("update solutions set archived_at = now() where slug = 'termine'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update solutions set hidden = true where slug = 'aerzte'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update organisations set hidden = true where id = $1")
        .bind(koeln)
        .execute(&pool)
        .await
        .unwrap();
    let catalogue = PgCatalogue::new(pool);
    let page = catalogue.solutions(&query()).await.unwrap();
    assert!(page.items.is_empty(), "{:?}", slugs(&page));
    // An archived entry stays reachable by its address and says so; a hidden one does not.
    assert!(
        catalogue
            .solution("termine")
            .await
            .unwrap()
            .unwrap()
            .archived
    );
    assert!(catalogue.solution("aerzte").await.unwrap().is_none());
    assert!(
        catalogue
            .organisation("stadt-koeln")
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_solution_detail_renders_markdown_and_lineage(pool: PgPool) {
    let (ulm, koeln) = sample(&pool).await;
    let termine: uuid::Uuid = sqlx::query_scalar("select id from solutions where slug = 'termine'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let fork = solution(koeln, "termine-koeln", "Terminvergabe Köln")
        .fork_of(termine)
        .insert(&pool)
        .await;
    solution(ulm, "termine-ulm-enkel", "Enkel")
        .fork_of(fork)
        .insert(&pool)
        .await;
    let catalogue = PgCatalogue::new(pool);
    let detail = catalogue.solution("termine-koeln").await.unwrap().unwrap();
    assert_eq!(detail.forked_from.as_ref().unwrap().slug, "termine");
    assert_eq!(
        detail
            .forks
            .iter()
            .map(|f| f.slug.as_str())
            .collect::<Vec<_>>(),
        ["termine-ulm-enkel"]
    );
    assert!(
        detail
            .long_description_html
            .as_str()
            .contains("<strong>Markdown</strong>")
    );
    assert!(
        detail
            .long_description_html
            .as_str()
            .contains("<h3>Titel</h3>"),
        "headings in descriptions start at h3"
    );
    assert_eq!(detail.organisation.kind, OrgKind::Stadt);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn data_models_filter_by_domain_and_keep_schema_key_order(pool: PgPool) {
    let ulm = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let koeln = fixtures::org(&pool, "stadt-koeln", "Stadt Köln", Some("NW")).await;
    fixtures::data_model(&pool, ulm, "parkplaetze", "Parkplatzbelegung", "mobilitaet").await;
    fixtures::data_model(&pool, koeln, "luft", "Luftqualität", "umwelt").await;
    let catalogue = PgCatalogue::new(pool);
    let page = catalogue
        .data_models(&DataModelQuery {
            domain: Some(Domain::Umwelt),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|m| m.slug.as_str())
            .collect::<Vec<_>>(),
        ["luft"]
    );
    let detail = catalogue.data_model("parkplaetze").await.unwrap().unwrap();
    let paths: Vec<&str> = detail.properties.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["id", "wert"], "properties keep the authored order");
    assert!(detail.properties[0].required);
    let options = catalogue
        .filter_options(EntryKind::DataModel)
        .await
        .unwrap();
    assert_eq!(options.domains.len(), 2);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn organisations_list_with_counts_and_filters(pool: PgPool) {
    let (ulm, _) = sample(&pool).await;
    fixtures::data_model(&pool, ulm, "parkplaetze", "Parkplatzbelegung", "mobilitaet").await;
    let catalogue = PgCatalogue::new(pool);
    let all = catalogue
        .organisations(&OrganisationQuery {
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        all.items
            .iter()
            .map(|o| o.slug.as_str())
            .collect::<Vec<_>>(),
        ["stadt-koeln", "stadt-ulm"]
    );
    let ulm_card = &all.items[1];
    assert_eq!((ulm_card.solution_count, ulm_card.data_model_count), (2, 1));
    let bw = catalogue
        .organisations(&OrganisationQuery {
            state: Some(Bundesland::BW),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(bw.total, 1);
    let page = catalogue.organisation("stadt-ulm").await.unwrap().unwrap();
    assert_eq!(page.solutions.len(), 2);
    assert_eq!(page.data_models.len(), 1);
}

/// Serving pools plan each statement for its parameters: a generic plan of the list
/// statements (whose filters are `$n is null or …`) walked every organisation.
#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn serving_connections_plan_every_statement_for_its_parameters(pool: PgPool) {
    sample(&pool).await;
    let options = (*pool.connect_options()).clone();
    let serving = allmende_server::db::pool_options()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("show plan_cache_mode")
        .fetch_one(&serving)
        .await
        .unwrap();
    assert_eq!(mode, "force_custom_plan");
    // Past the five executions after which PostgreSQL may switch to a generic plan, the
    // same statement still answers every filter correctly on that connection.
    let catalogue = PgCatalogue::new(serving.clone());
    for _ in 0..7 {
        let all = catalogue.solutions(&query()).await.unwrap();
        assert_eq!(all.total, 4);
    }
    let by_state = catalogue
        .solutions(&SolutionQuery {
            state: Some(Bundesland::BW),
            ..query()
        })
        .await
        .unwrap();
    assert!(
        by_state
            .items
            .iter()
            .all(|c| c.organisation.slug == "stadt-ulm")
    );
    assert!(!by_state.items.is_empty());
    let plain: String = sqlx::query_scalar("show plan_cache_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        plain, "auto",
        "a pool made without pool_options keeps the default"
    );
}
