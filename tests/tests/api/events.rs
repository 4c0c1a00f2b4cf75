//! Replays every API Gateway (HTTP API, v2) event in `events/` through
//! lambda_http's own conversion and the routers the functions run, and
//! checks the status `events/expected.json` names. The events are the same
//! files `sam local invoke -e` takes; `{{NAME}}` placeholders in them are
//! filled from the seed below (values that cannot be fixed in a file, such
//! as a freshly signed token).

use domain::OpaqueToken;
use domain::{Role, User, UserId};
use http_body_util::BodyExt;
use platform_tests::TestEnv;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use table::TokenRecord;
use tower::ServiceExt;

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

/// The data the events refer to, in a fresh table. Returns placeholder values.
async fn seed(env: &TestEnv) -> Vec<(&'static str, String)> {
    let mut placeholders = vec![("RUN", "seed".to_owned())];
    placeholders.extend(seed_accounts(env).await);
    placeholders.extend(seed_oauth(env).await);
    placeholders.extend(seed_social_networks(env).await);
    placeholders.extend(seed_users(env).await);
    placeholders.extend(crate::users_social::seed_events(env).await);
    placeholders.extend(crate::sites_support::seed_events(env).await);
    placeholders.extend(crate::app_support::seed_events(env).await);
    placeholders
}

/// The Social Networks events: an API key with read and write (`{{API_KEY}}`),
/// networks 1 (steam) and 2 (discord, no users), users 1001 and 1002, and
/// user 1001 linked to steam account 76561198000000001; `vk` is free for
/// the create.
async fn seed_social_networks(env: &TestEnv) -> Vec<(&'static str, String)> {
    use identity::api_key::{self, Permission};
    use socialnetworks::store::{NetworkAccount, NetworkFields, NetworksStore};
    let store = &env.state.store;
    let networks = NetworksStore::new(store);
    let (key, _) = api_key::create(store, "events", vec![Permission::Read, Permission::Write])
        .await
        .unwrap();
    for key_name in ["steam", "discord"] {
        let fields = NetworkFields {
            key: key_name.into(),
            cooldown_time: 3600,
            allow_to_register: true,
            icon: "<svg>...</svg>".into(),
            enabled: true,
            settings: socialnetworks::settings::seal(
                env.state.secrets.as_deref().unwrap(),
                [("client_id".to_owned(), "your-client-id".to_owned())].into(),
                None,
            )
            .await
            .unwrap(),
        };
        let counter = networks.network_counter().await.unwrap();
        networks.create_network(&fields, counter).await.unwrap();
    }
    for seq in [1001, 1002] {
        let user = User::new(
            seq,
            format!("sn{seq}"),
            format!("sn{seq}@example.com"),
            "x".into(),
        );
        assert_eq!(store.create_user(&user, None).await.unwrap().seq, seq);
    }
    let account = NetworkAccount {
        value: "76561198000000001".into(),
        login: "john123".into(),
        name: "John Doe".into(),
        url: "https://steamcommunity.com/profiles/76561198000000001".into(),
    };
    let snapshot = networks.link_snapshot(1, 1001).await.unwrap();
    networks
        .link_account(
            1,
            1001,
            &account,
            false,
            snapshot,
            &domain::audit::Event::by_user(domain::audit::Kind::NetworkLinked),
        )
        .await
        .unwrap();
    vec![
        ("API_KEY", key.expose().to_owned()),
        ("NETWORK_ID", "1".into()),
        ("NETWORK_KEY", "steam".into()),
        ("NETWORK_DELETE_ID", "2".into()),
        ("NETWORK_NEW_KEY", "vk".into()),
        ("NETWORK_LINKED_USER", "1001".into()),
        ("NETWORK_USER", "1002".into()),
    ]
}

/// The Accounts API events: the document's example token for a moderator
/// `max` (password `moderator-pass`), and a ghost `andr` with the
/// document's example id.
async fn seed_accounts(env: &TestEnv) -> Vec<(&'static str, String)> {
    let store = &env.state.store;
    let hash = domain::password_hash::hash("moderator-pass").await;
    let mut max = User::new(1, "max".into(), "max@innopolis.ru".into(), hash.clone());
    max.id = UserId::parse("575b3581aa87dd1cd0e137ab").unwrap();
    max.role = Role::Moderator;
    let token = OpaqueToken::parse("cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb").unwrap();
    let now = domain::time::now_ms();
    let record = TokenRecord {
        kind: "account".into(),
        user_id: max.id.clone(),
        issued_at: now,
        expires_at: now / 1000 + 3600,
        amr: Vec::new(),
    };
    store
        .create_user(&max, Some((&token.hash(), &record)))
        .await
        .unwrap();
    let mut andr = User::new(2, "andr".into(), "andr@innopolis.ru".into(), hash);
    andr.id = UserId::parse("575b53fbaa87dd30d6963e5d").unwrap();
    andr.first_name = Some("Andrew".into());
    store.create_user(&andr, None).await.unwrap();
    vec![
        ("ACCOUNTS_TOKEN", token.expose().to_owned()),
        ("ACCOUNTS_MODERATOR", max.username),
        ("ACCOUNTS_OTHER", andr.username),
        ("ACCOUNTS_OTHER_ID", andr.id.as_str().to_owned()),
    ]
}

