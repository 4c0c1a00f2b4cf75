//! Every message kind's templates, compiled into the binary: for each
//! language a text file (first line the subject, the rest the body) and an
//! HTML file extending `layout.html` (escaped automatically). A language
//! without the kind falls back to English. A template is compiled the first
//! time a message needs it, not at init: a message uses three of the
//! fifty-seven (docs/performance.md, cold start); the test below compiles
//! and renders every one.

use domain::{Language, MessageKind};
use minijinja::{Environment, Value};

/// The three parts of an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
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
/// `MessageKind::ALL`).
macro_rules! languages {
    ($sources:expr, [$($lang:literal),+]) => {
        $(
            language!($sources, $lang:
                "verification_code", "welcome", "already_registered", "reset_code",
                "no_account", "password_changed", "change_email_code",
                "email_change_requested", "email_changed", "two_factor_code",
                "two_factor_changed", "totp_enabled", "site_invitation", "notification",
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
    ) -> Result<Rendered, minijinja::Error> {
        let lang = [language, Language::En]
            .into_iter()
            .find(|l| {
                self.env
                    .get_template(&format!("{}/{}.txt", l.as_str(), kind.as_str()))
                    .is_ok()
            })
            .unwrap_or(Language::En);
        let context = Value::from(minijinja::value::Serde(data));
        let base = format!("{}/{}", lang.as_str(), kind.as_str());
        let text = self
            .env
            .get_template(&format!("{base}.txt"))?
            .render(&context)?;
        let html = self
            .env
            .get_template(&format!("{base}.html"))?
            .render(&context)?;
        let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
        Ok(Rendered {
            subject: subject.trim().to_owned(),
            text: body.trim().to_owned(),
            html,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn every_kind_renders_in_every_language() {
        let t = Templates::load();
        let vars = data(json!({
            "code": "abc-def", "enabled": true, "site_title": "Unet", "link": "https://x/y",
            "label": "friends", "inviter": "max", "title": "Hi", "message": "Hello", "type": "info"
        }));
        for kind in MessageKind::ALL {
            for lang in [Language::En, Language::Es] {
                let r = t.render(kind, lang, &vars).unwrap();
                assert!(!r.subject.is_empty(), "{kind:?} {lang:?}");
                assert!(!r.text.is_empty(), "{kind:?} {lang:?}");
                assert!(r.html.contains("<p>"), "{kind:?} {lang:?}");
            }
        }
    }

    #[test]
    fn spanish_when_asked_and_html_escaped() {
        let t = Templates::load();
        let r = t
            .render(
                MessageKind::Notification,
                Language::Es,
                &data(json!({"title": "<b>Hola</b>", "message": "a < b"})),
            )
            .unwrap();
        assert_eq!(r.subject, "<b>Hola</b>");
        assert!(r.html.contains("a &lt; b"), "{}", r.html);
        let r = t
            .render(
                MessageKind::VerificationCode,
                Language::Es,
                &data(json!({"code": "x1"})),
            )
            .unwrap();
        assert!(r.text.contains("Tu código de verificación es x1"));
    }
}
