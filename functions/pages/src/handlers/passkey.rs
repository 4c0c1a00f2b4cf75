//! `POST /signin/passkey`: where the sign-in page's script goes when a
//! passkey signed in to an account whose second factor is still due (the
//! passkeys API's `{"2faEnabled": true, "sessionHash", "user"}`: the
//! authenticator did not verify its user). The challenge comes in a form,
//! not a URL, and the page is the password sign-in's code step; answering
//! it is `POST /signin/second-factor`, under the gatekeeper's rules.
//!
//! Nothing is read here: the page does not say whether the account has an
//! authenticator app (the form's user id is anyone's to send), so its text
//! names both kinds of code.

use super::second_factor::parse_challenge;
use crate::context::Ctx;
use crate::form::Form;
use crate::render::Page;
use crate::return_to;
use axum::response::Response;

pub async fn second_factor(ctx: Ctx, form: Form) -> Response {
    let lang = ctx.lang(None);
    let return_to = return_to::safe(form.raw("return_to"));
    let checked = ctx.check_csrf(&form).and_then(|()| parse_challenge(&form));
    match checked {
        Ok((target, challenge)) => {
            super::second_factor::code_page(lang, target.as_str(), challenge.expose(), &return_to)
                .var("either", true)
                .render(&ctx, lang)
        }
        Err(e) => Page::new("message.html")
            .with_error(lang, &e, &[])
            .var(
                "title",
                crate::render::strings(lang)["titles"]["second_factor"].clone(),
            )
            .render(&ctx, lang),
    }
}
