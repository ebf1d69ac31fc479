//! The reuse page of an entry: lineage, "Wir nutzen das" and forking (server-rendered,
//! plain forms; see `app::routes::reuse`).

use app::account::{FormState, Notice, PageProblem, Viewer};
use app::editing::{AdoptionInput, ReuseData};
use app::i18n::Lang;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::BTreeMap;

use crate::entries::{EntryError, EntryKind};
use crate::pages::{internal, lang_of, problem, read_pairs, render_with, to_login};
use crate::web::AppState;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &[
    "/loesungen/{slug}/nachnutzen",
    "/datenmodelle/{slug}/nachnutzen",
    "/nachnutzung",
];

/// The routes of the reuse pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/nachnutzung", get(stats_page))
        .route(
            "/loesungen/{slug}/nachnutzen",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                page(s, p, r, EntryKind::Solution)
            })
            .post(|s: State<AppState>, p: Path<String>, r: Request| {
                submit(s, p, r, EntryKind::Solution)
            }),
        )
        .route(
            "/datenmodelle/{slug}/nachnutzen",
            get(|s: State<AppState>, p: Path<String>, r: Request| {
                page(s, p, r, EntryKind::DataModel)
            })
            .post(|s: State<AppState>, p: Path<String>, r: Request| {
                submit(s, p, r, EntryKind::DataModel)
            }),
        )
}

