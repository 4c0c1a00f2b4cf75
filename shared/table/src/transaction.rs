//! Tagged transactions: every `TransactWriteItems` of the platform goes
//! through [`Transaction`]. Each item that carries a condition carries a tag
//! saying what its failure means, and a cancellation comes back as the tags
//! that failed, never as positions: reordering the items cannot change which
//! error a caller sees. An item without a tag may not carry a condition.
//!
//! A collision with a concurrent transaction (`TransactionConflict`) and
//! throttling are passing (`StoreError::Unavailable`); a cancellation no tag
//! explains is a backend failure.

use crate::{Store, StoreError};
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};
use std::fmt::Debug;

/// Why a transaction did not apply.
#[derive(Debug)]
pub enum TxError<T> {
    /// These tagged conditions failed (never empty), in item order.
    Failed(Vec<T>),
    Store(StoreError),
}

impl<T: PartialEq> TxError<T> {
    /// Whether the condition tagged `tag` failed.
    pub fn failed(&self, tag: T) -> bool {
        matches!(self, TxError::Failed(tags) if tags.contains(&tag))
    }
}

impl<T: Debug> TxError<T> {
    /// For transactions whose tags all mean "a fresh random key collided":
    /// passing, like any other collision.
    pub fn into_store_error(self) -> StoreError {
        match self {
            TxError::Store(e) => e,
            TxError::Failed(tags) => StoreError::Unavailable(format!("collision on {tags:?}")),
        }
    }
}

impl<T> From<StoreError> for TxError<T> {
    fn from(e: StoreError) -> Self {
        TxError::Store(e)
    }
}

impl<T> From<aws_sdk_dynamodb::error::BuildError> for TxError<T> {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        TxError::Store(e.into())
    }
}

/// The items of one `TransactWriteItems` (at most 100), each with the tag
/// of its condition.
#[must_use = "a transaction does nothing until committed"]
pub struct Transaction<T> {
    store: Store,
    items: Vec<(TransactWriteItem, Option<T>)>,
}

impl Store {
    /// A new, empty transaction on this table.
    pub fn transaction<T: Copy + PartialEq + Debug>(&self) -> Transaction<T> {
        Transaction {
            store: self.clone(),
            items: Vec::new(),
        }
    }
}

impl<T: Copy + PartialEq + Debug> Transaction<T> {
    fn push(mut self, item: TransactWriteItem, conditioned: bool, tag: Option<T>) -> Self {
        assert!(
            conditioned == tag.is_some(),
            "a transaction item has a condition exactly when it has a tag ({tag:?})"
        );
        self.items.push((item, tag));
        self
    }

    /// A put without a condition.
    pub fn put(self, put: Put) -> Self {
        let conditioned = put.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().put(put).build(),
            conditioned,
            None,
        )
    }

    /// A put whose condition, when it fails, means `tag`.
    pub fn put_if(self, tag: T, put: Put) -> Self {
        let conditioned = put.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().put(put).build(),
            conditioned,
            Some(tag),
        )
    }

    pub fn update(self, update: Update) -> Self {
        let conditioned = update.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().update(update).build(),
            conditioned,
            None,
        )
    }

    pub fn update_if(self, tag: T, update: Update) -> Self {
        let conditioned = update.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().update(update).build(),
            conditioned,
            Some(tag),
        )
    }

    pub fn delete(self, delete: Delete) -> Self {
        let conditioned = delete.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().delete(delete).build(),
            conditioned,
            None,
        )
    }

    pub fn delete_if(self, tag: T, delete: Delete) -> Self {
        let conditioned = delete.condition_expression().is_some();
        self.push(
            TransactWriteItem::builder().delete(delete).build(),
            conditioned,
            Some(tag),
        )
    }

    /// A condition on an item the transaction does not write.
    pub fn check(self, tag: T, check: ConditionCheck) -> Self {
        self.push(
            TransactWriteItem::builder().condition_check(check).build(),
            true,
            Some(tag),
        )
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Applies every item or none.
    pub async fn commit(self) -> Result<(), TxError<T>> {
        let (items, tags): (Vec<_>, Vec<_>) = self.items.into_iter().unzip();
        let result = self
            .store
            .client()
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => Err(cancellation(err, &tags)),
        }
    }
}

/// The meaning of a failed `TransactWriteItems`.
fn cancellation<T: Copy, R>(
    err: SdkError<TransactWriteItemsError, R>,
    tags: &[Option<T>],
) -> TxError<T>
where
    R: Debug + Send + Sync + 'static,
{
    let Some(reasons) = reason_codes(&err) else {
        return TxError::Store(err.into());
    };
    let failed: Vec<T> = reasons
        .iter()
        .zip(tags)
        .filter(|(code, _)| code.as_deref() == Some("ConditionalCheckFailed"))
        .filter_map(|(_, tag)| *tag)
        .collect();
    if !failed.is_empty() {
        return TxError::Failed(failed);
    }
    let passing = reasons.iter().flatten().any(|c| {
        matches!(
            c.as_str(),
            "TransactionConflict" | "ThrottlingError" | "ProvisionedThroughputExceeded"
        )
    });
    let text = DisplayErrorContext(err).to_string();
    TxError::Store(if passing {
        StoreError::Unavailable(text)
    } else {
        StoreError::Backend(text)
    })
}

/// The per-item codes of a cancelled transaction (`None` where the item was
/// fine), or `None` when the error is not a cancellation.
fn reason_codes<R>(err: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<Option<String>>> {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| r.code().filter(|c| *c != "None").map(str::to_owned))
                .collect(),
        ),
        _ => None,
    }
}
