//! `GET /healthz`: whether the process answers.

use axum::Json;

/// The liveness answer.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}
