//! The dev server over real HTTP: the document's Accounts API walk-through
//! with a real client, as `curl` would do it against `make dev`.

use domain::{Role, UserId};
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};

#[tokio::test]
async fn accounts_walk_through_over_http() {
    let env = TestEnv::new(dev_server::app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = env.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let name = unique_name("walk");

    let created: Value = http
        .post(format!("{base}/api/v1/accounts/"))
        .json(
            &json!({"username": name, "password": "s3cret-pass", "firstName": "Max",
                      "lastName": "Platz", "email": format!("{name}@innopolis.ru")}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["status"], "ok");
    let id = created["result"]["id"].as_str().unwrap().to_owned();
    env.state
        .store
        .set_role(&UserId::parse(&id).unwrap(), Role::Moderator, None)
        .await
        .unwrap();

    let auth = http
        .post(format!("{base}/api/v1/accounts/auth"))
        .json(&json!({"username": name, "password": "s3cret-pass"}))
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status(), 200);
    let token = auth.json::<Value>().await.unwrap()["result"]["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let me: Value = http
        .get(format!("{base}/api/v1/accounts/{token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["result"]["role"], "moderator");

    let put = http
        .put(format!("{base}/api/v1/accounts/{token}/updatePreferences"))
        .json(&json!({"preferences": "{\"theme\":\"dark\"}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let prefs: Value = http
        .get(format!("{base}/api/v1/accounts/{token}/getPreferences"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(prefs, json!({"result": {"theme": "dark"}, "status": "ok"}));

    let list = http
        .get(format!("{base}/api/v1/accounts/{token}/listAccounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let missing = http.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    server.abort();
}
