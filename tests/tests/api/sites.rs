//! Sites API: discovery (RESOURCE_URI from the token exchange,
//! TARGET_RESOURCE_URI per site), bearer auth and scopes, 404 for
//! non-members and 403 for non-admins, `fields`, `permissions`, info and
//! members. Paging: sites_paging.rs; invitations: sites_invitations.rs.

use crate::sites_support::*;
use axum::body::Body;
use domain::scopes;
use http::{Method, Request, StatusCode};
use platform_tests::TestEnv;
use serde_json::{json, Value};
use sites::model::{SiteRole, SiteType};

const REDIRECT: &str = "https://client.example.com/callback";
// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn form(params: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// The token response for `scope`, through authorize and the code exchange.
async fn token_response(env: &TestEnv, cookie: &str, client_id: &str, scope: &str) -> Value {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", "s"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let r = env
        .send(
            Request::builder()
                .uri(format!("/oauth/authorize?{query}"))
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    let location = url::Url::parse(r.headers["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("client_id", client_id),
        ("code_verifier", VERIFIER),
    ]);
    let r = env
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

#[tokio::test]
async fn resource_uri_comes_from_the_token_exchange_and_leads_to_the_sites() {
    let env = env().await;
    let ann = person(&env).await;
    let id = site(&env, &ann.user, SiteType::Shop, "Ann Shop").await;
    let client = platform_tests::first_party_client(
        &env.state.store,
        "sites client",
        table::ClientType::Public,
        &[REDIRECT.to_owned()],
        &[
            scopes::USER_SITES.to_owned(),
            scopes::PROFILE_READ.to_owned(),
        ],
    )
    .await
    .unwrap();
    let client_id = client.client.client_id;
    let with = token_response(&env, &ann.cookie, &client_id, "user_sites").await;
    let resource = with["resource_uri"].as_str().expect("resource_uri");
    assert!(
        resource.starts_with("http") && resource.ends_with('/'),
        "{resource}"
    );
    let without = token_response(&env, &ann.cookie, &client_id, "delegated:profile:read").await;
    assert!(without.get("resource_uri").is_none(), "{without}");
    // sites/ is relative to RESOURCE_URI; info/ to TARGET_RESOURCE_URI.
    let access = with["access_token"].as_str().unwrap();
    let r = get(&env, access, &rel(&format!("{resource}sites/"))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let target = r.body["items"][0]["target_resource_uri"].as_str().unwrap();
    assert_eq!(target, format!("{resource}sites/{id}/"));
    let info = get(&env, access, &rel(&format!("{target}info/"))).await;
    assert_eq!(info.body["id"], id);
    assert_eq!(info.body["title"], "Ann Shop");
}

#[tokio::test]
async fn sites_lists_memberships_with_fields_and_permissions_on_request() {
    let env = env().await;
    let ann = person(&env).await;
    let bob = person(&env).await;
    let own = site(&env, &ann.user, SiteType::Shop, "Own").await;
    let other = site(&env, &bob.user, SiteType::Lander, "Other").await;
    join(&env, other, &ann.user, SiteRole::Member).await;
    let r = get(&env, &ann.token, "/unet/sites/").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["total_count"], 2);
    assert_eq!(r.body["limit"], 100);
    assert_eq!(r.body["next_cursor"], "");
    assert_eq!(r.body["prev_cursor"], "");
    let items = r.body["items"].as_array().unwrap();
    let mine = items.iter().find(|i| i["id"] == own).unwrap();
    let keys: Vec<&str> = mine
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "id",
        "title",
        "type",
        "url",
        "logo_url",
        "is_admin",
        "target_resource_uri",
    ] {
        assert!(keys.contains(&k), "{k} in {mine}");
    }
    assert!(mine.get("permissions").is_none());
    assert_eq!(mine["is_admin"], true);
    assert_eq!(mine["type"], "shop");
    let theirs = items.iter().find(|i| i["id"] == other).unwrap();
    assert_eq!(theirs["is_admin"], false);
    // Without the trailing slash too; fields and permissions.
    let r = get(&env, &ann.token, "/unet/sites?fields=id,title,permissions").await;
    assert_eq!(r.status, 200);
    for item in r.body["items"].as_array().unwrap() {
        let mut keys: Vec<_> = item.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["id", "permissions", "title"]);
        let admin = item["id"] == own;
        assert_eq!(
            item["permissions"],
            json!({"manage_invitations": admin, "manage_members": admin, "edit": admin})
        );
    }
    for (query, field) in [
        ("fields=id,secret", "fields"),
        ("type=blog", "type"),
        ("is_admin=maybe", "is_admin"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let r = get(&env, &ann.token, &format!("/unet/sites/?{query}")).await;
        assert_eq!(r.status, 400, "{query}: {:?}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{query}");
        assert_eq!(r.body["error"]["code"], "invalid_input");
    }
}

#[tokio::test]
async fn bearer_auth_scopes_and_revocation() {
    let env = env().await;
    let ann = person(&env).await;
    let id = site(&env, &ann.user, SiteType::Community, "Club").await;
    let r = env.get("/unet/sites/").await;
    assert_eq!(r.status, 401);
    assert!(r.headers.contains_key("www-authenticate"));
    let r = get(&env, "not-a-jwt", "/unet/sites/").await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.headers["www-authenticate"],
        r#"Bearer error="invalid_token""#
    );
    assert_eq!(r.body["error"]["code"], "invalid_token");
    let narrow = token_with(&env, &ann.user, &[scopes::PROFILE_READ]).await;
    let r = get(&env, &narrow, "/unet/sites/").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["code"], "insufficient_scope");
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("insufficient_scope"));
    // Per-site endpoints need the scope too (issue 18; gate_sites_scope.rs).
    let r = get(&env, &narrow, &at(id, "info/")).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    // Logout everywhere voids the token on this surface too.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    env.state.store.void_tokens(&ann.user.id).await.unwrap();
    for path in ["/unet/sites/".to_owned(), at(id, "info/")] {
        let r = get(&env, &ann.token, &path).await;
        assert_eq!(r.status, 401, "{path}");
    }
}

