//! Issue 18, finding 2: every Sites endpoint needs `user_sites`. A token
//! granted only `delegated:profile:read` used to invite, list members and
//! invitations, delete invitations and find the user's sites by walking
//! ids; each is now a 403 `insufficient_scope` that reads and writes
//! nothing.

use crate::sites_support::{at, call, env, person, site, token_with};
use domain::scopes;
use http::Method;
use serde_json::json;
use sites::model::SiteType;

#[tokio::test]
async fn a_token_without_user_sites_reaches_no_site_endpoint() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Scoped shop").await;
    let invited = crate::sites_support::invite(&env, &admin, id, "friend@example.com").await;
    let inv = invited["id"].as_u64().unwrap();
    let narrow = token_with(&env, &admin.user, &[scopes::PROFILE_READ]).await;
    let before = env.snapshot().await;
    let body = Some(json!({"identifier": "other@example.com", "label": "x"}));
    let calls = [
        (Method::GET, "/unet/sites/".to_owned(), None),
        (Method::GET, at(id, "info/"), None),
        (Method::GET, at(id, "members/"), None),
        (Method::GET, at(id, "invitations/"), None),
        (Method::POST, at(id, "invitations/add/"), body),
        (
            Method::POST,
            at(id, &format!("invitations/{inv}/status/")),
            Some(json!({"status": "sent"})),
        ),
        (
            Method::POST,
            at(id, &format!("invitations/{inv}/update/")),
            Some(json!({"label": "renamed"})),
        ),
        (
            Method::POST,
            at(id, &format!("invitations/{inv}/delete/")),
            Some(json!({})),
        ),
        (
            Method::GET,
            at(id, "invitations/lookup?identifier=friend@example.com"),
            None,
        ),
        // Walking ids: another site's answer must not differ from ours.
        (Method::GET, at(id + 1, "info/"), None),
    ];
    for (method, path, body) in calls {
        let r = call(&env, method.clone(), &narrow, &path, body).await;
        assert_eq!(r.status, 403, "{method} {path}: {:?}", r.body);
        assert_eq!(r.body["error"]["code"], "insufficient_scope", "{path}");
        let challenge = r.headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("user_sites"), "{challenge}");
    }
    assert_eq!(env.snapshot().await, before, "nothing written");
    // The same calls with the scope work.
    let r = call(&env, Method::GET, &admin.token, &at(id, "members/"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
