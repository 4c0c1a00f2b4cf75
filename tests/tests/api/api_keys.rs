//! API keys through the shared auth core (what `platform api-key` runs):
//! created with a name and permissions, shown once and stored as a hash,
//! listed from their own partition, revoked at once.

use identity::api_key::{self, ApiKey, ApiKeyError, Permission};
use platform_tests::TestEnv;
use table::RevokeApiKeyError;

#[tokio::test]
async fn create_list_authorize_and_revoke() {
    let env = TestEnv::new(socialnetworks::app).await;
    let store = &env.state.store;
    let (reader, r) = api_key::create(store, "reports", vec![Permission::Read])
        .await
        .unwrap();
    let (writer, w) = api_key::create(store, "backend", vec![Permission::Read, Permission::Write])
        .await
        .unwrap();
    assert_ne!(reader, writer);
    // Only hashes are stored.
    let dump = format!("{:?}", env.items().await);
    assert!(!dump.contains(reader.expose()) && !dump.contains(writer.expose()));
    assert!(dump.contains(&reader.hash()));

    let listed = store.list_api_keys().await.unwrap();
    assert_eq!(listed, vec![r.clone(), w.clone()]);

    let ok = api_key::authorize(store, &reader, Permission::Read)
        .await
        .unwrap();
    assert_eq!(ok.name, "reports");
    assert!(matches!(
        api_key::authorize(store, &reader, Permission::Write).await,
        Err(ApiKeyError::Forbidden(Permission::Write))
    ));
    assert!(api_key::authorize(store, &writer, Permission::Write)
        .await
        .is_ok());
    let stranger = ApiKey::generate();
    assert!(matches!(
        api_key::authorize(store, &stranger, Permission::Read).await,
        Err(ApiKeyError::Invalid)
    ));

    let revoked = store.revoke_api_key(&w.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(matches!(
        api_key::authorize(store, &writer, Permission::Read).await,
        Err(ApiKeyError::Invalid)
    ));
    assert!(matches!(
        store.revoke_api_key(&w.id).await,
        Err(RevokeApiKeyError::AlreadyRevoked)
    ));
    assert!(matches!(
        store.revoke_api_key("0000000000000000").await,
        Err(RevokeApiKeyError::NotFound)
    ));
    let listed = store.list_api_keys().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[1].revoked_at.is_some() && listed[0].revoked_at.is_none());
    // The reader is untouched.
    assert!(api_key::authorize(store, &reader, Permission::Read)
        .await
        .is_ok());
}
