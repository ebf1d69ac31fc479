//! Reuse counts kept as columns (issue 17, migration 19): after forks, adoptions,
//! withdrawals, archiving, hiding and moves, the counts on lists, detail pages and
//! `/nachnutzung` equal a count from scratch, and the lists give the entries and order of
//! the query they replaced (which counted per row through the `solution_reuse` view).

use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::services::entries::{Entries, EntryKind};
use app::validation::{NewOrganisation, Registration};
use axum::http::StatusCode;
use sqlx::PgPool;

use crate::http::{app, get};

/// The list query before migration 19, counting from scratch per row: what the lists must
/// still show, in this order.
const OLD_SOLUTION_LIST: &str = r#"
select s.slug::text, solution_reuse_count(s.id, s.organisation_id) as n
from visible_solutions s
join organisations o on o.id = s.organisation_id
where s.archived_at is null
  and ($1::text is null or $1 = any (s.categories))
  and ($2::text is null or s.licence = $2)
  and ($3::text is null or s.development_status = $3)
  and ($4::text is null or o.slug = $4)
  and ($5::text is null or o.bundesland = $5)
order by case when $6 = 'reused' then solution_reuse_count(s.id, s.organisation_id) end desc,
         case when $6 <> 'name' then s.created_at end desc,
         case when $6 = 'name' then s.name end collate german,
         s.slug
"#;

const OLD_DATA_MODEL_LIST: &str = r#"
select d.slug::text, data_model_reuse_count(d.id, d.organisation_id) as n
from visible_data_models d
join organisations o on o.id = d.organisation_id
where d.archived_at is null
  and ($1::text is null or d.domain = $1)
  and ($2::text is null or d.licence = $2)
  and ($3::text is null or o.slug = $3)
  and ($4::text is null or o.bundesland = $4)
order by case when $5 = 'reused' then data_model_reuse_count(d.id, d.organisation_id) end desc,
         case when $5 <> 'name' then d.created_at end desc,
         case when $5 = 'name' then d.name end collate german,
         d.slug
"#;

async fn member_of_new_org(pool: &PgPool, email: &str, org: &str, state: &str) -> Actor {
    let accounts = Accounts::new(pool.clone());
    let user = accounts
        .register(
            &Registration::parse(
                "Jan",
                email,
                "gruene wiese am fluss",
                "gruene wiese am fluss",
            )
            .unwrap(),
            false,
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts
        .create_organisation(
            user,
            &NewOrganisation::parse(org, "stadt", state, "", "").unwrap(),
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts.actor(user).await.unwrap()
}

async fn json(router: &axum::Router, path: &str) -> serde_json::Value {
    let (status, _, body) = get(router, path, &[]).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// (slug, reuse count) of every entry of a list, page by page through the API.
async fn api_list(router: &axum::Router, path: &str) -> (Vec<(String, i64)>, i64) {
    let mut out = Vec::new();
    let mut total = 0;
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let body = json(router, &format!("{path}{sep}per_page=7&page={page}")).await;
        total = body["total"].as_i64().unwrap();
        let items = body["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        out.extend(items.iter().map(|i| {
            (
                i["slug"].as_str().unwrap().to_owned(),
                i["reuse_count"].as_i64().unwrap(),
            )
        }));
    }
    (out, total)
}

