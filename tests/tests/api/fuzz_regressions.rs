//! Answers the fuzzer (`scripts/fuzz.sh`) once found to be 5xx, each now the
//! documented 4xx.

use domain::{Role, UserId};
use http::StatusCode;
use platform_tests::{unique_name, TestEnv};
use serde_json::json;

/// `updateRole` naming the caller's own account: the role transaction would
/// check and update one item (DynamoDB refuses that: it was a 500). A
/// moderator's role is the operators' (403); a ghost needs the role (403).
#[tokio::test]
async fn update_role_of_ones_own_account_is_403_not_500() {
    let env = TestEnv::new(accounts::app).await;
    for role in [Role::Moderator, Role::Ghost] {
        let username = unique_name("u");
        let created = env
            .post(
                "/api/v1/accounts/",
                json!({
                    "username": username, "password": "s3cret-pass", "firstName": "Max",
                    "lastName": "Platz", "email": format!("{username}@innopolis.ru")
                }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let id = created.body["result"]["id"].as_str().unwrap().to_owned();
        let token = created.body["result"]["token"].as_str().unwrap().to_owned();
        if role != Role::Ghost {
            let user = UserId::parse(&id).unwrap();
            env.state.store.set_role(&user, role, None).await.unwrap();
        }
        let before = env.snapshot().await;
        for new_role in ["ghost", "student"] {
            let r = env
                .put(
                    &format!("/api/v1/accounts/{token}/updateRole"),
                    json!({"accountId": id, "newRole": new_role}),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}: {:?}", r.body);
            assert_eq!(r.body["error"]["code"], "forbidden", "{:?}", r.body);
        }
        assert_eq!(env.snapshot().await, before, "a refused updateRole wrote");
    }
}
