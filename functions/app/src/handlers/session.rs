use crate::error::authentication_required;
use crate::fields::Fields;
use crate::{caller, ApiError};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::gate::{sign_in, Issue, LoginName, SignedIn};
use identity::logout::{end_session, session_grants};
use identity::{session, AppState};
use serde_json::json;
use web::SignInAttempt;

/// Longest password a login reads (argon2 of megabytes is a DoS).
const MAX_PASSWORD: usize = 256;

/// `POST /api/action/login/` (documented addition): `username` or
/// `email`, and `password`. The platform's sign-in (`identity::gate`):
/// every rule of the account, one answer for unknown user, wrong password
/// and locked account. Sets the same `sid` cookie as `/user/login`.
pub async fn login(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    fields: Fields,
) -> Result<Response, ApiError> {
    let password = fields.required("password")?;
    if password.chars().count() > MAX_PASSWORD {
        return Err(Error::invalid("password", "is too long").into());
    }
    let name = match (fields.text("username")?, fields.text("email")?) {
        (Some(u), _) if !u.is_empty() => LoginName::Username(u),
        (_, Some(e)) if !e.is_empty() => LoginName::Email(e),
        _ => return Err(Error::invalid("username", "give a username or an email").into()),
    };
    match sign_in(&state, &attempt, &name, &password, None, Issue::Session).await? {
        SignedIn::Completed(done) => {
            let cookies: HeaderMap = done.cookies().into_iter().collect();
            Ok((
                cookies,
                Json(json!({
                    "status": "success",
                    "message": "Logged in successfully",
                    "user_id": done.user.seq,
                })),
            )
                .into_response())
        }
        SignedIn::Challenge { user, challenge } => Ok(Json(json!({
            "status": "2fa_required",
            "message": "Send the code with session_hash to POST /user/do-2fa",
            "user_id": user.seq,
            "session_hash": challenge.expose(),
        }))
        .into_response()),
    }
}

/// `POST /api/action/logout/`: ends the request's session (and what it
/// granted); other sessions of the user stay.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = caller::session_token(&headers).ok_or_else(authentication_required)?;
    let (caller, grants) = tokio::join!(
        caller::session(&state, &headers),
        session_grants(&state, &token)
    );
    caller?;
    end_session(&state, &token, &grants?).await?;
    Ok((
        [session::clear_cookie()],
        crate::views::done("Logged out successfully"),
    )
        .into_response())
}
