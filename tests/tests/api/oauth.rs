//! The OAuth authorization server against the emulator: the whole flow
//! (session → authorize → token → bearer call → refresh → logout-all),
//! PKCE, exact redirect matching, single-use codes under concurrency,
//! refresh rotation with reuse detection, scopes (403) vs bad tokens (401),
//! forged JWTs, revocation, key rotation, JWKS / metadata, and bad inputs
//! that write nothing.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use domain::scopes;
use domain::{User, UserId};
use http::{Method, Request, StatusCode};
use identity::bearer;
use identity::jwt::{self, AccessClaims};
use identity::keyring::{self, Signer};
use identity::AppState;
use identity::{self as core_auth, session};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};
use table::{ClientType, KeyStatus};

pub(crate) const REDIRECT: &str = "https://client.example.com/callback";
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub(crate) const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub(crate) const READ: &str = "delegated:profile:read";
const WRITE: &str = "delegated:profile:write";

/// A protected probe beside the OAuth routes: `GET /probe/{scope}` answers
/// 200 with the principal when the bearer token carries the scope.
async fn probe(
    State(state): State<AppState>,
    Path(scope): Path<String>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    let result = async {
        let p = bearer::authenticate(&state.access_tokens, &state.store, &headers).await?;
        let scope = scopes::known(&scope).ok_or(bearer::BearerError::MissingScope("?"))?;
        p.require(scope)?;
        Ok::<_, bearer::BearerError>(p)
    }
    .await;
    match result {
        Ok(p) => (
            StatusCode::OK,
            Json(json!({"sub": p.user.id.to_string(), "scope": p.scopes.to_string()})),
        ),
        Err(e) => (e.status(), Json(json!({"error": e.to_string()}))),
    }
}

fn app(state: AppState) -> Router {
    oauth::app(state.clone()).merge(
        Router::new()
            .route("/probe/{scope}", get(probe))
            .with_state(state),
    )
}

pub(crate) async fn env() -> TestEnv {
    TestEnv::new(app).await
}

/// A verified user with a cookie session: (user, `Cookie` header value).
pub(crate) async fn signed_in(env: &TestEnv) -> (User, String) {
    let name = unique_name("oauth_");
    let mut user = User::new(
        env.state.store.next_user_seq().await.unwrap(),
        name.clone(),
        format!("{name}@example.com"),
        "not-a-real-hash".into(),
    );
    user.email_verified = true;
    env.state.store.create_user(&user, None).await.unwrap();
    let cookie = new_session(env, &user.id).await;
    (user, cookie)
}

pub(crate) async fn new_session(env: &TestEnv, id: &UserId) -> String {
    let issued = core_auth::issue(session::KIND, id, 3600);
    env.state
        .store
        .put_token(&issued.hash, &issued.record)
        .await
        .unwrap();
    format!("{}={}", session::COOKIE_NAME, issued.token.expose())
}

pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) secret: Option<String>,
}

pub(crate) async fn client(env: &TestEnv, kind: ClientType, allowed: &[&str]) -> Client {
    let r = platform_tests::first_party_client(
        &env.state.store,
        "test client",
        kind,
        &[REDIRECT.to_owned(), "http://127.0.0.1:8080/cb".to_owned()],
        &allowed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    Client {
        id: r.client.client_id,
        secret: r.secret,
    }
}

pub(crate) fn query(params: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

pub(crate) async fn authorize(
    env: &TestEnv,
    cookie: Option<&str>,
    params: &[(&str, &str)],
) -> Reply {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(format!("/oauth/authorize?{}", query(params)));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    env.send(req.body(Body::empty()).unwrap()).await
}

/// The query parameters of a redirect's `Location`.
pub(crate) fn location(r: &Reply) -> (String, Vec<(String, String)>) {
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    let loc = r.headers["location"].to_str().unwrap();
    let url = url::Url::parse(loc).unwrap();
    let base = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap(),
        url.path()
    );
    (base, url.query_pairs().into_owned().collect())
}

pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn standard(client: &Client, scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", client.id.clone()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", scope.into()),
        ("state", "st-123".into()),
        ("code_challenge", CHALLENGE.into()),
        ("code_challenge_method", "S256".into()),
    ]
}

