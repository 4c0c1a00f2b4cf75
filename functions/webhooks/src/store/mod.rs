//! The webhooks' items on the one table (docs/data-model.md, "Webhooks"):
//! endpoints (`WEBHOOK#<id>` / `ENDPOINT`, listed on gsi1 `WEBHOOKS`) and
//! deliveries (`WEBHOOK_MSG#<webhook-id>` / `DELIVERY`, listed per
//! endpoint on gsi2; while due or failed also on a sparse gsi1 partition
//! ordered by time, which the retry sweep and `replay --failed` query).

pub mod deliveries;
pub mod endpoints;

pub use deliveries::{DeliveryRecord, Status};
pub use endpoints::EndpointRecord;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use table::{Store, StoreError};

#[derive(Clone, Copy)]
pub struct WebhooksStore<'a> {
    table: &'a Store,
}

impl<'a> WebhooksStore<'a> {
    pub fn new(table: &'a Store) -> Self {
        Self { table }
    }

    fn client(&self) -> &aws_sdk_dynamodb::Client {
        self.table.client()
    }

    fn name(&self) -> &str {
        self.table.table()
    }
}

/// Whether a conditional write failed on its condition (and only that).
fn condition_failed<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error()
        .and_then(|s| s.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

/// A write whose condition may fail: `Ok(false)` when it did.
fn conditional<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<bool, StoreError>
where
    SdkError<E, R>: Into<StoreError>,
    E: ProvideErrorMetadata,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if condition_failed(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Milliseconds as a sort key: fixed width, so text order is time order.
pub fn ms_key(ms: i64, id: &str) -> String {
    format!("{:013}#{id}", ms.max(0))
}
