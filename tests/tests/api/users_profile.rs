//! Users API protected endpoints against the emulator: bearer tokens and
//! scopes, `/user/me` read and update (editable fields, admin target,
//! username and email changes), `/user/{id}`, private flag, profile picture
//! in S3, role catalogue.

use crate::users_support::*;
use axum::body::Body;
use domain::scopes::{ADMIN_PROFILE_WRITE, PROFILE_READ, PROFILE_WRITE, ROLES_READ};
use domain::{Role, UserId};
use http::{Method, Request, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::json;

async fn with_token(
    env: &TestEnv,
    method: Method,
    uri: &str,
    body: Option<serde_json::Value>,
    token: &str,
) -> Reply {
    call(env, method, uri, body, &[("authorization", &bearer(token))]).await
}

#[tokio::test]
async fn every_protected_endpoint_needs_a_valid_token_with_its_scope() {
    let env = env().await;
    let p = verified(&env).await;
    let none = token(&env, &p, &[]).await;
    let cases: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, "/user/me".into(), None),
        (
            Method::PATCH,
            "/user/me".into(),
            Some(json!({"firstName": "Jane"})),
        ),
        (Method::GET, format!("/user/{}", p.id), None),
        (
            Method::POST,
            "/user/private".into(),
            Some(json!({"state": true})),
        ),
        (Method::DELETE, "/user/profile-picture".into(), None),
        (Method::GET, "/roles/list".into(), None),
    ];
    let before = env.snapshot().await;
    for (method, uri, body) in cases {
        let r = call(&env, method.clone(), &uri, body.clone(), &[]).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
        assert!(r.headers.get("www-authenticate").is_some());
        let r = with_token(&env, method.clone(), &uri, body.clone(), "not.a.jwt").await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
        let r = with_token(&env, method.clone(), &uri, body.clone(), &none).await;
        assert_error(&r, StatusCode::FORBIDDEN, "InsufficientScope");
    }
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn me_and_user_by_id_render_the_document_shape_with_object_level_visibility() {
    let env = env().await;
    let (a, b) = (verified(&env).await, verified(&env).await);
    let t = token(&env, &a, &[PROFILE_READ]).await;
    let r = with_token(&env, Method::GET, "/user/me", None, &t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let me = &r.body["data"]["user"][0];
    assert_eq!(me["_id"], a.id.as_str());
    assert_eq!(me["email"], a.email.as_str());
    assert_eq!(r.body["data"]["user"].as_array().unwrap().len(), 1);

    let r = with_token(&env, Method::GET, &format!("/user/{}", b.id), None, &t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let other = &r.body["data"]["user"][0];
    assert_eq!(other["username"], b.username.as_str());
    assert_eq!(
        other["email"],
        serde_json::Value::Null,
        "no contact details of others"
    );
    assert_eq!(other["phone"], serde_json::Value::Null);
    let r = with_token(&env, Method::GET, &format!("/user/{}", a.id), None, &t).await;
    assert_eq!(r.body["data"]["user"][0]["email"], a.email.as_str());

    let r = with_token(
        &env,
        Method::GET,
        "/user/aaaaaaaaaaaaaaaaaaaaaaaa",
        None,
        &t,
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    let r = with_token(&env, Method::GET, "/user/zzz", None, &t).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");

    // A moderator sees everything.
    env.state
        .store
        .set_role(&UserId::parse(&a.id).unwrap(), Role::Moderator, None)
        .await
        .unwrap();
    let r = with_token(&env, Method::GET, &format!("/user/{}", b.id), None, &t).await;
    assert_eq!(r.body["data"]["user"][0]["email"], b.email.as_str());
}

#[tokio::test]
async fn private_flag_round_trips_and_refuses_bad_state() {
    let env = env().await;
    let p = verified(&env).await;
    let t = token(&env, &p, &[PROFILE_WRITE, PROFILE_READ]).await;
    let before = env.snapshot().await;
    for body in [json!({}), json!({"state": "yes"}), json!([{"state": 1}])] {
        let r = with_token(&env, Method::POST, "/user/private", Some(body), &t).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
        assert_eq!(r.error_field(), Some("state"));
    }
    assert_eq!(env.snapshot().await, before);
    let r = with_token(
        &env,
        Method::POST,
        "/user/private",
        Some(json!([{"state": true}])),
        &t,
    )
    .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    let r = with_token(&env, Method::GET, "/user/me", None, &t).await;
    assert_eq!(r.body["data"]["user"][0]["isPrivate"], true);
}

#[tokio::test]
async fn patch_me_updates_names_phone_password_and_moves_the_username_sentinel() {
    let env = env().await;
    let (p, q) = (verified(&env).await, verified(&env).await);
    let t = token(&env, &p, &[ADMIN_PROFILE_WRITE]).await;
    let scope = token(&env, &p, &[PROFILE_WRITE]).await;
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"firstName": "Jane"})),
        &scope,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "InsufficientScope");

    let before = env.snapshot().await;
    for (body, field) in [
        (json!({"username": "short"}), "username"),
        (json!({"username": q.username.to_uppercase()}), "username"),
        (json!({"firstName": "R2D2"}), "firstName"),
        (json!({"phone": "12345"}), "phoneCountryCode"),
        (json!({"password": "short"}), "password"),
        (json!({"password": "new_Passw0rd"}), "currentPassword"),
        (json!({"email": "nope"}), "email"),
        (json!({"role": "moderator"}), "role"),
        (json!({"role": "student"}), "role"),
        (json!({"target": q.id}), "target"),
        (json!({"target": "xyz"}), "target"),
    ] {
        let r = with_token(&env, Method::PATCH, "/user/me", Some(body.clone()), &t).await;
        assert!(r.status.is_client_error(), "{body}: {:?}", r.body);
        assert_eq!(r.error_field(), Some(field), "{body}: {:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before);

    let new_name = unique_name("renamed_");
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(
            json!({"username": new_name, "firstName": "Jane", "lastName": "Roe",
                    "phoneCountryCode": "+1", "phone": "5551234", "password": "new_Passw0rd",
                    "currentPassword": PASSWORD}),
        ),
        &t,
    )
    .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    let u = user(&env, &p.id).await;
    assert_eq!(
        (u.username.as_str(), u.first_name.as_deref()),
        (new_name.as_str(), Some("Jane"))
    );
    assert_eq!(u.phone.as_deref(), Some("5551234"));
    let store = &env.state.store;
    assert_eq!(
        store
            .username_owner(&new_name.to_lowercase())
            .await
            .unwrap()
            .unwrap()
            .as_str(),
        p.id
    );
    assert!(store
        .username_owner(&p.username.to_lowercase())
        .await
        .unwrap()
        .is_none());
    let r = env
        .post(
            "/user/login",
            json!({"username": new_name, "password": "new_Passw0rd", "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The old name is free for someone else.
    let r = env
        .post(
            "/user/create",
            sign_up_body(&p.username, &format!("{}@x.org", unique_name("n"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn a_new_email_applies_only_after_its_code_is_verified() {
    let env = env().await;
    let p = verified(&env).await;
    let t = token(&env, &p, &[ADMIN_PROFILE_WRITE]).await;
    let new_email = format!("{}@example.org", unique_name("moved"));
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"email": new_email})),
        &t,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(user(&env, &p.id).await.email, p.email, "not replaced yet");
    assert_eq!(
        env.emails_to(&p.email).await.last().unwrap().0,
        "Email address change requested"
    );
    let code = last_code(&env, &new_email).await;
    let r = env.post("/user/verify-email", json!({"code": code})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(user(&env, &p.id).await.email, new_email);
    let store = &env.state.store;
    assert!(store
        .email_owner(&p.email.to_lowercase())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .email_owner(&new_email.to_lowercase())
            .await
            .unwrap()
            .unwrap()
            .as_str(),
        p.id
    );
    let r = env
        .post(
            "/user/login",
            json!({"email": new_email, "password": PASSWORD, "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The email index moved with the address: the old one names no one.
    let r = env
        .post(
            "/user/login",
            json!({"email": p.email, "password": PASSWORD, "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
}

#[tokio::test]
async fn editable_fields_setting_and_admin_target_and_role() {
    let env =
        env_with(|c| c.profile_editable_fields = vec!["firstName".into(), "role".into()]).await;
    let (admin, p) = (verified(&env).await, verified(&env).await);
    let t = token(&env, &p, &[ADMIN_PROFILE_WRITE]).await;
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"lastName": "Roe"})),
        &t,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "FieldNotEditable");
    assert_eq!(r.error_field(), Some("lastName"));

    env.state
        .store
        .set_role(&UserId::parse(&admin.id).unwrap(), Role::Moderator, None)
        .await
        .unwrap();
    let ta = token(&env, &admin, &[ADMIN_PROFILE_WRITE]).await;
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"target": p.id, "firstName": "Edited", "role": "student"})),
        &ta,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let u = user(&env, &p.id).await;
    assert_eq!(
        (u.first_name.as_deref(), u.role),
        (Some("Edited"), Role::Student)
    );
    let r = with_token(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"target": "aaaaaaaaaaaaaaaaaaaaaaaa", "firstName": "X"})),
        &ta,
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
}

/// A real 2×2 PNG carrying `extra` bytes of text metadata.
pub(crate) fn png(extra: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 2, 2);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    if extra > 0 {
        encoder
            .add_ztxt_chunk("Comment".into(), "x".repeat(extra))
            .unwrap();
        // zTXt compresses; a tEXt of random letters keeps the size.
        let noise: String = (0..extra)
            .map(|_| (b'a' + rand::random::<u8>() % 26) as char)
            .collect();
        encoder.add_text_chunk("Noise".into(), noise).unwrap();
    }
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[7u8; 16]).unwrap();
    writer.finish().unwrap();
    out
}

async fn upload(env: &TestEnv, token: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let req = Request::builder()
        .method(Method::PATCH)
        .uri("/user/profile-picture")
        .header("authorization", bearer(token))
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    env.send(req).await
}

fn multipart(name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XBOUNDARYX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn profile_picture_takes_png_raw_or_multipart_refuses_others_and_can_be_removed() {
    let env = env().await;
    let p = verified(&env).await;
    let t = token(&env, &p, &[PROFILE_WRITE, PROFILE_READ]).await;

    let before = env.snapshot().await;
    let r = upload(
        &env,
        &t,
        "image/jpeg",
        b"\xff\xd8\xff\xe0 not a png at all, a jpeg header".to_vec(),
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    let r = upload(&env, &t, "image/png", png(1024 * 1024)).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge");
    let (ct, body) = multipart("avatar", &png(10));
    let r = upload(&env, &t, &ct, body).await;
    assert_eq!(r.error_field(), Some("profilePicture"));
    assert_eq!(env.snapshot().await, before);

    let picture = png(0);
    let r = upload(&env, &t, "image/png", picture.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let url = r.body["data"]["signedUrl"].as_str().unwrap().to_owned();
    let fetched = reqwest::get(&url).await.unwrap();
    assert!(fetched.status().is_success(), "{url}");
    // Re-encoded from its pixels (gate_pictures.rs has what that strips).
    assert!(fetched.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let (ct, body) = multipart("profile-picture", &png(5));
    let r = upload(&env, &t, &ct, body).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = with_token(&env, Method::GET, "/user/me", None, &t).await;
    assert!(r.body["data"]["user"][0]["profilePictureUrl"]
        .as_str()
        .unwrap()
        .contains("X-Amz-Signature"));

    let r = with_token(&env, Method::DELETE, "/user/profile-picture", None, &t).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert!(user(&env, &p.id).await.profile_picture_key.is_none());
    let r = with_token(&env, Method::GET, "/user/me", None, &t).await;
    assert_eq!(
        r.body["data"]["user"][0]["profilePictureUrl"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn roles_list_is_the_platform_catalogue() {
    let env = env().await;
    let p = verified(&env).await;
    let t = token(&env, &p, &[ROLES_READ]).await;
    let r = with_token(&env, Method::GET, "/roles/list", None, &t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["ok"], 1);
    let roles = r.body["roles"].as_array().unwrap();
    let ids: Vec<&str> = roles.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ghost", "student", "moderator"]);
    for role in roles {
        for k in ["id", "displayName", "ranking", "description", "system"] {
            assert!(role.get(k).is_some(), "{k}");
        }
    }
}
