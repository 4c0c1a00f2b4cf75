use axum::Json;
use serde::Serialize;

/// `{"result": …, "status": "ok"}`
#[derive(Serialize)]
pub struct Ok<T: Serialize> {
    result: T,
    status: &'static str,
}

pub fn ok<T: Serialize>(result: T) -> Json<Ok<T>> {
    Json(Ok {
        result,
        status: "ok",
    })
}

/// `{"status": "ok"}`
#[derive(Serialize)]
pub struct Done {
    status: &'static str,
}

pub fn done() -> Json<Done> {
    Json(Done { status: "ok" })
}
