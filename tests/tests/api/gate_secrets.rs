//! Issue 18, finding 13: private signing keys were in clear in the table,
//! readable by every function's role. They are now sealed under a KMS data
//! key (purpose `signing-key`), and so are the social networks' client
//! secrets (purpose `social-network`); only the signer's role may unwrap
//! the first, and a function without a key service cannot mint at all.

use crate::gate_support::env;
use domain::sealed;
use identity::jwt;
use identity::keyring::KeyError;
use platform_tests::TestEnv;

/// Every attribute text of the table's items, joined.
async fn table_text(env: &TestEnv) -> String {
    format!("{:?}", env.items().await)
}

#[tokio::test]
async fn no_private_key_is_in_clear_and_only_a_key_service_signs() {
    let env = env().await;
    let records = env.state.store.list_signing_keys().await.unwrap();
    assert_eq!(records.len(), 1);
    let text = table_text(&env).await;
    assert!(!text.contains("PRIVATE KEY"), "no PEM in the table");
    // The PKCS#8 of a P-256 key starts 0x30 0x81 0x87 (base64 "MIGH").
    assert!(!text.contains("MIGH"), "no PKCS#8 in the table");
    let keys = env.state.secrets.as_deref().unwrap();
    let record = &records[0];
    // It opens for its purpose only (the KMS encryption context).
    let pkcs8 = sealed::open(keys, "signing-key", &record.private)
        .await
        .unwrap();
    assert_eq!(&pkcs8[..3], &[0x30, 0x81, 0x87]);
    assert!(sealed::open(keys, "social-network", &record.private)
        .await
        .is_err());
    // A function without a key service verifies but cannot sign.
    let verifier_only = jwt::AccessTokens::new(env.state.store.clone(), &env.state.config);
    let user = domain::User::new(1, "x".into(), "x@example.com".into(), "h".into());
    let err = jwt::mint_for_user(&verifier_only, &user, &["delegated:profile:read"])
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::CannotSign), "{err}");
    // The signer mints, and the verifier-only one verifies what it minted.
    let token = jwt::mint_for_user(&env.state.access_tokens, &user, &["delegated:profile:read"])
        .await
        .unwrap();
    assert!(jwt::verify(&verifier_only, &token).await.is_ok());
}

#[tokio::test]
async fn network_secrets_are_sealed_and_shown_masked() {
    let env = env().await;
    let (key, _) = identity::api_key::create(
        &env.state.store,
        "secrets",
        vec![
            identity::api_key::Permission::Read,
            identity::api_key::Permission::Write,
        ],
    )
    .await
    .unwrap();
    let req = http::Request::post("/api/social-networks")
        .header("x-api-key", key.expose())
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            serde_json::json!({
                "key": "vk",
                "icon": "/vk.svg",
                "settings": "{\"keys\":{\"client_secret\":\"the-real-client-secret\"}}",
            })
            .to_string(),
        ))
        .unwrap();
    let r = env.send(req).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let text = table_text(&env).await;
    assert!(!text.contains("the-real-client-secret"), "sealed at rest");
    assert!(text.contains("********cret"), "the mask is kept beside it");
}

/// Only the signer may unwrap signing keys, only the Social Networks API
/// may seal its secrets, only the webhooks' deliverer opens theirs, and no
/// other function touches KMS.
#[test]
fn the_template_gives_each_function_only_its_own_kms_purpose() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("template.yaml")).unwrap())
            .unwrap();
    let resources = template["Resources"].as_mapping().unwrap();
    for (name, resource) in resources {
        let name = name.as_str().unwrap();
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let policies = serde_yaml::to_string(&resource["Properties"]["Policies"]).unwrap();
        let expected: &[&str] = match name {
            "OAuthFunction" => &["kms:Decrypt", "signing-key"],
            "SocialNetworksFunction" => &["kms:GenerateDataKey", "social-network"],
            "PagesFunction" => &["kms:Decrypt", "social-network"],
            // Webhook secrets: the API seals them, only the deliverer opens them.
            "WebhooksApiFunction" => &["kms:GenerateDataKey", "webhook"],
            "WebhooksFunction" => &["kms:Decrypt", "webhook"],
            _ => &[],
        };
        for part in expected {
            assert!(policies.contains(part), "{name} lacks {part}");
        }
        let kms_actions = policies.matches("kms:").count();
        assert_eq!(
            kms_actions,
            expected.len().min(1) * 2,
            "{name}: one KMS action and one purpose condition, or none"
        );
    }
}