/// The API Gateway events (the notifier's, the webhooks' and the lifecycle's stream events are replayed by
/// the email_delivery tests).
fn event_files() -> Vec<String> {
    let mut files = Vec::new();
    for group in std::fs::read_dir(events_dir()).unwrap() {
        let group = group.unwrap().path();
        let name = group.file_name().unwrap_or_default().to_string_lossy();
        if group.is_dir() && name != "notifier" && !name.ends_with("-stream") {
            for file in std::fs::read_dir(&group).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "json") {
                    let rel = file.strip_prefix(events_dir()).unwrap();
                    files.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn every_event_file_is_listed_with_its_expected_status() {
    let expected: BTreeMap<String, u16> =
        serde_json::from_str(&std::fs::read_to_string(events_dir().join("expected.json")).unwrap())
            .unwrap();
    let listed: Vec<String> = expected.keys().cloned().collect();
    assert_eq!(
        event_files(),
        listed,
        "events/ and events/expected.json disagree"
    );
}

#[tokio::test]
async fn every_event_replays_to_its_expected_status() {
    let env = TestEnv::new(dev_server::app).await;
    let placeholders = seed(&env).await;
    let expected: BTreeMap<String, u16> =
        serde_json::from_str(&std::fs::read_to_string(events_dir().join("expected.json")).unwrap())
            .unwrap();
    let mut failures = Vec::new();
    for (file, status) in &expected {
        let mut text = std::fs::read_to_string(events_dir().join(file)).unwrap();
        for (name, value) in &placeholders {
            text = text.replace(&format!("{{{{{name}}}}}"), value);
        }
        assert!(
            !text.contains("{{"),
            "{file}: a placeholder the seed does not fill"
        );
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|e| panic!("{file} is not an API Gateway event: {e}"))
            .map(|body| axum::body::Body::from(body.to_vec()));
        let response = env.app.clone().oneshot(request).await.unwrap();
        let got = response.status().as_u16();
        if got != *status {
            let body = response.into_body().collect().await.unwrap().to_bytes();
            failures.push(format!(
                "{file}: expected {status}, got {got}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The OAuth events: a public client, a cookie session of `max`, a code
/// (PKCE verifier of RFC 7636 appendix B) and two refresh families (one
/// refreshed, one revoked).
async fn seed_oauth(env: &TestEnv) -> Vec<(&'static str, String)> {
    use domain::opaque::hash_secret;
    use table::{AuthCode, ClientType, OAuthClient, RefreshFamily};
    let store = &env.state.store;
    let max = UserId::parse("575b3581aa87dd1cd0e137ab").unwrap();
    let now = domain::time::now_ms();
    let redirect = "https://client.example.com/callback";
    store
        .put_oauth_client(&OAuthClient {
            client_id: "cl_events000000000000".into(),
            name: "events".into(),
            client_type: ClientType::Public,
            secret_hash: None,
            redirect_uris: vec![redirect.into()],
            scopes: "delegated:profile:read delegated:profile:write".into(),
            created_at: now,
            first_party: false,
            post_logout_redirect_uris: Vec::new(),
            logo: None,
        })
        .await
        .unwrap();
    let session = TokenRecord {
        kind: "session".into(),
        user_id: max.clone(),
        issued_at: now,
        expires_at: now / 1000 + 3600,
        amr: Vec::new(),
    };
    store
        .put_token(&hash_secret("SessionEvent0000000000000000000A"), &session)
        .await
        .unwrap();
    let code = |family_id: &str| AuthCode {
        client_id: "cl_events000000000000".into(),
        user_id: max.clone(),
        redirect_uri: redirect.into(),
        scope: "delegated:profile:read".into(),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        family_id: family_id.into(),
        issued_at: now,
        expires_at: now / 1000 + 60,
        used_at: None,
        session: None,
        nonce: None,
        sign_in: Default::default(),
    };
    let event_code = hash_secret("CodeEvent00000000000000000000000");
    store
        .put_auth_code(&event_code, &code("ffffffffffffffffffffffffffffffff"), now)
        .await
        .unwrap();
    // The refresh families come from redeeming two more codes.
    let mut refresh_tokens = Vec::new();
    for (family_id, secret) in [
        (
            "0123456789abcdef0123456789abcdef",
            "RefreshEvent00000000000000000000",
        ),
        (
            "fedcba9876543210fedcba9876543210",
            "RevokeEvent000000000000000000000",
        ),
    ] {
        let seed_code = hash_secret(&format!("CodeSeed{family_id}"));
        let seeded = code(family_id);
        store.put_auth_code(&seed_code, &seeded, now).await.unwrap();
        let family = RefreshFamily {
            family_id: family_id.into(),
            user_id: max.clone(),
            client_id: "cl_events000000000000".into(),
            scope: "delegated:profile:read".into(),
            issued_at: now,
            expires_at: now / 1000 + 3600,
            current_hash: hash_secret(&format!("{family_id}.{secret}")),
            rotations: 0,
            revoked: false,
            session: None,
            sign_in: Default::default(),
            last_rotation: None,
        };
        store
            .redeem_auth_code(&seed_code, &seeded, &family)
            .await
            .unwrap();
        refresh_tokens.push(format!("{family_id}.{secret}"));
    }
    vec![
        ("OAUTH_CLIENT_ID", "cl_events000000000000".into()),
        ("OAUTH_SESSION", "SessionEvent0000000000000000000A".into()),
        ("OAUTH_CODE", "CodeEvent00000000000000000000000".into()),
        ("OAUTH_REFRESH_TOKEN", refresh_tokens[0].clone()),
        ("OAUTH_REVOKE_TOKEN", refresh_tokens[1].clone()),
    ]
}

/// The Users API events: verified users A (`events_user_a`, password
/// `events-pass`, a bearer token with every Users API scope, two cookie
/// sessions, a pending 2FA challenge) and B (looked up and followed, a
/// session for logout-all), C with a reset code, and D, unverified, with a
/// verification code.
async fn seed_users(env: &TestEnv) -> Vec<(&'static str, String)> {
    use domain::codes::{Challenge, LinkCode, Purpose, ShortCode};
    use domain::scopes;
    use identity::{jwt, session};
    use table::CodeSlot;
    let store = &env.state.store;
    let hash = domain::password_hash::hash("events-pass").await;
    let mut users = Vec::new();
    for (i, name) in ["a", "b", "c", "d"].into_iter().enumerate() {
        let mut u = User::new(
            9001 + i as u64,
            format!("events_user_{name}"),
            format!("events.{name}@example.com"),
            hash.clone(),
        );
        u.id = UserId::parse(&format!("65f00000000000000000000{}", i + 1)).unwrap();
        u.email_verified = name != "d";
        u.verification_pending = name == "d";
        store.create_user(&u, None).await.unwrap();
        users.push(u);
    }
    let mut sessions = Vec::new();
    for u in [&users[0], &users[0], &users[1]] {
        let issued = identity::issue(session::KIND, &u.id, session::TTL_SECS);
        store.put_token(&issued.hash, &issued.record).await.unwrap();
        sessions.push(issued.token.expose().to_owned());
    }
    let all = [
        scopes::PROFILE_READ,
        scopes::PROFILE_WRITE,
        scopes::ADMIN_PROFILE_WRITE,
        scopes::ROLES_READ,
    ];
    let token = jwt::mint_for_user(&env.state.access_tokens, &users[0], &all)
        .await
        .unwrap();
    let (challenge, short) = (Challenge::generate(), ShortCode::generate());
    let mut slot = CodeSlot::new(&users[0].id, Purpose::TwoFactor, short.hash(&challenge));
    slot.challenge_hash = Some(challenge.hash());
    store.put_code(&slot, false).await.unwrap();
    let reset = LinkCode::generate();
    let mut slot = CodeSlot::new(&users[2].id, Purpose::ResetPassword, reset.hash());
    slot.payload = Some(users[2].email.clone());
    store.put_code(&slot, true).await.unwrap();
    let verify = LinkCode::generate();
    let mut slot = CodeSlot::new(&users[3].id, Purpose::VerifyEmail, verify.hash());
    // The address the code proves (what sign-up writes).
    slot.payload = Some(users[3].email.clone());
    store.put_code(&slot, true).await.unwrap();
    vec![
        ("USERS_USERNAME", users[0].username.clone()),
        ("USERS_EMAIL", users[0].email.clone()),
        ("USERS_2FA_USER", users[0].id.as_str().to_owned()),
        ("USERS_OTHER_ID", users[1].id.as_str().to_owned()),
        ("USERS_ACCESS_TOKEN", token),
        ("USERS_SESSION", sessions[0].clone()),
        ("USERS_SESSION_LOGOUT", sessions[1].clone()),
        ("USERS_SESSION_B", sessions[2].clone()),
        ("USERS_2FA_HASH", challenge.expose().to_owned()),
        ("USERS_2FA_CODE", short.expose().to_owned()),
        ("USERS_RESET_CODE", reset.expose()),
        ("USERS_VERIFY_CODE", verify.expose()),
    ]
}
