//! Helpers of the Sites API tests: users with bearer tokens and cookie
//! sessions, sites made the way the operator CLI makes them, and calls.

use axum::body::Body;
use axum::Router;
use domain::{scopes, User};
use http::{Method, Request};
use identity::{jwt, session, AppState};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::Value;
use sites::model::{SiteRole, SiteType};
use sites::store::{SiteRecord, SitesStore};

/// The Sites API, plus the OAuth server for the token exchange.
pub fn app(state: AppState) -> Router {
    sites::app(state.clone()).merge(oauth::routes(state))
}

pub async fn env() -> TestEnv {
    TestEnv::new(app).await
}

/// No notifier on the table's stream: outbox items stay pending, and
/// snapshots never race a delivery.
pub async fn quiet_env() -> TestEnv {
    TestEnv::without_notifier(app).await
}

pub struct Person {
    pub user: User,
    /// An access token with `user_sites`.
    pub token: String,
    pub cookie: String,
}

pub async fn person(env: &TestEnv) -> Person {
    let name = unique_name("site_");
    let mut user = User::new(
        env.state.store.next_user_seq().await.unwrap(),
        name.clone(),
        format!("{name}@example.com"),
        "not-a-real-hash".into(),
    );
    user.first_name = Some("Ann".into());
    user.last_name = Some("Smith".into());
    let user = env.state.store.create_user(&user, None).await.unwrap();
    let token = token_with(env, &user, &[scopes::USER_SITES]).await;
    let issued = identity::issue(session::KIND, &user.id, 3600);
    env.state
        .store
        .put_token(&issued.hash, &issued.record)
        .await
        .unwrap();
    let cookie = format!("{}={}", session::COOKIE_NAME, issued.token.expose());
    Person {
        user,
        token,
        cookie,
    }
}

pub async fn token_with(env: &TestEnv, user: &User, scopes: &[&str]) -> String {
    jwt::mint_for_user(&env.state.access_tokens, user, scopes)
        .await
        .unwrap()
}

/// A site with `admin` as its admin, as `platform site create` makes it.
pub async fn site(env: &TestEnv, admin: &User, kind: SiteType, title: &str) -> u64 {
    let store = SitesStore::new(&env.state.store);
    let record = SiteRecord {
        id: store.next_site_id().await.unwrap(),
        title: title.into(),
        site_type: kind,
        url: format!(
            "https://{}.example.com",
            title.to_lowercase().replace(' ', "-")
        ),
        logo_url: Some("https://cdn.example.com/logo.png".into()),
        created_at: domain::time::now(),
        owner_uid: admin.seq,
        members_count: 1,
        invitations_count: 0,
    };
    store.create_site(&record, admin).await.unwrap();
    record.id
}

pub async fn join(env: &TestEnv, site: u64, user: &User, role: SiteRole) {
    let store = SitesStore::new(&env.state.store);
    let record = store.site(site).await.unwrap().unwrap();
    store.add_member(&record, user, role).await.unwrap();
}

/// The path and query of an absolute URL the API handed out.
pub fn rel(url: &str) -> String {
    let u = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}

pub async fn get(env: &TestEnv, token: &str, path: &str) -> Reply {
    call(env, Method::GET, token, path, None).await
}

pub async fn post(env: &TestEnv, token: &str, path: &str, body: Value) -> Reply {
    call(env, Method::POST, token, path, Some(body)).await
}

pub async fn call(
    env: &TestEnv,
    method: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    env.send(req.body(body).unwrap()).await
}

/// `/unet/sites/<id>/<rest>`.
pub fn at(site: u64, rest: &str) -> String {
    format!("/unet/sites/{site}/{rest}")
}

/// Adds an invitation; returns the answer's body.
pub async fn invite(env: &TestEnv, admin: &Person, site: u64, identifier: &str) -> Value {
    let r = post(
        env,
        &admin.token,
        &at(site, "invitations/add/"),
        serde_json::json!({"identifier": identifier, "label": "Friend"}),
    )
    .await;
    assert_eq!(r.status, 201, "{identifier}: {:?}", r.body);
    r.body
}

/// The Sites API events (events/sites/): site 1 (a shop, `{{SITE_ID}}`)
/// with its admin (`{{SITES_ADMIN_TOKEN}}`) and a guest who is no member
/// yet (`{{SITES_GUEST_TOKEN}}`); invitations 101 (`+14155550100`, status
/// and update: `{{SITES_INVITATION}}`), 102 (delete:
/// `{{SITES_INVITATION_DELETE}}`) and 103 (the link
/// `1.103.SiteLinkEvent…103`, `{{SITES_LINK}}`, shown and accepted by the
/// guest).
pub async fn seed_events(env: &TestEnv) -> Vec<(&'static str, String)> {
    use sites::model::{InvitationStatus, InvitationType};
    use sites::store::{InvitationRecord, NewInvitation};
    let store = &env.state.store;
    let mut people = Vec::new();
    for (seq, name) in [(9101, "sites_admin"), (9102, "sites_guest")] {
        let user = User::new(seq, name.into(), format!("{name}@example.com"), "x".into());
        people.push(store.create_user(&user, None).await.unwrap());
    }
    let id = site(env, &people[0], SiteType::Shop, "Events shop").await;
    assert_eq!(id, 1, "the events name site 1");
    let sites = SitesStore::new(store);
    for (inv, identifier, kind) in [
        (101, "+14155550100", InvitationType::Phone),
        (102, "+14155550101", InvitationType::Phone),
        (103, "vk:events_guest", InvitationType::Vk),
    ] {
        let record = InvitationRecord {
            site_id: id,
            id: inv,
            label: "Events".into(),
            identifier: identifier.into(),
            invitee_key: identifier.into(),
            kind,
            status: InvitationStatus::Created,
            create_uid: people[0].seq,
            create_time: domain::time::now(),
            used_uid: None,
            used_time: None,
            deleted_time: None,
            link_hash: domain::opaque::hash_secret(&format!("SiteLinkEvent0000000000000000{inv}")),
        };
        let new = NewInvitation {
            record,
            message: None,
        };
        sites.add_invitation(&people[0].id, &new).await.unwrap();
    }
    vec![
        ("SITE_ID", id.to_string()),
        ("SITES_INVITATION", "101".into()),
        ("SITES_INVITATION_DELETE", "102".into()),
        (
            "SITES_LINK",
            format!("{id}.103.SiteLinkEvent0000000000000000103"),
        ),
        (
            "SITES_ADMIN_TOKEN",
            token_with(env, &people[0], &[scopes::USER_SITES]).await,
        ),
        (
            "SITES_GUEST_TOKEN",
            token_with(env, &people[1], &[scopes::USER_SITES]).await,
        ),
    ]
}
