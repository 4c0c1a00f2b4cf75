//! Every message kind's templates, compiled into the binary: for each
//! language a text file (first line the subject, the rest the body) and an
//! HTML file extending `layout.html` (escaped automatically). A language
//! without the kind falls back to English. Besides the message's own
//! variables every template gets `lang`, `product` (the product's name),
//! `base` (the hosted pages' base URL: every link goes to a page under it)
//! and, on notifications one can turn off, `unsubscribe_url`. A template is compiled the first
//! time a message needs it, not at init: a message uses five of the
//! sixty-one (docs/performance.md, cold start); the test below compiles
//! and renders every one.

use domain::{Language, MessageKind};
use minijinja::{Environment, Value};

/// The parts of an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Extra headers (`List-Unsubscribe`, …).
    pub headers: Vec<(String, String)>,
}

/// What every message's templates may use besides its own data.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub product: String,
    pub base: String,
    pub unsubscribe_url: Option<String>,
}

pub struct Templates {
    env: Environment<'static>,
}

/// Lists a language's text and HTML templates of every kind given.
macro_rules! language {
    ($sources:expr, $lang:literal: $($kind:literal),+ $(,)?) => {
        $(
            $sources.push((
                concat!($lang, "/", $kind, ".txt"),
                include_str!(concat!("../templates/", $lang, "/", $kind, ".txt")),
            ));
            $sources.push((
                concat!($lang, "/", $kind, ".html"),
                include_str!(concat!("../templates/", $lang, "/", $kind, ".html")),
            ));
        )+
    };
}

/// Every language with every kind (a test checks the list against
/// `MessageKind::ALL`) and its footer (`footer.{txt,html}`, included by
/// every text template and by `layout.html`).
macro_rules! languages {
    ($sources:expr, [$($lang:literal),+]) => {
        $(
            language!($sources, $lang:
                "verification_code", "welcome", "already_registered", "reset_code",
                "no_account", "password_changed", "change_email_code",
                "email_change_requested", "email_changed", "two_factor_code",
                "two_factor_changed", "totp_enabled", "site_invitation", "notification",
                "data_export", "passkey_counter", "footer",
            );
        )+
    };
}

impl Templates {
    pub fn load() -> Self {
        let mut sources: Vec<(&'static str, &'static str)> =
            vec![("layout.html", include_str!("../templates/layout.html"))];
        languages!(sources, ["en", "es"]);
        let mut env = Environment::new();
        env.set_loader(move |name| {
            Ok(sources
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, source)| (*source).to_owned()))
        });
        Self { env }
    }

    /// The message in `language` (English when that language lacks it).
    pub fn render(
        &self,
        kind: MessageKind,
        language: Language,
        data: &serde_json::Map<String, serde_json::Value>,
        common: &Common,
    ) -> Result<Rendered, minijinja::Error> {
        let lang = [language, Language::En]
            .into_iter()
            .find(|l| {
                self.env
                    .get_template(&format!("{}/{}.txt", l.as_str(), kind.as_str()))
                    .is_ok()
            })
            .unwrap_or(Language::En);
        // URLs go in as they are to the text part, escaped but for their
        // slashes to the HTML part (`url`).
        let context = |html: bool| {
            let link = |raw: &str| match html {
                true => url(raw),
                false => Value::from(raw),
            };
            minijinja::context! {
                lang => lang.as_str(),
                product => common.product.as_str(),
                base => link(&common.base),
                unsubscribe_url => common.unsubscribe_url.as_deref().map(link),
                ..Value::from(minijinja::value::Serde(data))
            }
        };
        let base = format!("{}/{}", lang.as_str(), kind.as_str());
        let text = self
            .env
            .get_template(&format!("{base}.txt"))?
            .render(context(false))?;
        let html = self
            .env
            .get_template(&format!("{base}.html"))?
            .render(context(true))?;
        let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
        Ok(Rendered {
            subject: subject.trim().to_owned(),
            text: body.trim().to_owned(),
            html,
            headers: Vec::new(),
        })
    }
}

