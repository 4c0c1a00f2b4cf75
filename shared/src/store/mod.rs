//! The single DynamoDB table: key layout, item mapping and every access
//! pattern (docs/data-model.md lists them). No Scan on any request path.

mod cursor;
mod error;
mod item;
pub mod keys;
pub mod schema;
mod tokens;
mod users;

pub use cursor::{Cursor, InvalidCursor};
pub use error::{cancellation_codes, StoreError};
pub use item::{from_item, to_item};
pub use tokens::TokenRecord;
pub use users::{CreateUserError, GuardedWriteError, ModeratorGuard, Page};

use aws_sdk_dynamodb::Client;
use std::sync::Arc;

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: Arc<str>,
}

impl Store {
    pub fn new(client: Client, table: impl Into<Arc<str>>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}
