//! TOTP enrolment on the account page: `POST /account/totp` (the password
//! again, `identity::gate::reauthenticate`) shows the secret as a QR code
//! drawn here as SVG, and `POST /account/totp/confirm` takes a code from
//! the app and shows the recovery codes once (`identity::totp`).

use super::account;
use super::{action, signed_in, to_signin};
use crate::brand::Brand;
use crate::context::Ctx;
use crate::form::Form;
use crate::render::Page;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use domain::codes::ShortCode;
use domain::totp::{RecoveryCode, TotpSecret};
use domain::{Error, User};
use identity::{gate, totp, AppState};
use qrcode::render::svg;
use qrcode::QrCode;
use web::SignInAttempt;

/// Longest password a check hashes.
const MAX_PASSWORD_CHARS: usize = 1024;

/// The otpauth URI as a QR code: an SVG in a `data:` URL (the CSP allows
/// images from `data:`; nothing is fetched).
fn qr_data_url(uri: &str) -> Option<String> {
    let code = QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let b64 = base64::engine::general_purpose::STANDARD.encode(svg);
    Some(format!("data:image/svg+xml;base64,{b64}"))
}

fn password_given(password: &str) -> Result<(), Error> {
    if password.is_empty() || password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("totpPassword", "enter your password"));
    }
    Ok(())
}

/// The password checked again, then a new pending secret.
async fn start_with(
    state: &AppState,
    attempt: &identity::gate::Attempt,
    user: &User,
    password: &str,
) -> Result<(User, TotpSecret), Error> {
    let user = gate::reauthenticate(state, attempt, user.clone(), password)
        .await
        .map_err(|e| match e.code {
            "invalid_credentials" => e.on("totpPassword"),
            _ => e,
        })?;
    let secret = totp::start(state, &user).await?;
    Ok((user, secret))
}

pub async fn start(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let password = form.raw("totpPassword").unwrap_or_default();
    let started = match ctx
        .check_csrf(&form)
        .and_then(|()| password_given(password))
    {
        Ok(()) => start_with(&state, &attempt, &user, password).await,
        Err(e) => Err(e),
    };
    let (user, secret) = match started {
        Ok(started) => started,
        Err(e) => {
            let fields = &["totpPassword"];
            return account::refuse(&state, &ctx, lang, &user, &e, fields).await;
        }
    };
    let uri = secret.otpauth_uri(&Brand::get().name, &user.username);
    Page::new("totp_setup.html")
        .var("action", action("/account/totp/confirm", lang))
        .var("secret", secret.base32())
        .var("qr", qr_data_url(&uri))
        .render(&ctx, lang)
}

pub async fn confirm(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let refuse = |e: Error| {
        let secret = user.totp_pending.clone();
        let uri = secret
            .as_deref()
            .and_then(domain::totp::TotpSecret::parse)
            .map(|s| s.otpauth_uri(&Brand::get().name, &user.username));
        Page::new("totp_setup.html")
            .var("action", action("/account/totp/confirm", lang))
            .var("secret", secret)
            .var("qr", uri.as_deref().and_then(qr_data_url))
            .with_error(lang, &e, &["code"])
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    let Some(code) = form.text("code").and_then(|c| ShortCode::parse(&c)) else {
        return refuse(Error::invalid("code", "must be 6 digits"));
    };
    match totp::confirm(&state, &attempt, &user, &code).await {
        Ok(codes) => {
            let shown: Vec<String> = codes.iter().map(RecoveryCode::expose).collect();
            Page::new("recovery_codes.html")
                .var("codes", shown)
                .render(&ctx, lang)
        }
        Err(e) if e.code == "invalid_code" => refuse(e.on("code")),
        Err(e) => refuse(e),
    }
}