pub(crate) fn borrow<'a>(v: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A fresh authorization code for `client`, with the standard PKCE pair.
pub(crate) async fn code(env: &TestEnv, cookie: &str, client: &Client, scope: &str) -> String {
    let params = standard(client, scope);
    let r = authorize(env, Some(cookie), &borrow(&params)).await;
    let (base, pairs) = location(&r);
    assert_eq!(base, REDIRECT);
    assert_eq!(param(&pairs, "state"), Some("st-123"));
    param(&pairs, "code").expect("a code").to_owned()
}

pub(crate) async fn token(
    env: &TestEnv,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let creds = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {creds}"));
    }
    env.send(req.body(Body::from(query(form))).unwrap()).await
}

pub(crate) async fn exchange(env: &TestEnv, client: &Client, code: &str) -> Reply {
    token(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client.id),
            ("code_verifier", VERIFIER),
        ],
        None,
    )
    .await
}

pub(crate) async fn refresh(env: &TestEnv, client: &Client, refresh_token: &str) -> Reply {
    token(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &client.id),
        ],
        None,
    )
    .await
}

pub(crate) async fn call(env: &TestEnv, access: &str, scope: &str) -> Reply {
    env.send(
        Request::builder()
            .uri(format!("/probe/{scope}"))
            .header("authorization", format!("Bearer {access}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub(crate) fn tokens(r: &Reply) -> (String, String) {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    (
        r.body["access_token"].as_str().unwrap().to_owned(),
        r.body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

pub(crate) fn assert_oauth_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["error"], code, "{:?}", r.body);
    assert!(r.body["error_description"].is_string());
}

/// Moves the user's revocation stamp to now (what logout-all, a reset or a
/// ban do).
pub(crate) async fn void_tokens(env: &TestEnv, id: &UserId) {
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("USER#{id}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()),
        )
        .update_expression("SET tokens_valid_after = :now")
        .expression_attribute_values(
            ":now",
            aws_sdk_dynamodb::types::AttributeValue::N(domain::time::now_ms().to_string()),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn full_flow_then_logout_all_voids_access_and_refresh_tokens_at_once() {
    let env = env().await;
    let (user, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ, WRITE]).await;
    let code = code(&env, &cookie, &c, READ).await;

    let r = exchange(&env, &c, &code).await;
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["scope"], READ);
    assert_eq!(r.body["expires_in"], 600);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    let (access, refresh_token) = tokens(&r);

    // The access token is an ES256 JWT with every required claim.
    let header = jsonwebtoken::decode_header(&access).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    assert!(header.kid.is_some());
    let claims = jwt::verify(&env.state.access_tokens, &access)
        .await
        .unwrap();
    assert_eq!(claims.sub, user.id.to_string());
    assert_eq!(claims.iss, "http://127.0.0.1:3000");
    assert_eq!(claims.aud, "platform-api");
    assert_eq!(claims.scope, READ);
    assert_eq!(claims.client_id, c.id);
    assert!(claims.exp - claims.iat <= 15 * 60);

    let me = call(&env, &access, READ).await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.body);
    assert_eq!(me.body["sub"], user.id.to_string());

    // Refresh: a new pair; the new access token works too.
    let (access2, refresh2) = tokens(&refresh(&env, &c, &refresh_token).await);
    assert_ne!(refresh2, refresh_token);
    assert_eq!(call(&env, &access2, READ).await.status, StatusCode::OK);

    // Logout-all: both access tokens and the refresh token fail at once.
    void_tokens(&env, &user.id).await;
    for a in [&access, &access2] {
        assert_eq!(call(&env, a, READ).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_oauth_error(
        &refresh(&env, &c, &refresh2).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    // The old session is void too: authorize sends the browser to sign in.
    let params = standard(&c, READ);
    let (base, _) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
    assert!(base.ends_with("/signin"), "{base}");
    // A new login right after the stamp (same second) gets working tokens.
    let cookie = new_session(&env, &user.id).await;
    let code = self::code(&env, &cookie, &c, READ).await;
    let (access3, _) = tokens(&exchange(&env, &c, &code).await);
    assert_eq!(call(&env, &access3, READ).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_ban_voids_the_bearer_token() {
    let env = env().await;
    let (user, _) = signed_in(&env).await;
    let access = jwt::mint_for_user(&env.state.access_tokens, &user, &[READ])
        .await
        .unwrap();
    assert_eq!(call(&env, &access, READ).await.status, StatusCode::OK);
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("USER#{}", user.id)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()),
        )
        .update_expression("SET banned = :t")
        .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
        .send()
        .await
        .unwrap();
    assert_eq!(
        call(&env, &access, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn scopes_missing_is_403_and_bad_tokens_are_401() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ, WRITE]).await;
    let code = code(&env, &cookie, &c, READ).await;
    let (access, refresh_token) = tokens(&exchange(&env, &c, &code).await);
    assert_eq!(call(&env, &access, READ).await.status, StatusCode::OK);
    let r = call(&env, &access, WRITE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // 401 for no header, another scheme, junk.
    let none = env.get("/probe/delegated:profile:read").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        call(&env, "junk", READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    let basic = env
        .send(
            Request::builder()
                .uri("/probe/delegated:profile:read")
                .header("authorization", format!("Basic {access}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    // A refresh token is not an access token.
    assert_eq!(
        call(&env, &refresh_token, READ).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Authorization asks only for what the client may have.
    let mut params = standard(&c, "delegated:profile:read admin:profile:write");
    let (_, pairs) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
    assert_eq!(param(&pairs, "error"), Some("invalid_scope"));
    assert_eq!(param(&pairs, "state"), Some("st-123"));
    params[3].1 = "root".into();
    let (_, pairs) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
    assert_eq!(param(&pairs, "error"), Some("invalid_scope"));

    // A refresh may narrow the scope, never widen it.
    let code = self::code(&env, &cookie, &c, &format!("{READ} {WRITE}")).await;
    let (_, rt) = tokens(&exchange(&env, &c, &code).await);
    let wide = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt),
            ("client_id", &c.id),
            ("scope", "admin:profile:write"),
        ],
        None,
    )
    .await;
    assert_oauth_error(&wide, StatusCode::BAD_REQUEST, "invalid_scope");
    let narrow = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt),
            ("client_id", &c.id),
            ("scope", WRITE),
        ],
        None,
    )
    .await;
    let (narrow_access, _) = tokens(&narrow);
    assert_eq!(narrow.body["scope"], WRITE);
    assert_eq!(
        call(&env, &narrow_access, WRITE).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&env, &narrow_access, READ).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn pkce_is_required_for_public_clients_and_checked_at_the_token_endpoint() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let public = client(&env, ClientType::Public, &[READ]).await;
    let before = env.snapshot().await;
    // No challenge, plain, malformed, method without challenge: error on the redirect.
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
        vec![("code_challenge", CHALLENGE)],
        vec![
            ("code_challenge", "short"),
            ("code_challenge_method", "S256"),
        ],
        vec![("code_challenge_method", "S256")],
    ];
    for pkce in cases {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", public.id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", READ),
            ("state", "s"),
        ];
        params.extend(pkce.clone());
        let (base, pairs) = location(&authorize(&env, Some(&cookie), &params).await);
        assert_eq!(base, REDIRECT);
        assert_eq!(param(&pairs, "error"), Some("invalid_request"), "{pkce:?}");
        assert_eq!(param(&pairs, "code"), None);
        assert_eq!(param(&pairs, "state"), Some("s"));
        assert_eq!(param(&pairs, "iss"), Some("http://127.0.0.1:3000"));
    }
    assert_eq!(env.snapshot().await, before);

    // Wrong or missing verifier: invalid_grant.
    for verifier in [Some("x".repeat(43)), None] {
        let code = code(&env, &cookie, &public, READ).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", public.id.as_str()),
        ];
        if let Some(v) = &verifier {
            form.push(("code_verifier", v));
        }
        assert_oauth_error(
            &token(&env, &form, None).await,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        );
    }

    // A confidential client may skip PKCE; then a verifier is a downgrade attempt.
    let conf = client(&env, ClientType::Confidential, &[READ]).await;
    let secret = conf.secret.clone().unwrap();
    let params = [
        ("response_type", "code"),
        ("client_id", conf.id.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", READ),
    ];
    let (_, pairs) = location(&authorize(&env, Some(&cookie), &params).await);
    let code = param(&pairs, "code").unwrap().to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    assert_oauth_error(
        &token(&env, &form, Some((&conf.id, &secret))).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    let (_, pairs) = location(&authorize(&env, Some(&cookie), &params).await);
    let code = param(&pairs, "code").unwrap().to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    tokens(&token(&env, &form, Some((&conf.id, &secret))).await);
}

#[tokio::test]
async fn confidential_clients_authenticate_with_basic_or_the_body() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let conf = client(&env, ClientType::Confidential, &[READ]).await;
    let secret = conf.secret.clone().unwrap();
    // The secret is stored only as a hash.
    assert!(!format!("{:?}", env.items().await).contains(&secret));
    let code = code(&env, &cookie, &conf, READ).await;
    let form = |extra: Vec<(&'static str, String)>| {
        let mut f = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", REDIRECT.to_owned()),
            ("code_verifier", VERIFIER.to_owned()),
        ];
        f.extend(extra);
        f
    };
    // Wrong secret over Basic: 401 with a Basic challenge.
    let r = token(&env, &borrow(&form(vec![])), Some((&conf.id, "wrong"))).await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    // No secret at all.
    let r = token(
        &env,
        &borrow(&form(vec![("client_id", conf.id.clone())])),
        None,
    )
    .await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
    // Two methods at once.
    let r = token(
        &env,
        &borrow(&form(vec![("client_secret", secret.clone())])),
        Some((&conf.id, &secret)),
    )
    .await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_request");
    // Unknown client.
    let r = token(&env, &borrow(&form(vec![])), Some(("cl_nobody", &secret))).await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
    // client_secret_post works: failed client authentications did not
    // consume the code.
    let r = token(
        &env,
        &borrow(&form(vec![
            ("client_id", conf.id.clone()),
            ("client_secret", secret.clone()),
        ])),
        None,
    )
    .await;
    tokens(&r);
}

