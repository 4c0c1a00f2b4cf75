//! The emails this surface sends (plain text). Codes appear only here and
//! in the message; nothing logs them.

use identity::email::Mailer;

pub async fn verification_code(
    m: &Mailer,
    to: &str,
    code: &str,
) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Verify your email address",
        &format!(
            "Welcome! Your verification code is {code}\n\n\
             Send it to POST /user/verify-email within 10 minutes to activate your account."
        ),
    )
    .await
}

pub async fn welcome(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Welcome",
        "Your account was created. You can log in now.",
    )
    .await
}

/// Someone tried to register an address that already has an account.
pub async fn already_registered(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Sign-up attempt with your address",
        "Someone (perhaps you) tried to create an account with this address, \
         which already has one. If it was you, log in or reset your password \
         (GET /user/code). Otherwise you can ignore this message.",
    )
    .await
}

pub async fn reset_code(
    m: &Mailer,
    to: &str,
    code: &str,
) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Your password reset code",
        &format!(
            "Your password reset code is {code}\n\n\
             Send it with a new password to POST /user/reset-password within 10 minutes. \
             If you did not ask for it, ignore this message."
        ),
    )
    .await
}

/// A reset asked for an address without an account: the same kind of
/// message as the one an owner gets, so the request's answer and timing
/// are the same either way.
pub async fn no_account(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Your password reset code",
        "Someone (perhaps you) asked to reset the password of an account with \
         this address, but no account uses it. If it was not you, ignore this message.",
    )
    .await
}

pub async fn password_changed(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Your password was changed",
        "Your password was changed and every session was signed out. \
         If this was not you, reset your password now (GET /user/code).",
    )
    .await
}

pub async fn two_factor_code(
    m: &Mailer,
    to: &str,
    code: &str,
) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Your login code",
        &format!(
            "Your login code is {code}\n\nIt is valid for 10 minutes and for this login only."
        ),
    )
    .await
}

pub async fn totp_enabled(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Two-factor authentication changed",
        "An authenticator app is now this account's second factor: each login \
         will ask for its code (or a recovery code). If this was not you, reset \
         your password now.",
    )
    .await
}

pub async fn two_factor_changed(
    m: &Mailer,
    to: &str,
    on: bool,
) -> Result<(), identity::email::EmailError> {
    let (subject, text) = if on {
        (
            "Two-factor authentication turned on",
            "Two-factor authentication is now on: each login will ask for a code sent to this address.",
        )
    } else {
        (
            "Two-factor authentication turned off",
            "Two-factor authentication is now off. If this was not you, reset your password now.",
        )
    };
    m.send(to, subject, text).await
}

pub async fn change_email_code(
    m: &Mailer,
    to: &str,
    code: &str,
) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Confirm your new email address",
        &format!(
            "Your confirmation code is {code}\n\n\
             Send it to POST /user/verify-email within 10 minutes; until then your old address stays in use."
        ),
    )
    .await
}

pub async fn email_change_requested(
    m: &Mailer,
    to: &str,
) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Email address change requested",
        "A change of your account's email address was requested. It takes effect \
         only once the new address is confirmed. If this was not you, reset your password now.",
    )
    .await
}

pub async fn email_changed(m: &Mailer, to: &str) -> Result<(), identity::email::EmailError> {
    m.send(
        to,
        "Your email address was changed",
        "Your account now uses a new email address; this one no longer signs in.",
    )
    .await
}
