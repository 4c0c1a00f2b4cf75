use axum::Json;
use serde::Serialize;

/// `{"ok": 1, "data": …}`
#[derive(Serialize)]
pub struct Ok<T: Serialize> {
    ok: u8,
    data: T,
}

pub fn ok<T: Serialize>(data: T) -> Json<Ok<T>> {
    Json(Ok { ok: 1, data })
}

/// `{"ok": 1}`
#[derive(Serialize)]
pub struct Done {
    ok: u8,
}

pub fn done() -> Json<Done> {
    Json(Done { ok: 1 })
}
