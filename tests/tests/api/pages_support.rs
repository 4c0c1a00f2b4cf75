//! Helpers of the hosted pages' tests: a small browser (a cookie jar that
//! follows `Set-Cookie`, forms posted with the CSRF token it holds) over
//! the dev server's router, in-process.

use axum::body::Body;
use http::{Request, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use std::collections::BTreeMap;

pub const PASSWORD: &str = "$uper&ecurePassw0rd";

pub async fn env() -> TestEnv {
    TestEnv::new(dev_server::app).await
}

#[derive(Default, Clone)]
pub struct Browser {
    pub cookies: BTreeMap<String, String>,
    /// Headers every request adds (`Origin`, `Accept-Language`).
    pub extra: Vec<(&'static str, String)>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, r: &Reply) {
        for set in r.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn get(&mut self, env: &TestEnv, uri: &str) -> Reply {
        let mut req = Request::get(uri).header("cookie", self.cookie_header());
        for (k, v) in &self.extra {
            req = req.header(*k, v);
        }
        let r = env.send(req.body(Body::empty()).unwrap()).await;
        self.keep_cookies(&r);
        r
    }

    /// Posts `fields` with the jar's CSRF token (a GET first when it has none).
    pub async fn post(&mut self, env: &TestEnv, uri: &str, fields: &[(&str, &str)]) -> Reply {
        if !self.cookies.contains_key("pcsrf") {
            self.get(env, "/signin").await;
        }
        let token = self.cookies["pcsrf"].clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(env, uri, &all).await
    }

    /// Posts the sign-in form.
    pub async fn sign_in(
        &mut self,
        env: &TestEnv,
        login: &str,
        password: &str,
        back: &str,
    ) -> Reply {
        let fields = [
            ("login", login),
            ("password", password),
            ("return_to", back),
        ];
        self.post(env, "/signin", &fields).await
    }

    /// Posts the sign-up form (first and last name fixed, [`PASSWORD`]).
    pub async fn sign_up(&mut self, env: &TestEnv, username: &str, email: &str) -> Reply {
        let fields = [
            ("username", username),
            ("firstName", "Ada"),
            ("lastName", "Lovelace"),
            ("email", email),
            ("password", PASSWORD),
        ];
        self.post(env, "/signup", &fields).await
    }

    /// Posts exactly `fields` (no token added).
    pub async fn post_raw(&mut self, env: &TestEnv, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", self.cookie_header());
        for (k, v) in &self.extra {
            req = req.header(*k, v);
        }
        let r = env.send(req.body(Body::from(body)).unwrap()).await;
        self.keep_cookies(&r);
        r
    }
}

pub fn html(r: &Reply) -> &str {
    r.body.as_str().unwrap_or_default()
}

pub fn location(r: &Reply) -> &str {
    r.headers
        .get("location")
        .map(|l| l.to_str().unwrap())
        .unwrap_or_default()
}

pub struct Person {
    pub username: String,
    pub email: String,
}

/// Signs up through the pages and verifies the address with the emailed code.
pub async fn signed_up(env: &TestEnv) -> Person {
    let username = unique_name("page_");
    let email = format!("{username}@example.com");
    let mut b = Browser::default();
    let r = b.sign_up(env, &username, &email).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let code = crate::users_support::last_code(env, &email).await;
    let r = b.post(env, "/verify-email", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/signin?notice=verified"));
    Person { username, email }
}

/// A browser signed in as `p`.
pub async fn signed_in(env: &TestEnv, p: &Person) -> Browser {
    let mut b = Browser::default();
    let r = b.sign_in(env, &p.username, PASSWORD, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(b.cookies.contains_key("sid"));
    b
}

/// The user `username` names and the TOTP secret they are enrolling
/// (after `POST /account/totp`, before the confirming code).
pub async fn pending_totp(
    env: &TestEnv,
    username: &str,
) -> (domain::UserId, domain::totp::TotpSecret) {
    let store = &env.state.store;
    let id = store
        .username_owner(&username.to_lowercase())
        .await
        .unwrap()
        .unwrap();
    let user = store.get_user(&id).await.unwrap().unwrap();
    let pending = user.totp_pending.as_deref().unwrap();
    (id, domain::totp::TotpSecret::parse(pending).unwrap())
}

/// The value of the hidden field `name` on a page.
pub fn hidden<'a>(page: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
}

/// Every script of the page is a file of this origin, none is inline
/// (the CSP's `script-src 'self'` would refuse one anyway).
pub fn assert_no_inline_script(page: &str) {
    for tag in page.split("<script").skip(1) {
        let (open, rest) = tag.split_once('>').unwrap();
        assert!(open.contains(" src=\"&#x2f;pages&#x2f;"), "<script{open}>");
        assert!(rest.starts_with("</script>"), "inline script: {rest}");
    }
}

/// The id of the user `p` signed up as.
pub async fn user_id(env: &TestEnv, p: &Person) -> domain::UserId {
    env.state
        .store
        .username_owner(&p.username.to_lowercase())
        .await
        .unwrap()
        .unwrap()
}

/// Turns on two-step verification by emailed code for `p`.
pub async fn email_two_factor(env: &TestEnv, p: &Person) {
    let id = user_id(env, p).await;
    env.state
        .store
        .set_user_flag(&id, table::UserFlag::TwoFactor, true)
        .await
        .unwrap();
}