#[tokio::test]
async fn redirect_uri_must_match_exactly_and_unknown_clients_get_no_redirect() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let before = env.snapshot().await;
    for uri in [
        "https://client.example.com/callback/",
        "https://client.example.com/Callback",
        "https://CLIENT.example.com/callback",
        "https://client.example.com/callback?x=1",
        "https://client.example.com/callback#f",
        "https://client.example.com/callbackx",
        "https://client.example.com.evil.test/callback",
        "http://client.example.com/callback",
        "",
    ] {
        let mut params = standard(&c, READ);
        params[2].1 = uri.into();
        let r = authorize(&env, Some(&cookie), &borrow(&params)).await;
        assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_request");
        assert!(r.headers.get("location").is_none());
    }
    let mut params = standard(&c, READ);
    params.remove(2);
    assert_oauth_error(
        &authorize(&env, Some(&cookie), &borrow(&params)).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let mut params = standard(&c, READ);
    params[1].1 = "cl_unknown".into();
    assert_oauth_error(
        &authorize(&env, Some(&cookie), &borrow(&params)).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_eq!(env.snapshot().await, before);

    // The second registered URI works; the token request must repeat it.
    let mut params = standard(&c, READ);
    params[2].1 = "http://127.0.0.1:8080/cb".into();
    let (base, pairs) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
    assert_eq!(base, "http://127.0.0.1/cb");
    let code = param(&pairs, "code").unwrap().to_owned();
    let r = exchange(&env, &c, &code).await; // sends REDIRECT, not the one used
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn no_session_goes_to_sign_in_and_writes_nothing() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let before = env.snapshot().await;
    let params = standard(&c, READ);
    for cookie in [
        None,
        Some("sid=cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb"),
        Some("sid=junk"),
    ] {
        let r = authorize(&env, cookie, &borrow(&params)).await;
        let (base, pairs) = location(&r);
        assert!(base.ends_with("/signin"), "{base}");
        let back = param(&pairs, "return_to").unwrap();
        assert!(back.starts_with("/oauth/authorize?"), "{back}");
        assert!(back.contains(&c.id), "{back}");
    }
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn a_code_is_single_use_and_ten_concurrent_redemptions_have_one_winner() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;

    let code = code(&env, &cookie, &c, READ).await;
    let attempts = futures::future::join_all((0..10).map(|_| exchange(&env, &c, &code))).await;
    let winners: Vec<&Reply> = attempts
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        attempts.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in attempts.iter().filter(|r| r.status != StatusCode::OK) {
        assert_oauth_error(r, StatusCode::BAD_REQUEST, "invalid_grant");
    }

    // Sequential replay: refused, and what the first redemption issued is
    // revoked (RFC 6749 §4.1.2).
    let code = self::code(&env, &cookie, &c, READ).await;
    let (access, refresh_token) = tokens(&exchange(&env, &c, &code).await);
    assert_eq!(call(&env, &access, READ).await.status, StatusCode::OK);
    assert_oauth_error(
        &exchange(&env, &c, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        call(&env, &access, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_oauth_error(
        &refresh(&env, &c, &refresh_token).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );

    // Another client cannot redeem someone else's code.
    let other = client(&env, ClientType::Public, &[READ]).await;
    let code = self::code(&env, &cookie, &c, READ).await;
    assert_oauth_error(
        &exchange(&env, &other, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let code = code(&env, &cookie, &c, READ).await;
    let hash = domain::opaque::hash_secret(&code);
    let stored = env.state.store.get_auth_code(&hash).await.unwrap().unwrap();
    assert!(stored.expires_at - stored.issued_at / 1000 <= 60);
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("OAUTH_CODE#{hash}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("CODE".into()),
        )
        .update_expression("SET expires_at = :past")
        .expression_attribute_values(
            ":past",
            aws_sdk_dynamodb::types::AttributeValue::N((domain::time::now_secs() - 1).to_string()),
        )
        .send()
        .await
        .unwrap();
    assert_oauth_error(
        &exchange(&env, &c, &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    // Only the code's hash was ever stored.
    assert!(!format!("{:?}", env.items().await).contains(&code));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let env = env().await;
    let (user, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let code = code(&env, &cookie, &c, READ).await;
    let (_, rt1) = tokens(&exchange(&env, &c, &code).await);
    let (_, rt2) = tokens(&refresh(&env, &c, &rt1).await);
    let (access3, rt3) = tokens(&refresh(&env, &c, &rt2).await);
    assert_eq!(call(&env, &access3, READ).await.status, StatusCode::OK);

    // rt1 was rotated away: its reuse revokes the whole family.
    assert_oauth_error(
        &refresh(&env, &c, &rt1).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_oauth_error(
        &refresh(&env, &c, &rt3).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        call(&env, &access3, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The user's log says the platform revoked the grant, and why.
    let events = crate::audit_support::events_of(&env, user.id.as_str()).await;
    let revoked = crate::audit_support::newest(&events, "token_revoked");
    assert_eq!(revoked.actor, domain::audit::Actor::Platform);
    assert_eq!(revoked.detail["reason"], "refresh_token_reused");
    assert_eq!(revoked.detail["client_id"], c.id);

    // Another client cannot use the token; concurrent use of one token by
    // its client: one rotation, and every request gets its successor
    // (the reuse grace; oidc_tokens.rs tests the window).
    let code = self::code(&env, &cookie, &c, READ).await;
    let (_, rt) = tokens(&exchange(&env, &c, &code).await);
    let other = client(&env, ClientType::Public, &[READ]).await;
    assert_oauth_error(
        &refresh(&env, &other, &rt).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    let attempts = futures::future::join_all((0..5).map(|_| refresh(&env, &c, &rt))).await;
    let successors: std::collections::BTreeSet<String> =
        attempts.iter().map(|r| tokens(r).1).collect();
    assert_eq!(successors.len(), 1, "one rotation, one successor");
    let successor = successors.into_iter().next().unwrap();
    assert_eq!(refresh(&env, &c, &successor).await.status, StatusCode::OK);
}

#[tokio::test]
async fn revocation_follows_rfc_7009() {
    let env = env().await;
    let (user, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let revoke = |form: Vec<(&'static str, String)>| {
        let env = &env;
        async move {
            env.send(
                Request::builder()
                    .method(Method::POST)
                    .uri("/oauth/revoke")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(query(&borrow(&form))))
                    .unwrap(),
            )
            .await
        }
    };
    // Unknown and junk tokens: 200, nothing written.
    let before = env.snapshot().await;
    for t in [
        "junk",
        "0123456789abcdef0123456789abcdef.cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb",
    ] {
        let r = revoke(vec![("token", t.into()), ("client_id", c.id.clone())]).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before);
    let r = revoke(vec![("client_id", c.id.clone())]).await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_request");

    // A refresh token: its family dies, with its access tokens.
    let code = code(&env, &cookie, &c, READ).await;
    let (access, rt) = tokens(&exchange(&env, &c, &code).await);
    let r = revoke(vec![
        ("token", rt.clone()),
        ("token_type_hint", "refresh_token".into()),
        ("client_id", c.id.clone()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_oauth_error(
        &refresh(&env, &c, &rt).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        call(&env, &access, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The user's log says which app revoked its grant.
    let events = crate::audit_support::events_of(&env, user.id.as_str()).await;
    assert_eq!(crate::audit_support::kinds(&events), ["token_revoked"]);
    assert_eq!(events[0].actor, domain::audit::Actor::App);
    assert_eq!(events[0].detail["client_id"], c.id);

    // An access token: revokes its family too. Another client's request does nothing.
    let code = self::code(&env, &cookie, &c, READ).await;
    let (access, rt) = tokens(&exchange(&env, &c, &code).await);
    let other = client(&env, ClientType::Public, &[READ]).await;
    let r = revoke(vec![
        ("token", access.clone()),
        ("client_id", other.id.clone()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(call(&env, &access, READ).await.status, StatusCode::OK);
    let r = revoke(vec![("token", access.clone()), ("client_id", c.id.clone())]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        call(&env, &access, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_oauth_error(
        &refresh(&env, &c, &rt).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

/// Signs `claims` (JSON) with `signer`.
fn forge(signer: &Signer, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(signer.kid.clone());
    let token = jsonwebtoken::encode(&header, claims, &signer.key).unwrap();
    // The platform accepts the low-S form only (gate_tokens.rs).
    if crate::gate_tokens::is_high_s(&token) {
        crate::gate_tokens::high_twin(&token)
    } else {
        token
    }
}

#[tokio::test]
async fn forged_access_tokens_are_refused() {
    let env = env().await;
    let (user, _) = signed_in(&env).await;
    let genuine = jwt::mint_for_user(&env.state.access_tokens, &user, &[READ])
        .await
        .unwrap();
    assert_eq!(call(&env, &genuine, READ).await.status, StatusCode::OK);
    let claims: AccessClaims = jwt::verify(&env.state.access_tokens, &genuine)
        .await
        .unwrap();
    let base = serde_json::to_value(&claims).unwrap();
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let kid = jsonwebtoken::decode_header(&genuine).unwrap().kid.unwrap();

    let mut forged = Vec::new();
    // alg none.
    forged.push(format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "kid": kid})),
        b64(&base)
    ));
    // Another key claiming our kid.
    let mut other = keyring::KeyPair::generate();
    other.kid = kid.clone();
    let other = other.signer();
    forged.push(forge(&other, &base));
    // Wrong aud, wrong iss, expired, from the future, missing scope — signed
    // with an unknown key (the real private key is sealed in the table).
    for (field, value) in [
        ("aud", json!("someone-else")),
        ("iss", json!("https://evil.test")),
        ("exp", json!(domain::time::now_secs() - 30)),
    ] {
        let mut c = base.clone();
        c[field] = value;
        forged.push(forge(&other, &c));
    }
    // Tampered payload on a genuine signature: more scopes, another user.
    let parts: Vec<&str> = genuine.split('.').collect();
    let mut more = base.clone();
    more["scope"] = json!(format!("{READ} {WRITE}"));
    forged.push(format!("{}.{}.{}", parts[0], b64(&more), parts[2]));
    let mut someone = base.clone();
    someone["sub"] = json!(UserId::generate().to_string());
    forged.push(format!("{}.{}.{}", parts[0], b64(&someone), parts[2]));
    for token in &forged {
        assert_eq!(
            call(&env, token, READ).await.status,
            StatusCode::UNAUTHORIZED,
            "{token}"
        );
    }

    // Claims checked with the real key: wrong aud / iss, expired, missing scope.
    let real = env.state.access_tokens.signer().await.unwrap();
    let mut cases = Vec::new();
    for (field, value) in [
        ("aud", json!("someone-else")),
        ("iss", json!("https://evil.test")),
        ("exp", json!(domain::time::now_secs() - 30)),
        ("iat", json!(domain::time::now_secs() + 3600)),
    ] {
        let mut c = base.clone();
        c[field] = value;
        cases.push(c);
    }
    let mut no_scope = base.clone();
    no_scope.as_object_mut().unwrap().remove("scope");
    cases.push(no_scope);
    for c in &cases {
        let token = forge(&real, c);
        assert_eq!(
            call(&env, &token, READ).await.status,
            StatusCode::UNAUTHORIZED,
            "{c}"
        );
    }
    // The control: the real key with the genuine claims works.
    assert_eq!(
        call(&env, &forge(&real, &base), READ).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn jwks_metadata_and_key_rotation() {
    let env = env().await;
    let (user, _) = signed_in(&env).await;
    let old = jwt::mint_for_user(&env.state.access_tokens, &user, &[READ])
        .await
        .unwrap();
    let jwks = env.get("/.well-known/jwks.json").await;
    assert_eq!(jwks.status, StatusCode::OK);
    let keys = jwks.body["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    for field in ["kty", "crv", "x", "y", "kid", "alg", "use"] {
        assert!(keys[0][field].is_string(), "{field}");
    }
    assert_eq!(keys[0]["alg"], "ES256");
    assert!(keys[0].get("d").is_none(), "private part published");

    let meta = env.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(meta.status, StatusCode::OK);
    let issuer = "http://127.0.0.1:3000";
    assert_eq!(meta.body["issuer"], issuer);
    assert_eq!(
        meta.body["authorization_endpoint"],
        format!("{issuer}/oauth/authorize")
    );
    assert_eq!(meta.body["token_endpoint"], format!("{issuer}/oauth/token"));
    assert_eq!(
        meta.body["revocation_endpoint"],
        format!("{issuer}/oauth/revoke")
    );
    assert_eq!(
        meta.body["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    assert_eq!(
        meta.body["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(meta.body["response_types_supported"], json!(["code"]));
    assert!(meta.body["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!(READ)));

    // Rotate: new tokens carry the new kid, old ones still verify, both published.
    let keys = env.state.secrets.as_deref().unwrap();
    let (new_kid, demoted) = keyring::rotate(&env.state.store, keys).await.unwrap();
    env.state.access_tokens.keys.invalidate();
    let new = jwt::mint_for_user(&env.state.access_tokens, &user, &[READ])
        .await
        .unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(&new).unwrap().kid.unwrap(),
        new_kid
    );
    assert_eq!(call(&env, &old, READ).await.status, StatusCode::OK);
    assert_eq!(
        env.get("/.well-known/jwks.json").await.body["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Retire the old key: its tokens stop verifying.
    env.state
        .store
        .set_signing_key_status(&demoted[0], KeyStatus::Retired)
        .await
        .unwrap();
    env.state.access_tokens.keys.invalidate();
    assert_eq!(
        call(&env, &old, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(call(&env, &new, READ).await.status, StatusCode::OK);
    assert_eq!(
        env.get("/.well-known/jwks.json").await.body["keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn bad_token_requests_write_nothing() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let code = code(&env, &cookie, &c, READ).await;
    let before = env.snapshot().await;
    let cid = c.id.as_str();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "invalid_request"),
        (
            vec![("grant_type", "password"), ("client_id", cid)],
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", "client_credentials"), ("client_id", cid)],
            "unauthorized_client",
        ),
        (
            vec![("grant_type", "authorization_code"), ("client_id", cid)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", cid),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("client_id", cid),
                ("code_verifier", "short"),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", "junk"),
                ("redirect_uri", REDIRECT),
                ("client_id", cid),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", "cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb"),
                ("redirect_uri", REDIRECT),
                ("client_id", cid),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
        (
            vec![("grant_type", "refresh_token"), ("client_id", cid)],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", cid),
                ("refresh_token", "junk"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", cid),
                (
                    "refresh_token",
                    "0123456789abcdef0123456789abcdef.cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb",
                ),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", cid),
                ("refresh_token", "x"),
                ("scope", "root"),
            ],
            "invalid_scope",
        ),
    ];
    for (form, error) in cases {
        let r = token(&env, &form, None).await;
        assert_eq!(r.body["error"], error, "{form:?}: {:?}", r.body);
        assert!(r.status.is_client_error());
    }
    // Duplicate parameters, parameters in the query, a JSON body of the wrong shape.
    let dup = env
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(
                    "grant_type=refresh_token&grant_type=authorization_code",
                ))
                .unwrap(),
        )
        .await;
    assert_oauth_error(&dup, StatusCode::BAD_REQUEST, "invalid_request");
    let in_query = env
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!(
                    "/oauth/token?{}",
                    query(&[("grant_type", "authorization_code"), ("code", &code)])
                ))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_oauth_error(&in_query, StatusCode::BAD_REQUEST, "invalid_request");
    let json_body = env.post("/oauth/token", json!({"grant_type": 5})).await;
    assert_oauth_error(&json_body, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(env.snapshot().await, before);

    // JSON bodies are accepted as well as forms.
    let r = env
        .post(
            "/oauth/token",
            json!({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                   "client_id": c.id, "code_verifier": VERIFIER}),
        )
        .await;
    tokens(&r);
}

#[tokio::test]
async fn bad_authorize_requests_write_nothing() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let before = env.snapshot().await;
    let long_state = "s".repeat(2000);
    let cases: Vec<(usize, &str, &str)> = vec![
        (0, "token", "unsupported_response_type"),
        (3, "", "invalid_scope"),
        (3, "delegated:profile:read nope", "invalid_scope"),
        (4, &long_state, "invalid_request"),
    ];
    for (i, value, error) in cases {
        let mut params = standard(&c, READ);
        params[i].1 = value.into();
        let (_, pairs) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
        assert_eq!(param(&pairs, "error"), Some(error), "{i} {value}");
    }
    let mut params = standard(&c, READ);
    params.remove(0);
    let (_, pairs) = location(&authorize(&env, Some(&cookie), &borrow(&params)).await);
    assert_eq!(param(&pairs, "error"), Some("invalid_request"));
    let none = env.get("/oauth/authorize").await;
    assert_oauth_error(&none, StatusCode::BAD_REQUEST, "invalid_request");
    let wrong_method = env.post("/oauth/authorize", json!({})).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(env.snapshot().await, before);
}
