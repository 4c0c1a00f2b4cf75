//! The identity use cases against the emulator, below any surface: the
//! races and partial writes the one-transaction rule exists for.

use domain::codes::{LinkCode, Purpose};
use domain::{Email, Password, PersonName, Role, User, UserId, Username, UsernameRule};
use identity::sign_up::{sign_up, FirstStep, NewUser, SignedUp};
use identity::{session, IssuedToken};
use platform_tests::{unique_name, TestEnv};
use table::{
    CodeSlot, DeviceRecord, LoginWrite, LoginWriteError, ProfileChanges, ProfileUpdateError,
};

async fn env() -> TestEnv {
    TestEnv::new(users::app).await
}

async fn verified_user(env: &TestEnv) -> User {
    let name = unique_name("uc_");
    let new = NewUser {
        username: Username::parse(&name, UsernameRule::USERS).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        password: Password::parse("$uper&ecurePassw0rd").unwrap(),
        first_name: PersonName::parse("Ada").unwrap(),
        last_name: PersonName::parse("Lovelace").unwrap(),
        phone: None,
        study_group: None,
    };
    match sign_up(&env.state, new, FirstStep::Verification { required: false }).await {
        Ok(SignedUp::Verified { user }) => user,
        _ => panic!("sign-up failed"),
    }
}

/// The gatekeeper's completing write (`identity::gate` reaches it only
/// after every rule of the account held), for `user` as it was read.
async fn complete(env: &TestEnv, user: &User, issued: &IssuedToken) -> Result<(), LoginWriteError> {
    let device = DeviceRecord::signed_in(&user.id, domain::time::now_ms(), 3600);
    env.state
        .store
        .complete_login(&LoginWrite {
            user: &user.id,
            checked_hash: &user.password_hash,
            token: (&issued.hash, &issued.record),
            rehash: None,
            second: None,
            device: ("device-hash", &device),
            audit: &[],
        })
        .await
}

#[tokio::test]
async fn a_login_completed_after_a_logout_all_writes_nothing() {
    let env = env().await;
    let user = verified_user(&env).await;
    // The password was checked (the token's issue time), then the user
    // logged out everywhere before the login was written.
    let issued = identity::issue(session::KIND, &user.id, session::TTL_SECS);
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    env.state.store.void_tokens(&user.id).await.unwrap();
    let before = env.snapshot().await;
    let err = complete(&env, &user, &issued)
        .await
        .expect_err("a voided user gets no session");
    assert!(matches!(err, LoginWriteError::Voided), "{err}");
    assert_eq!(env.snapshot().await, before, "no token was written");
}

#[tokio::test]
async fn a_login_completed_after_the_user_was_deleted_writes_nothing() {
    let env = env().await;
    let mut ghost = verified_user(&env).await;
    ghost.id = UserId::generate();
    let issued = identity::issue(session::KIND, &ghost.id, session::TTL_SECS);
    let err = complete(&env, &ghost, &issued)
        .await
        .expect_err("no session for a user who is gone");
    assert!(matches!(err, LoginWriteError::Voided), "{err}");
    assert!(env
        .state
        .store
        .get_token(&issued.hash)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_profile_update_that_fails_part_way_saves_nothing() {
    let env = env().await;
    let user = verified_user(&env).await;
    // Read, then the user's role changed under the editor (an operator).
    let stale = user.clone();
    env.state
        .store
        .set_role(&user.id, Role::Student, None)
        .await
        .unwrap();
    let before = env.snapshot().await;
    let code = LinkCode::generate();
    let slot = CodeSlot::new(&user.id, Purpose::ChangeEmail, code.hash());
    let changes = ProfileChanges {
        first_name: Some("Changed".into()),
        username: Some(unique_name("renamed_")),
        role: Some(Role::Ghost),
        ..Default::default()
    };
    let extra = env.state.store.code_puts(&slot, true).unwrap();
    let result = env
        .state
        .store
        .update_profile(&stale, &changes, extra)
        .await;
    assert!(matches!(result, Err(ProfileUpdateError::Conflict)));
    assert_eq!(
        env.snapshot().await,
        before,
        "neither the fields, the username sentinel, the role nor the code"
    );
}

/// Login by username and by email reads the user from an index, which may
/// be a moment behind the table: the login's write must hold only for the
/// user as it was read.
#[tokio::test]
async fn a_login_checked_against_a_stale_password_or_before_a_ban_writes_nothing() {
    let env = env().await;
    let user = verified_user(&env).await;
    let mut stale = user.clone();
    stale.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c3RhbGU$c3RhbGU".into();
    let issued = identity::issue(session::KIND, &user.id, session::TTL_SECS);
    let before = env.snapshot().await;
    let err = complete(&env, &stale, &issued)
        .await
        .expect_err("a password replaced since the read completes no login");
    assert!(matches!(err, LoginWriteError::Voided), "{err}");
    assert_eq!(env.snapshot().await, before, "no token was written");

    app_ban(&env, &user).await;
    let issued = identity::issue(session::KIND, &user.id, session::TTL_SECS);
    let before = env.snapshot().await;
    let err = complete(&env, &user, &issued)
        .await
        .expect_err("a ban after the read completes no login");
    assert!(matches!(err, LoginWriteError::Voided), "{err}");
    assert_eq!(env.snapshot().await, before, "no token was written");
}

/// Sets `banned` alone (no revocation stamp), as a ban racing the read of
/// a login would leave it.
async fn app_ban(env: &TestEnv, user: &User) {
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .set_key(Some(table::item::key(
            table::keys::user(&user.id),
            table::keys::USER_SK,
        )))
        .update_expression("SET banned = :t")
        .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn email_and_integer_id_indexes_find_the_user() {
    let env = env().await;
    let user = verified_user(&env).await;
    let store = &env.state.store;
    let by_email = store
        .find_user_by_email(&user.email.to_lowercase())
        .await
        .unwrap();
    assert_eq!(by_email.map(|u| u.id), Some(user.id.clone()));
    let by_seq = store.find_user_by_seq(user.seq).await.unwrap();
    assert_eq!(by_seq.map(|u| u.id), Some(user.id.clone()));
    assert!(store
        .find_user_by_seq(u64::MAX >> 12)
        .await
        .unwrap()
        .is_none());
}