/// A URL for both parts: HTML-escaped but for its slashes (which the
/// automatic escaping would write as `&#x2f;`, valid but unreadable in a
/// mail's source), so marked safe.
fn url(raw: &str) -> Value {
    Value::from_safe_string(
        raw.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    fn common() -> Common {
        Common {
            product: "Acme".into(),
            base: "https://id.acme.test".into(),
            unsubscribe_url: Some("https://api.acme.test/u?token=t".into()),
        }
    }

    #[test]
    fn every_kind_renders_in_every_language_for_people() {
        let t = Templates::load();
        let vars = data(json!({
            "code": "abc-def", "enabled": true, "site_title": "Unet", "join": "1.2.s3cret",
            "label": "friends", "inviter": "max", "title": "Hi", "message": "Hello", "type": "info"
        }));
        for kind in MessageKind::ALL {
            for lang in [Language::En, Language::Es] {
                let r = t.render(kind, lang, &vars, &common()).unwrap();
                assert!(!r.subject.is_empty(), "{kind:?} {lang:?}");
                assert!(!r.text.is_empty(), "{kind:?} {lang:?}");
                assert!(r.html.contains("<p>"), "{kind:?} {lang:?}");
                let tag = format!("<html lang=\"{}\">", lang.as_str());
                assert!(r.html.contains(&tag), "{kind:?} {lang:?}");
                for part in [&r.subject, &r.text, &r.html] {
                    for route in ["POST /", "GET /", "/user/", "/api/", "/unet/"] {
                        assert!(
                            !part.contains(route),
                            "{kind:?} {lang:?}: {route} in {part}"
                        );
                    }
                    assert!(!part.contains("Platform"), "{kind:?} {lang:?}: {part}");
                }
                assert!(r.text.contains("Acme"), "{kind:?} {lang:?}: {}", r.text);
                // Every link is to a page under the base (or the unsubscribe URL).
                for link in r.text.split_whitespace().filter(|w| w.starts_with("http")) {
                    assert!(
                        link.starts_with("https://id.acme.test/")
                            || link.starts_with("https://api.acme.test/u?"),
                        "{kind:?} {lang:?}: {link}"
                    );
                }
            }
        }
    }

    #[test]
    fn codes_link_to_their_pages() {
        let t = Templates::load();
        let code = data(json!({"code": "abc-def"}));
        for (kind, page) in [
            (MessageKind::VerificationCode, "verify-email"),
            (MessageKind::ChangeEmailCode, "verify-email"),
            (MessageKind::ResetCode, "reset-password"),
        ] {
            let r = t.render(kind, Language::En, &code, &common()).unwrap();
            let link = format!("https://id.acme.test/{page}?code=abc-def");
            assert!(r.text.contains(&link), "{kind:?}: {}", r.text);
            assert!(
                r.html.contains(&format!("href=\"{link}")),
                "{kind:?}: {}",
                r.html
            );
        }
        let r = t
            .render(
                MessageKind::SiteInvitation,
                Language::Es,
                &data(json!({"site_title": "S", "join": "1.2.x", "inviter": "max"})),
                &common(),
            )
            .unwrap();
        assert!(
            r.text.contains("https://id.acme.test/join/1.2.x"),
            "{}",
            r.text
        );
    }

    #[test]
    fn spanish_when_asked_and_html_escaped() {
        let t = Templates::load();
        let r = t
            .render(
                MessageKind::Notification,
                Language::Es,
                &data(json!({"title": "<b>Hola</b>", "message": "a < b"})),
                &common(),
            )
            .unwrap();
        assert_eq!(r.subject, "<b>Hola</b>");
        assert!(r.html.contains("a &lt; b"), "{}", r.html);
        let r = t
            .render(
                MessageKind::VerificationCode,
                Language::Es,
                &data(json!({"code": "x1"})),
                &common(),
            )
            .unwrap();
        assert!(r.text.contains("Tu código de verificación es x1"));
    }
}
