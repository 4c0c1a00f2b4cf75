//! Lambda entry point of the lifecycle worker: a stream batch of job items
//! (template.yaml's filter: `JOB#` inserts and changes) runs each job; the
//! schedule sweeps every unfinished job.

use domain::UserId;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use std::time::Duration;
use table::lifecycle::JobKind;

/// A run's share of the function's timeout (template.yaml: 60 s).
const BUDGET: Duration = Duration::from_secs(40);

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::logging::init_lambda();
    let state = identity::AppState::from_env().await;
    let state = &state;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let payload = event.payload;
        let Some(records) = payload.get("Records").and_then(Value::as_array) else {
            let seen = lifecycle::sweep(state, BUDGET).await?;
            return Ok::<_, lambda_runtime::Error>(serde_json::json!({ "swept": seen }));
        };
        for record in records {
            let Some((user, kind)) = job_of(record) else {
                continue;
            };
            // Read again: the record may be old news (a later step moved it).
            let Some(job) = state.store.get_job(&user, kind).await? else {
                continue;
            };
            lifecycle::run(state, &job, BUDGET).await?;
        }
        Ok(serde_json::json!({ "jobs": records.len() }))
    }))
    .await
}

/// Which job a stream record's new image names (its user and kind).
fn job_of(record: &Value) -> Option<(UserId, JobKind)> {
    let image = record.pointer("/dynamodb/NewImage")?.as_object()?;
    let text = |name: &str| image.get(name)?.get("S")?.as_str();
    let user = UserId::parse(text("user_id")?).ok()?;
    let kind = serde_json::from_value(Value::from(text("kind")?)).ok()?;
    Some((user, kind))
}
