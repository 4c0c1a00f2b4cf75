//! Issue 18, finding 11: the `listAccounts` cursor was unsigned base64
//! JSON of raw keys, and an edited one reached the table (`sk:
//! "SESSION#x"`). Every cursor of every surface is now the one sealed
//! type (`table::Listing`): an edited, forged or foreign cursor is a 400.

use crate::accounts::{assert_error, create, with_role};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::Role;
use http::StatusCode;
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};

async fn page(env: &TestEnv, token: &str, cursor: &str) -> platform_tests::Reply {
    let cursor: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    env.get(&format!(
        "/api/v1/accounts/{token}/listAccounts?limit=1&cursor={cursor}"
    ))
    .await
}

/// The cursor's payload, edited by `edit`, re-encoded (check value kept).
fn edited(cursor: &str, edit: impl FnOnce(&mut Value)) -> String {
    let (payload, check) = cursor.split_once('.').unwrap();
    let mut wire: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    edit(&mut wire);
    format!("{}.{check}", URL_SAFE_NO_PAD.encode(wire.to_string()))
}

#[tokio::test]
async fn an_edited_forged_or_foreign_cursor_is_refused() {
    let env = TestEnv::new(dev_server::app).await;
    let moderator = with_role(&env, Role::Moderator).await;
    for _ in 0..3 {
        create(&env, &unique_name("l")).await;
    }
    let first = env
        .get(&format!(
            "/api/v1/accounts/{}/listAccounts?limit=1",
            moderator.token
        ))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let cursor = first.headers["x-next-cursor"].to_str().unwrap().to_owned();
    assert_eq!(
        page(&env, &moderator.token, &cursor).await.status,
        StatusCode::OK
    );

    let session = edited(&cursor, |w| w["k"]["sk"] = json!("SESSION#x"));
    let partition = edited(&cursor, |w| w["k"]["gsi1pk"] = json!("OAUTH_CLIENTS"));
    let backward = edited(&cursor, |w| w["b"] = json!(true));
    // The old shape: base64url JSON of the raw keys, no check value.
    let unsealed = URL_SAFE_NO_PAD.encode(
        json!({"pk": "USER#x", "sk": "SESSION#x", "gsi1pk": "ACCOUNTS", "gsi1sk": "0"}).to_string(),
    );
    // The same position, sealed for another list: refused here.
    let accounts = table::Listing {
        name: "accounts",
        index: Some("gsi1"),
        partition: ("gsi1pk", "ACCOUNTS".into()),
        sort: ("gsi1sk", String::new()),
    };
    let position = accounts.open(&cursor).expect("our own cursor opens");
    let foreign = table::Listing {
        name: "sites",
        ..accounts
    }
    .seal(&position);
    let before = env.snapshot().await;
    for (what, bad) in [
        ("sk edited", session),
        ("partition edited", partition),
        ("direction edited", backward),
        ("unsealed", unsealed),
        ("another list's", foreign),
        ("garbage", "x.y".to_owned()),
    ] {
        let r = page(&env, &moderator.token, &bad).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(r.error_field(), Some("cursor"), "{what}");
    }
    assert_eq!(env.snapshot().await, before);
}
