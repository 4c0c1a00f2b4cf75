//! Wall-clock helpers. Expiry is always checked in code: DynamoDB's TTL
//! deletes late (up to days) and the local emulator never does.

use chrono::{DateTime, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn now_secs() -> i64 {
    Utc::now().timestamp()
}
