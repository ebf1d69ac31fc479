//! `GET /healthz`: whether the process answers (liveness; never touches the database).
//! `GET /readyz`: whether it can serve (readiness): the database answers, the search
//! index is open, and the index is not far behind the search outbox.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::http::state::AppState;

/// How long the database may take to answer `select 1`.
pub const DATABASE_PROBE: Duration = Duration::from_millis(1000);
/// Most outbox rows the search index may not have applied yet while the node is ready.
pub const MAX_OUTBOX_LAG: i64 = 10_000;

/// The liveness answer.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// One readiness check: its name, whether it passed, and a short detail.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The readiness answer: `{"status": "ok"|"unavailable", "failing": [...], "checks": [...]}`.
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub status: &'static str,
    pub failing: Vec<&'static str>,
    pub checks: Vec<Check>,
}

impl Readiness {
    /// The answer for these checks.
    pub fn of(checks: Vec<Check>) -> Readiness {
        let failing: Vec<_> = checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
        Readiness {
            status: if failing.is_empty() {
                "ok"
            } else {
                "unavailable"
            },
            failing,
            checks,
        }
    }
}

impl IntoResponse for Readiness {
    fn into_response(self) -> Response {
        let status = if self.failing.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        response
    }
}

/// The readiness answer: 200 when every check passes, else 503 naming the failing ones.
pub async fn readyz(State(state): State<AppState>) -> Readiness {
    let pool = state.accounts.pool().clone();
    let database = match tokio::time::timeout(DATABASE_PROBE, async {
        let mut conn = pool.acquire().await?;
        sqlx::Executor::execute(&mut *conn, "select 1").await
    })
    .await
    {
        Ok(Ok(_)) => Check {
            name: "database",
            ok: true,
            detail: "answers".into(),
        },
        Ok(Err(err)) => Check {
            name: "database",
            ok: false,
            detail: err.to_string(),
        },
        Err(_) => Check {
            name: "database",
            ok: false,
            detail: format!("no answer within {} ms", DATABASE_PROBE.as_millis()),
        },
    };
    let database_ok = database.ok;
    let mut checks = vec![database];
    match &state.search {
        Some(index) => {
            checks.push(index_check(&index.status()));
            // The lag needs the database; without it, the database check already fails.
            if database_ok {
                let lag = tokio::time::timeout(DATABASE_PROBE, index.lag(&pool)).await;
                checks.push(match lag {
                    Ok(Ok(rows)) => Check {
                        name: "search_outbox",
                        ok: rows <= MAX_OUTBOX_LAG,
                        detail: format!("{rows} changes not yet indexed (limit {MAX_OUTBOX_LAG})"),
                    },
                    Ok(Err(err)) => Check {
                        name: "search_outbox",
                        ok: false,
                        detail: err.to_string(),
                    },
                    Err(_) => Check {
                        name: "search_outbox",
                        ok: false,
                        detail: format!("no answer within {} ms", DATABASE_PROBE.as_millis()),
                    },
                });
            }
        }
        None => checks.push(Check {
            name: "search_index",
            ok: false,
            detail: "not open".into(),
        }),
    }
    if state.read_pools.has_replicas() {
        checks.push(replica_check(&state.read_pools.status()));
    }
    Readiness::of(checks)
}

/// The replicas, as a check that never fails: without them the primary answers every
/// read, so the node is ready all the same; the detail says which are in use.
fn replica_check(replicas: &[crate::db::replicas::ReplicaStatus]) -> Check {
    let in_use = replicas.iter().filter(|r| r.in_use).count();
    let mut detail = format!(
        "{in_use} of {} in use{}",
        replicas.len(),
        if in_use == 0 {
            "; reads go to the primary"
        } else {
            ""
        }
    );
    for replica in replicas {
        detail.push_str(&format!("; {}: ", replica.name));
        match (&replica.problem, replica.lag) {
            (Some(problem), _) => detail.push_str(problem),
            (None, Some(lag)) => {
                detail.push_str(&format!("in use, at most {} ms behind", lag.as_millis()))
            }
            (None, None) => detail.push_str("in use"),
        }
    }
    Check {
        name: "replicas",
        ok: true,
        detail,
    }
}

/// How long index updates may fail before the node is not ready (a moment of trouble
/// is retried; a full disk is not).
const MAX_UPDATE_FAILURE: std::time::Duration = std::time::Duration::from_secs(10);

/// The index check: serving (not still being built) and being updated.
fn index_check(status: &crate::search::IndexStatus) -> Check {
    let mut detail = if status.serving {
        format!("open, {} documents", status.documents)
    } else {
        "being built, not serving yet".to_owned()
    };
    if let Some((done, total)) = status.rebuilding {
        detail.push_str(&format!("; rebuilding ({done} of {total} entries)"));
    }
    if status.checks > 0 {
        detail.push_str(&format!(
            "; last consistency check repaired {} entries",
            status.last_drift
        ));
    }
    let failing_too_long = match &status.failing {
        Some((since, error)) => {
            detail.push_str(&format!(
                "; updates failing for {} s: {error}",
                since.as_secs()
            ));
            *since >= MAX_UPDATE_FAILURE
        }
        None => false,
    };
    Check {
        name: "search_index",
        ok: status.serving && !failing_too_long,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_names_the_failing_checks_and_answers_503() {
        let check = |name, ok| Check {
            name,
            ok,
            detail: String::new(),
        };
        let ready = Readiness::of(vec![check("database", true), check("search_index", true)]);
        assert!(ready.failing.is_empty());
        assert_eq!(ready.into_response().status(), StatusCode::OK);
        let not = Readiness::of(vec![check("database", false), check("search_index", true)]);
        assert_eq!(not.failing, vec!["database"]);
        assert_eq!(not.status, "unavailable");
        assert_eq!(
            not.into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn a_replica_that_is_down_is_reported_but_does_not_make_the_node_unready() {
        let replica = |name: &str, problem: Option<&str>| crate::db::replicas::ReplicaStatus {
            name: name.into(),
            in_use: problem.is_none(),
            reachable: problem.is_none(),
            lag: Some(Duration::from_millis(120)),
            lag_bytes: Some(0),
            problem: problem.map(Into::into),
            reads: 0,
            fallbacks: 0,
        };
        let check = replica_check(&[
            replica("db2:5432/allmende", None),
            replica("db3:5432/allmende", Some("unreachable: connection refused")),
        ]);
        assert!(check.ok);
        assert_eq!(check.name, "replicas");
        assert!(
            check.detail.starts_with("1 of 2 in use"),
            "{}",
            check.detail
        );
        assert!(
            check
                .detail
                .contains("db2:5432/allmende: in use, at most 120 ms behind")
        );
        assert!(check.detail.contains("db3:5432/allmende: unreachable"));
        let none = replica_check(&[replica("db3:5432/allmende", Some("unreachable"))]);
        assert!(
            none.detail.contains("reads go to the primary"),
            "{}",
            none.detail
        );
        let ready = Readiness::of(vec![
            Check {
                name: "database",
                ok: true,
                detail: String::new(),
            },
            none,
        ]);
        assert_eq!(ready.into_response().status(), StatusCode::OK);
    }
}
