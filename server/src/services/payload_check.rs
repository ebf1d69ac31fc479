//! Checking data against a data model's JSON Schema without holding up other requests:
//! each check runs on tokio's blocking pool, at most `max(1, cores − 1)` at once (so one
//! core always serves the rest), with a time and work budget.
//!
//! What stops a check: the engine (`app::data_model_rules::schema_guard`) bounds the work by
//! construction (linear-time patterns with a size limit, schema and payload size limits)
//! and counts every application of a schema object; past its step, copy or time budget the
//! check unwinds on its own thread and the permit returns. The timeout here only frees the
//! request early should a single step run long; it cannot stop a thread.

use std::sync::Arc;
use std::time::Duration;

use app::data_model_rules::engine::{self, Budget};
use app::validation::{FieldError, FieldErrors};
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::Semaphore;

/// Largest payload (bytes) checked, on the page and in the API.
pub const PAYLOAD_LIMIT: usize = 256 * 1024;
/// How long a check may wait for a free slot before the answer is "busy".
const WAIT_FOR_SLOT: Duration = Duration::from_secs(2);
/// Extra time over the engine's own budget before the request is answered anyway.
const GRACE: Duration = Duration::from_millis(500);
/// Seconds a client is asked to wait after a busy answer.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// The checking service: a limited number of slots on the blocking pool; cheap to clone.
#[derive(Clone, Debug)]
pub struct PayloadChecks {
    slots: Arc<Semaphore>,
}

impl Default for PayloadChecks {
    fn default() -> Self {
        PayloadChecks::new()
    }
}

impl PayloadChecks {
    /// A service with `max(1, cores − 1)` slots.
    pub fn new() -> PayloadChecks {
        let cores = std::thread::available_parallelism()
            .map(std::num::NonZero::get)
            .unwrap_or(1);
        PayloadChecks::with_slots(cores.saturating_sub(1).max(1))
    }

    /// A service with `slots` checks at once (at least one).
    pub fn with_slots(slots: usize) -> PayloadChecks {
        PayloadChecks {
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// Runs `job` with a fresh standard budget on the blocking pool. Refused with
    /// [`FieldError::CheckBusy`] when no slot frees up in time, and with
    /// [`FieldError::CheckOverBudget`] when the answer takes longer than the budget.
    pub async fn run<T, F>(&self, job: F) -> Result<T, FieldError>
    where
        T: Send + 'static,
        F: FnOnce(&Arc<Budget>) -> T + Send + 'static,
    {
        let permit =
            match tokio::time::timeout(WAIT_FOR_SLOT, self.slots.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => return Err(FieldError::CheckBusy),
            };
        let span = tracing::info_span!("payload_check");
        let handle = tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            // The slot is held until the work really ends, even if the request gave up.
            let _permit = permit;
            job(&Budget::standard())
        });
        match tokio::time::timeout(engine::TIME_BUDGET + GRACE, handle).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(join_error)) => {
                tracing::error!(error = %join_error, "payload check failed");
                Err(FieldError::CheckOverBudget {
                    seconds: engine::TIME_BUDGET.as_secs(),
                })
            }
            Err(_) => {
                tracing::warn!(
                    "payload check exceeded its time budget; answered without waiting further"
                );
                Err(FieldError::CheckOverBudget {
                    seconds: engine::TIME_BUDGET.as_secs(),
                })
            }
        }
    }

    /// Checks a payload text against a schema: every error (JSON pointer, message), or why
    /// there is no verdict (see [`refusal_status`]).
    pub async fn check_text(
        &self,
        schema: Value,
        payload: &str,
    ) -> Result<Vec<(String, String)>, FieldError> {
        if payload.len() > PAYLOAD_LIMIT {
            return Err(FieldError::PayloadTooLarge {
                max_kib: PAYLOAD_LIMIT / 1024,
            });
        }
        let payload = payload.to_owned();
        self.run(move |budget| {
            let value: Value =
                serde_json::from_str(&payload).map_err(|e| FieldError::InvalidJson {
                    line: e.line(),
                    column: e.column(),
                })?;
            engine::validate_payload(&schema, &value, budget)
        })
        .await?
    }

    /// The schema and example checks of a data model at save time (see `engine::check`).
    pub async fn check_model(&self, schema: Value, examples: Vec<Value>) -> FieldErrors {
        match self
            .run(move |budget| engine::check(&schema, &examples, budget))
            .await
        {
            Ok(errors) => errors,
            Err(refused) => FieldErrors::from([("examples".to_owned(), refused)]),
        }
    }
}

/// The HTTP status for a payload that got no verdict: 413 when too large, 503 when busy or
/// over budget, 422 otherwise (not JSON, or a broken schema).
pub fn refusal_status(error: &FieldError) -> StatusCode {
    match error {
        FieldError::PayloadTooLarge { .. } | FieldError::TooManyValues { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        FieldError::CheckBusy | FieldError::CheckOverBudget { .. } => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_waits_for_a_free_slot_and_reports_busy_when_none_frees_up() {
        let checks = PayloadChecks::with_slots(1);
        let busy = checks.clone();
        let long = tokio::spawn(async move {
            busy.run(|_| std::thread::sleep(Duration::from_millis(2_300)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        assert_eq!(checks.run(|_| ()).await, Err(FieldError::CheckBusy));
        assert!(started.elapsed() < Duration::from_secs(3));
        let _ = long.await;
        assert_eq!(
            checks.run(|_| 7).await,
            Ok(7),
            "the slot returns when the work ends"
        );
    }

    #[tokio::test]
    async fn payload_texts_get_a_verdict_or_a_reason() {
        let checks = PayloadChecks::with_slots(1);
        let schema = serde_json::json!({"type": "object", "required": ["art"]});
        assert_eq!(
            checks
                .check_text(schema.clone(), r#"{"art": "Linde"}"#)
                .await,
            Ok(vec![])
        );
        assert_eq!(
            checks.check_text(schema.clone(), "{}").await.unwrap().len(),
            1
        );
        assert!(matches!(
            checks.check_text(schema.clone(), "{").await,
            Err(FieldError::InvalidJson { .. })
        ));
        let big = format!("\"{}\"", "a".repeat(PAYLOAD_LIMIT));
        let refused = checks.check_text(schema, &big).await.unwrap_err();
        assert_eq!(refusal_status(&refused), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
