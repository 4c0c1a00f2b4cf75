use crate::fields::Fields;
use crate::{caller, ApiError};
use axum::extract::State;
use axum::Json;
use domain::{Email, Error, ErrorKind, Role};
use http::HeaderMap;
use identity::api_key::Permission;
use identity::gate::{check_password, Attempt, LoginName};
use identity::AppState;
use serde_json::{json, Value};
use table::RateLimit;
use web::ClientIp;

/// The app's email check is an enumeration oracle by design: at most 20
/// a minute per caller (session, else client address) and 10 an hour per
/// address asked about.
pub const EMAIL_CHECK_PER_CALLER: RateLimit = RateLimit {
    scope: "app-email-check-caller",
    max: 20,
    window_secs: 60,
};
pub const EMAIL_CHECK_PER_ADDRESS: RateLimit = RateLimit {
    scope: "app-email-check-address",
    max: 10,
    window_secs: 3600,
};

/// `POST /api/check/auth/`: `is_authenticated` (false without a live
/// session, never a 401: the question is the answer).
pub async fn auth(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(match signed_in(&state, &headers).await? {
        Some(user) => {
            json!({ "is_authenticated": true, "user_id": user.seq, "username": user.username })
        }
        None => json!({ "is_authenticated": false, "user_id": null, "username": null }),
    }))
}

async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<domain::User>, ApiError> {
    match caller::user(state, headers).await {
        Ok((_, user)) => Ok(Some(user)),
        Err(e) if e.error.kind == ErrorKind::Unauthenticated => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /api/check/validate/`: with an API key (read), whether
/// `username` and `password` are a valid login (lockout counted, banned
/// accounts invalid); without, whether the session is live.
pub async fn validate(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    if !caller::is_backend(&headers) {
        return Ok(Json(match signed_in(&state, &headers).await? {
            Some(user) => json!({ "is_logged": true, "user_id": user.seq }),
            None => json!({ "is_logged": false, "user_id": null }),
        }));
    }
    let username = fields.required("username")?;
    let password = fields.required("password")?;
    // A backend acts for its users: no address budget (its own gateway
    // throttling applies); the account's lockout and rules do.
    let attempt = Attempt::default();
    let name = LoginName::Username(username);
    let auth = async {
        caller::backend(&state, &headers, Permission::Read)
            .await
            .map_err(|p| p.error)
    };
    match check_password(&state, &attempt, &name, &password, auth).await {
        Ok(user) => Ok(Json(json!({ "is_valid": true, "user_id": user.seq }))),
        Err(e) if is_refusal(&e) => Ok(Json(json!({ "is_valid": false, "user_id": null }))),
        Err(e) => Err(e.into()),
    }
}

/// The answers of a wrong password or an account that may not sign in:
/// `is_valid: false` (a bad key or a failure of ours stays an error).
fn is_refusal(e: &Error) -> bool {
    [
        "invalid_credentials",
        "account_banned",
        "email_not_verified",
    ]
    .contains(&e.code)
}

fn rate_limited(limit: &RateLimit) -> Error {
    limit.refusal("rate_limited", "too many email checks; try again later")
}

/// `POST /api/check/email/`: with an API key (read) `exists` and
/// `user_id`; without, `exists` and `available`, rate-limited.
pub async fn email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let email = Email::parse(&fields.required("email")?).map_err(|e| e.at("email"))?;
    let key = email.key();
    if caller::is_backend(&headers) {
        let (auth, owner) = tokio::join!(
            caller::backend(&state, &headers, Permission::Read),
            state.store.email_owner(&key)
        );
        auth?;
        let user = match owner? {
            Some(id) => state.store.get_user(&id).await?,
            None => None,
        };
        return Ok(Json(match user {
            Some(u) => json!({ "exists": true, "user_id": u.seq }),
            None => json!({ "exists": false, "user_id": null }),
        }));
    }
    // An enumeration oracle: refused to other sites' pages, with or
    // without a cookie (the platform's one rule, web::same_origin).
    web::same_origin(&headers)?;
    let who = caller::session_token(&headers)
        .map(|t| format!("session:{}", t.hash()))
        .unwrap_or_else(|| match ip {
            Some(ip) => format!("address:{ip}"),
            None => "address:unknown".to_owned(),
        });
    let (per_caller, per_address) = tokio::join!(
        state.store.hit_rate_limit(&EMAIL_CHECK_PER_CALLER, &who),
        state.store.hit_rate_limit(&EMAIL_CHECK_PER_ADDRESS, &key)
    );
    if !per_caller? {
        return Err(rate_limited(&EMAIL_CHECK_PER_CALLER).into());
    }
    if !per_address? {
        return Err(rate_limited(&EMAIL_CHECK_PER_ADDRESS).into());
    }
    let exists = state.store.email_owner(&key).await?.is_some();
    Ok(Json(json!({ "exists": exists, "available": !exists })))
}

/// `POST /api/check/login/` (backend, read): the session named in the
/// body (`session`: the cookie's value).
pub async fn backend_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let session = fields.required("session")?;
    let (auth, user) = tokio::join!(
        caller::backend(&state, &headers, Permission::Read),
        caller::session_of(&state, &session)
    );
    auth?;
    Ok(Json(match user? {
        Some(u) => json!({
            "is_logged": true,
            "user_id": u.seq,
            "is_staff": u.role == Role::Moderator,
            "is_superuser": u.is_superuser,
        }),
        None => {
            json!({ "is_logged": false, "user_id": null, "is_staff": false, "is_superuser": false })
        }
    }))
}