#[tokio::test]
async fn non_members_get_404_and_members_403_on_admin_endpoints() {
    let env = env().await;
    let admin = person(&env).await;
    let member = person(&env).await;
    let stranger = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Guarded").await;
    join(&env, id, &member.user, SiteRole::Member).await;
    let inv = invite(&env, &admin, id, "+14155550111").await;
    let inv_id = inv["id"].as_u64().unwrap();
    let reads = ["info/", "members/"];
    let admin_reads = [
        "invitations/",
        "invitations/lookup?identifier=%2B14155550111",
    ];
    let writes = [
        (
            "invitations/add/".to_owned(),
            json!({"identifier": "vk:x", "label": "X"}),
        ),
        (
            format!("invitations/{inv_id}/status"),
            json!({"status": "sent"}),
        ),
        (
            format!("invitations/{inv_id}/update"),
            json!({"label": "Y"}),
        ),
        (format!("invitations/{inv_id}/delete"), json!({})),
    ];
    let before = env.snapshot().await;
    for site_id in [id, id + 1000] {
        for path in reads.iter().chain(admin_reads.iter()) {
            let r = get(&env, &stranger.token, &at(site_id, path)).await;
            assert_eq!(r.status, 404, "stranger {path}: {:?}", r.body);
        }
        for (path, body) in &writes {
            let r = post(&env, &stranger.token, &at(site_id, path), body.clone()).await;
            assert_eq!(r.status, 404, "stranger {path}");
        }
    }
    for path in reads {
        let r = get(&env, &member.token, &at(id, path)).await;
        assert_eq!(r.status, 200, "member {path}: {:?}", r.body);
    }
    for path in admin_reads {
        let r = get(&env, &member.token, &at(id, path)).await;
        assert_eq!(r.status, 403, "member {path}");
    }
    for (path, body) in &writes {
        let r = post(&env, &member.token, &at(id, path), body.clone()).await;
        assert_eq!(r.status, 403, "member {path}");
        assert_eq!(r.body["error"]["code"], "forbidden");
    }
    assert_eq!(env.snapshot().await, before, "refusals write nothing");
    let r = get(&env, &admin.token, &at(id, "invitations/")).await;
    assert_eq!(r.status, 200);
    let r = get(&env, &admin.token, "/unet/sites/abc/info/").await;
    assert_eq!(r.status, 404);
}

fn is_timestamp(v: &Value) -> bool {
    let s = v.as_str().unwrap_or_default();
    // 2026-11-30T10:00:00Z
    let shape = "dddd-dd-ddTdd:dd:ddZ";
    s.len() == shape.len()
        && s.chars().zip(shape.chars()).all(|(c, p)| match p {
            'd' => c.is_ascii_digit(),
            p => c == p,
        })
}

#[tokio::test]
async fn info_and_members_show_the_full_site_and_fresh_names() {
    let env = env().await;
    let admin = person(&env).await;
    let member = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Lander, "Landing").await;
    join(&env, id, &member.user, SiteRole::Member).await;
    let r = get(&env, &member.token, &at(id, "info")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["members_count"], 2);
    assert_eq!(r.body["owner_uid"], admin.user.seq);
    assert_eq!(r.body["is_admin"], false);
    assert!(is_timestamp(&r.body["create_time"]), "{}", r.body);
    assert!(r.body.get("permissions").is_none());
    let r = get(&env, &member.token, &at(id, "info/?fields=permissions,id")).await;
    assert_eq!(
        r.body,
        json!({"id": id, "permissions": {"manage_invitations": false, "manage_members": false, "edit": false}})
    );
    let r = get(&env, &member.token, &at(id, "info/?fields=nope")).await;
    assert_eq!(r.status, 400);
    let r = get(&env, &member.token, &at(id, "members/")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["total_count"], 2);
    let items = r.body["items"].as_array().unwrap();
    let row = items.iter().find(|m| m["id"] == member.user.seq).unwrap();
    assert_eq!(row["username"], member.user.username.as_str());
    assert_eq!(row["first_name"], "Ann");
    assert_eq!(row["role"], "member");
    assert!(is_timestamp(&row["joined_time"]));
    let boss = items.iter().find(|m| m["id"] == admin.user.seq).unwrap();
    assert_eq!(boss["role"], "admin");
    let r = get(&env, &member.token, &at(id, "members?fields=id,role")).await;
    for m in r.body["items"].as_array().unwrap() {
        assert_eq!(m.as_object().unwrap().len(), 2);
    }
}