async fn load(
    state: &AppState,
    parts: &Parts,
    kind: EntryKind,
    slug: &str,
) -> Result<ReuseData, EntryError> {
    let summary = state.entries.summary(kind, slug).await?;
    let (table, column) = match kind {
        EntryKind::Solution => ("solutions", "solution_id"),
        EntryKind::DataModel => ("data_models", "data_model_id"),
    };
    let owner: String = sqlx::query_scalar(&format!("select o.slug from {table} e join organisations o on o.id = e.organisation_id where e.slug = $1"))
        .bind(slug)
        .fetch_one(state.accounts.pool())
        .await?;
    let adopters: Vec<String> = sqlx::query_scalar(&format!(
        "select o.slug from adoptions a join organisations o on o.id = a.organisation_id join {table} e on e.id = a.{column} where e.slug = $1"
    ))
    .bind(slug)
    .fetch_all(state.accounts.pool())
    .await?;
    let organisations: Vec<(String, String)> = parts
        .extensions
        .get::<Viewer>()
        .map(|v| {
            v.memberships
                .iter()
                .map(|m| (m.slug.clone(), m.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let adopted_by = organisations
        .iter()
        .filter(|(s, _)| adopters.contains(s))
        .map(|(s, _)| s.clone())
        .collect();
    Ok(ReuseData {
        section: kind.section().into(),
        slug: slug.to_owned(),
        name: summary.name,
        owner,
        organisations,
        adopted_by,
        lineage: state.entries.lineage(kind, slug).await?,
    })
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
    kind: EntryKind,
) -> Response {
    let (parts, _) = request.into_parts();
    let lang = lang_of(&parts);
    let saved = parts
        .uri
        .query()
        .is_some_and(|q| q.contains("gespeichert=1"));
    match load(&state, &parts, kind, &slug).await {
        Ok(data) => {
            let form = if saved {
                FormState {
                    form: "adopt".into(),
                    notice: Some(Notice::Success(match lang {
                        Lang::De => "Gespeichert.".into(),
                        Lang::En => "Saved.".into(),
                    })),
                    ..FormState::default()
                }
            } else {
                FormState::default()
            };
            render_with(&state, parts, StatusCode::OK, Some(data), form).await
        }
        Err(EntryError::NotFound) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
    kind: EntryKind,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return to_login(&parts);
    };
    let pairs = match read_pairs(body, 64 * 1024).await {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let services: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "services")
        .map(|(_, v)| v.clone())
        .collect();
    let form: BTreeMap<String, String> = pairs.into_iter().collect();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let actor = match state.accounts.actor(viewer.user_id).await {
        Ok(actor) => actor,
        Err(err) => return internal(&err.to_string()),
    };
    let form_name = field("form");
    let result = match form_name.as_str() {
        "adopt" => {
            let input = AdoptionInput {
                organisation: field("organisation"),
                status: field("status"),
                since: field("since"),
                contact_name: field("contact_name"),
                contact_email: field("contact_email"),
                note: field("note"),
            };
            state
                .entries
                .adopt(&actor, kind, &slug, &input)
                .await
                .map(|()| format!("/{}/{slug}/nachnutzen?gespeichert=1", kind.section()))
        }
        "offer" if kind == EntryKind::Solution => state
            .entries
            .offer_services(
                &actor,
                &slug,
                &field("organisation"),
                &services,
                &field("offer_note"),
            )
            .await
            .map(|()| format!("/loesungen/{slug}?gespeichert=1#betreiben")),
        "withdraw" => state
            .entries
            .withdraw(&actor, kind, &slug, &field("organisation"))
            .await
            .map(|()| format!("/{}/{slug}/nachnutzen", kind.section())),
        "fork" => state
            .entries
            .fork(&actor, kind, &slug, &field("organisation"))
            .await
            .map(|new_slug| format!("/{}/{new_slug}?gespeichert=1", kind.section())),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                "Unbekanntes Formular. / Unknown form.",
            )
                .into_response();
        }
    };
    match result {
        Ok(target) => Redirect::to(&target).into_response(),
        Err(EntryError::Invalid(errors)) => match load(&state, &parts, kind, &slug).await {
            Ok(data) => {
                let values = form.into_iter().filter(|(k, _)| k != "form").collect();
                let form = FormState {
                    form: form_name,
                    values,
                    errors,
                    notice: None,
                };
                render_with(
                    &state,
                    parts,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(data),
                    form,
                )
                .await
            }
            Err(err) => internal(&err.to_string()),
        },
        Err(EntryError::Forbidden) => problem(&state, parts, PageProblem::Forbidden).await,
        Err(EntryError::NotFound) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

/// The reuse statistics: rankings, reuse by Bundesland, newest forks and adoptions — of
/// what the public may see only (the `visible_…` views of migration 12).
pub async fn reuse_stats(pool: &sqlx::PgPool) -> Result<app::editing::ReuseStats, sqlx::Error> {
    use app::editing::{RankedEntry, ReuseEvent};
    let ranked = |visible: &str, view: &str, id: &str| {
        format!(
            r#"
            select e.slug, e.name, o.name, r.reuse_count::bigint
            from {visible} e join {view} r on r.{id} = e.id join organisations o on o.id = e.organisation_id
            where e.archived_at is null and r.reuse_count > 0
            order by r.reuse_count desc, e.name
            limit 10
            "#
        )
    };
    let to_ranked = |rows: Vec<(String, String, String, i64)>| {
        rows.into_iter()
            .map(|(slug, name, organisation, reuse_count)| RankedEntry {
                slug,
                name,
                organisation,
                reuse_count,
            })
            .collect()
    };
    let top_solutions = to_ranked(
        sqlx::query_as(&ranked(
            "visible_solutions",
            "solution_reuse",
            "solution_id",
        ))
        .fetch_all(pool)
        .await?,
    );
    let top_data_models = to_ranked(
        sqlx::query_as(&ranked(
            "visible_data_models",
            "data_model_reuse",
            "data_model_id",
        ))
        .fetch_all(pool)
        .await?,
    );
    let by_state: Vec<(String, i64)> = sqlx::query_as(
        r#"
        select o.bundesland, count(*)
        from (
            select a.organisation_id from adoptions a
            where exists (select 1 from visible_solutions s where s.id = a.solution_id)
               or exists (select 1 from visible_data_models d where d.id = a.data_model_id)
            union all select organisation_id from visible_solutions where forked_from is not null
            union all select organisation_id from visible_data_models where forked_from is not null
        ) f join visible_organisations o on o.id = f.organisation_id
        where o.bundesland is not null
        group by o.bundesland
        order by count(*) desc, o.bundesland
        "#,
    )
    .fetch_all(pool)
    .await?;
    let events = |rows: Vec<(String, String, String, String, chrono::NaiveDate)>| {
        rows.into_iter()
            .map(|(section, slug, name, organisation, at)| ReuseEvent {
                section,
                slug,
                name,
                organisation,
                at,
            })
            .collect()
    };
    let newest_forks = events(
        sqlx::query_as(
            r#"
            select * from (
                select 'loesungen' as section, e.slug, e.name, o.name as org, e.created_at::date as at
                from visible_solutions e join organisations o on o.id = e.organisation_id
                where e.forked_from is not null
                union all
                select 'datenmodelle', e.slug, e.name, o.name, e.created_at::date
                from visible_data_models e join organisations o on o.id = e.organisation_id
                where e.forked_from is not null
            ) f order by at desc, name limit 10
            "#,
        )
        .fetch_all(pool)
        .await?,
    );
    let newest_adoptions = events(
        sqlx::query_as(
            r#"
            select case when a.solution_id is not null then 'loesungen' else 'datenmodelle' end,
                   coalesce(s.slug, d.slug), coalesce(s.name, d.name), o.name, a.created_at::date
            from adoptions a
            join visible_organisations o on o.id = a.organisation_id
            left join visible_solutions s on s.id = a.solution_id
            left join visible_data_models d on d.id = a.data_model_id
            where coalesce(s.id, d.id) is not null
            order by a.created_at desc
            limit 10
            "#,
        )
        .fetch_all(pool)
        .await?,
    );
    Ok(app::editing::ReuseStats {
        top_solutions,
        top_data_models,
        by_state,
        newest_forks,
        newest_adoptions,
    })
}

/// `GET /nachnutzung`
pub async fn stats_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    match reuse_stats(state.accounts.pool()).await {
        Ok(stats) => {
            render_with(
                &state,
                parts,
                StatusCode::OK,
                Some(stats),
                FormState::default(),
            )
            .await
        }
        Err(err) => internal(&err.to_string()),
    }
}