/// Every stored count equals the count from scratch, and every list (each filter, each
/// order, through all pages) equals the old query.
async fn everything_agrees(pool: &PgPool, router: &axum::Router, after: &str) {
    let (wrong_solutions, wrong_models): (i64, i64) = sqlx::query_as(
        "select (select count(*) from solutions where reuse_count <> solution_reuse_count(id, organisation_id)),
                (select count(*) from data_models where reuse_count <> data_model_reuse_count(id, organisation_id))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        (wrong_solutions, wrong_models),
        (0, 0),
        "after {after}: stored counts differ from a count from scratch"
    );

    // Filters with values the catalogue has.
    let (category, licence, status, org, state): (String, String, String, String, String) =
        sqlx::query_as(
            "select (select c from solutions, unnest(categories) c group by c order by count(*) desc limit 1),
                    (select licence from solutions group by licence order by count(*) desc limit 1),
                    (select development_status from solutions group by 1 order by count(*) desc limit 1),
                    (select o.slug::text from solutions s join organisations o on o.id = s.organisation_id group by 1 order by count(*) desc limit 1),
                    (select o.bundesland from solutions s join organisations o on o.id = s.organisation_id where o.bundesland is not null group by 1 order by count(*) desc limit 1)",
        )
        .fetch_one(pool)
        .await
        .unwrap();
    let none = None::<String>;
    let filters: Vec<(String, [Option<String>; 5])> = vec![
        (
            String::new(),
            [
                none.clone(),
                none.clone(),
                none.clone(),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("category={category}"),
            [
                Some(category.clone()),
                none.clone(),
                none.clone(),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("licence={licence}"),
            [
                none.clone(),
                Some(licence.clone()),
                none.clone(),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("status={status}"),
            [
                none.clone(),
                none.clone(),
                Some(status.clone()),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("org={org}"),
            [
                none.clone(),
                none.clone(),
                none.clone(),
                Some(org.clone()),
                none.clone(),
            ],
        ),
        (
            format!("state={state}"),
            [
                none.clone(),
                none.clone(),
                none.clone(),
                none.clone(),
                Some(state.clone()),
            ],
        ),
    ];
    for sort in ["newest", "name", "reused"] {
        for (query, [c, l, s, o, b]) in &filters {
            let expected: Vec<(String, i64)> =
                sqlx::query_as::<_, (String, i32)>(OLD_SOLUTION_LIST)
                    .bind(c)
                    .bind(l)
                    .bind(s)
                    .bind(o)
                    .bind(b)
                    .bind(sort)
                    .fetch_all(pool)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(slug, n)| (slug, i64::from(n)))
                    .collect();
            let path = format!("/api/v1/solutions?sort={sort}&{query}");
            let (listed, total) = api_list(router, &path).await;
            assert_eq!(listed, expected, "after {after}: {path}");
            assert_eq!(
                total,
                expected.len() as i64,
                "after {after}: total of {path}"
            );
        }
    }

    let (domain, model_licence): (String, String) = sqlx::query_as(
        "select (select domain from data_models group by 1 order by count(*) desc limit 1),
                (select licence from data_models group by 1 order by count(*) desc limit 1)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let model_filters: Vec<(String, [Option<String>; 4])> = vec![
        (
            String::new(),
            [none.clone(), none.clone(), none.clone(), none.clone()],
        ),
        (
            format!("domain={domain}"),
            [
                Some(domain.clone()),
                none.clone(),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("licence={model_licence}"),
            [
                none.clone(),
                Some(model_licence.clone()),
                none.clone(),
                none.clone(),
            ],
        ),
        (
            format!("state={state}"),
            [
                none.clone(),
                none.clone(),
                none.clone(),
                Some(state.clone()),
            ],
        ),
    ];
    for sort in ["newest", "name", "reused"] {
        for (query, [d, l, o, b]) in &model_filters {
            let expected: Vec<(String, i64)> =
                sqlx::query_as::<_, (String, i32)>(OLD_DATA_MODEL_LIST)
                    .bind(d)
                    .bind(l)
                    .bind(o)
                    .bind(b)
                    .bind(sort)
                    .fetch_all(pool)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(slug, n)| (slug, i64::from(n)))
                    .collect();
            let path = format!("/api/v1/data-models?sort={sort}&{query}");
            let (listed, total) = api_list(router, &path).await;
            assert_eq!(listed, expected, "after {after}: {path}");
            assert_eq!(
                total,
                expected.len() as i64,
                "after {after}: total of {path}"
            );
        }
    }

    // /nachnutzung ranks by the same counts.
    let stats = allmende_server::services::reuse::reuse_stats(pool)
        .await
        .unwrap();
    let expected_top: Vec<(String, i64)> = sqlx::query_as(
        "select e.slug::text, solution_reuse_count(e.id, e.organisation_id)::bigint as n
         from visible_solutions e
         where e.archived_at is null and solution_reuse_count(e.id, e.organisation_id) > 0
         order by n desc, e.name limit 10",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let top: Vec<(String, i64)> = stats
        .top_solutions
        .iter()
        .map(|r| (r.slug.clone(), r.reuse_count))
        .collect();
    assert_eq!(
        top, expected_top,
        "after {after}: the ranking of /nachnutzung"
    );
}

async fn detail_count(router: &axum::Router, section: &str, slug: &str) -> i64 {
    json(router, &format!("/api/v1/{section}/{slug}")).await["reuse_count"]
        .as_i64()
        .unwrap()
}

async fn from_scratch(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar::<_, i32>(
        "select solution_reuse_count(id, organisation_id) from solutions where slug = $1",
    )
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
    .into()
}

async fn sql(pool: &PgPool, statement: &str) {
    sqlx::query(statement).execute(pool).await.unwrap();
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn reuse_counts_equal_a_count_from_scratch_after_every_kind_of_change(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let router = app(pool.clone()).await;
    everything_agrees(&pool, &router, "loading the demo catalogue").await;

    let bonn = member_of_new_org(&pool, "jan@bonn.example", "Stadt Bonn", "NW").await;
    let kiel = member_of_new_org(&pool, "eva@kiel.example", "Stadt Kiel", "SH").await;
    let entries = Entries::new(pool.clone());
    let solution = EntryKind::Solution;
    let model = EntryKind::DataModel;
    let (origin, origin_updated): (String, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "select slug::text, updated_at from visible_solutions where archived_at is null order by reuse_count desc, slug limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let model_origin: String = sqlx::query_scalar(
        "select slug::text from visible_data_models where archived_at is null order by slug limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let before = detail_count(&router, "solutions", &origin).await;

    // Forks.
    let fork = entries
        .fork(&bonn, solution, &origin, "stadt-bonn")
        .await
        .unwrap();
    entries
        .fork(&kiel, model, &model_origin, "stadt-kiel")
        .await
        .unwrap();
    assert_eq!(
        detail_count(&router, "solutions", &origin).await,
        before + 1
    );
    everything_agrees(&pool, &router, "forks").await;

    // Adoptions: a second way of the same organisation counts once, another organisation
    // counts, a changed status changes nothing, a withdrawal counts down.
    let adoption = |org: &str| app::editing::AdoptionInput {
        organisation: org.into(),
        status: "pilot".into(),
        since: "2026-01-01".into(),
        ..Default::default()
    };
    entries
        .adopt(&bonn, solution, &origin, &adoption("stadt-bonn"))
        .await
        .unwrap();
    entries
        .adopt(&kiel, solution, &origin, &adoption("stadt-kiel"))
        .await
        .unwrap();
    entries
        .adopt(&bonn, model, &model_origin, &adoption("stadt-bonn"))
        .await
        .unwrap();
    assert_eq!(
        detail_count(&router, "solutions", &origin).await,
        before + 2
    );
    everything_agrees(&pool, &router, "adoptions").await;
    entries
        .adopt(
            &kiel,
            solution,
            &origin,
            &app::editing::AdoptionInput {
                status: "production".into(),
                ..adoption("stadt-kiel")
            },
        )
        .await
        .unwrap();
    entries
        .withdraw(&kiel, solution, &origin, "stadt-kiel")
        .await
        .unwrap();
    assert_eq!(
        detail_count(&router, "solutions", &origin).await,
        before + 1
    );
    everything_agrees(&pool, &router, "a changed and a withdrawn adoption").await;
    let updated: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select updated_at from solutions where slug = $1")
            .bind(&origin)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        updated, origin_updated,
        "a new count is not an edit of the entry"
    );

    // Archiving and hiding the fork, hiding the forking organisation, and back.
    entries
        .set_archived(&bonn, solution, &fork, true)
        .await
        .unwrap();
    everything_agrees(&pool, &router, "archiving the fork").await;
    entries
        .set_archived(&bonn, solution, &fork, false)
        .await
        .unwrap();
    sql(
        &pool,
        &format!("update solutions set hidden = true where slug = '{fork}'"),
    )
    .await;
    everything_agrees(&pool, &router, "hiding the fork").await;
    sql(
        &pool,
        &format!("update solutions set hidden = false where slug = '{fork}'"),
    )
    .await;
    sql(
        &pool,
        "update organisations set hidden = true where slug in ('stadt-bonn', 'stadt-kiel')",
    )
    .await;
    assert_eq!(
        from_scratch(&pool, &origin).await,
        before,
        "a hidden organisation's fork and adoption do not count"
    );
    everything_agrees(&pool, &router, "hiding the reusing organisations").await;
    sql(
        &pool,
        "update organisations set hidden = false where slug in ('stadt-bonn', 'stadt-kiel')",
    )
    .await;
    everything_agrees(&pool, &router, "showing them again").await;

    // Moves: the fork to another origin, the origin to the forking organisation (whose
    // own fork and adoption then no longer count), an adoption to another entry.
    let other: String = sqlx::query_scalar(
        "select slug::text from visible_solutions where archived_at is null and slug <> $1 order by created_at limit 1",
    )
    .bind(&origin)
    .fetch_one(&pool)
    .await
    .unwrap();
    sql(
        &pool,
        &format!(
            "update solutions set forked_from = (select id from solutions where slug = '{other}') where slug = '{fork}'"
        ),
    )
    .await;
    everything_agrees(&pool, &router, "moving the fork to another origin").await;
    sql(
        &pool,
        &format!(
            "update solutions set organisation_id = (select id from organisations where slug = 'stadt-bonn') where slug = '{other}'"
        ),
    )
    .await;
    everything_agrees(
        &pool,
        &router,
        "moving an entry to the forking organisation",
    )
    .await;
    sql(
        &pool,
        &format!(
            "update adoptions set solution_id = (select id from solutions where slug = '{other}')
             where organisation_id = (select id from organisations where slug = 'stadt-bonn') and solution_id is not null"
        ),
    )
    .await;
    everything_agrees(&pool, &router, "moving an adoption to another entry").await;

    // Deleting: an organisation's adoptions go with it (cascade).
    sql(
        &pool,
        "delete from adoptions where organisation_id = (select id from organisations where slug = 'stadt-bonn')",
    )
    .await;
    everything_agrees(&pool, &router, "deleting adoptions").await;

    // Many rows in one statement (a bulk load): each entry counted once, still right.
    sql(
        &pool,
        "insert into adoptions (organisation_id, solution_id, status, since)
         select o.id, s.id, 'production', date '2026-02-01'
         from organisations o cross join (select id, organisation_id from solutions order by slug limit 5) s
         where o.id <> s.organisation_id and not exists
               (select 1 from adoptions a where a.organisation_id = o.id and a.solution_id = s.id)",
    )
    .await;
    everything_agrees(&pool, &router, "a bulk insert of adoptions").await;

    // The detail page shows the stored count, in the words the cards use.
    let count = from_scratch(&pool, &origin).await;
    assert!(count > 1, "the origin is still reused");
    assert_eq!(detail_count(&router, "solutions", &origin).await, count);
    let (status, _, page) = get(&router, &format!("/loesungen/{origin}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let shown = app::components::cards::reuse_text(count as i32, app::i18n::Lang::De).unwrap();
    assert!(page.contains(&shown), "the detail page says {shown:?}");
}
