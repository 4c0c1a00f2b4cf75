//! The gatekeeper's door for a sign-in a social network proved
//! (`identity::gate::sign_in_by_network`): no password, every other rule
//! of the account, and `amr` saying `fed`.

use crate::gate_support::{env, person, two_factor_on, unverified};
use domain::UserId;
use identity::gate::{answer_challenge, sign_in_by_network, Answer, Attempt, Issue, SignedIn};
use platform_tests::TestEnv;

fn attempt() -> Attempt {
    Attempt {
        source: Some("203.0.113.7".parse().unwrap()),
        device: None,
        user_agent: None,
    }
}

async fn amr_of(env: &TestEnv, token: &domain::OpaqueToken) -> Vec<String> {
    let record = env
        .state
        .store
        .get_token(&token.hash())
        .await
        .unwrap()
        .unwrap();
    record.amr
}

#[tokio::test]
async fn a_network_proven_sign_in_completes_and_says_fed() {
    let env = env().await;
    let p = person(&env).await;
    let id = UserId::parse(&p.id).unwrap();
    let signed = sign_in_by_network(&env.state, &attempt(), &id, Issue::Session)
        .await
        .unwrap();
    let SignedIn::Completed(done) = signed else {
        panic!("no second factor is on");
    };
    assert_eq!(amr_of(&env, &done.token).await, ["fed"]);
}

#[tokio::test]
async fn the_second_factor_still_holds_and_amr_keeps_the_first() {
    let env = env().await;
    let p = person(&env).await;
    two_factor_on(&env, &p).await;
    let id = UserId::parse(&p.id).unwrap();
    let signed = sign_in_by_network(&env.state, &attempt(), &id, Issue::Session)
        .await
        .unwrap();
    let SignedIn::Challenge { challenge, .. } = signed else {
        panic!("2FA is on: a challenge is due");
    };
    let code = crate::users_support::last_code(&env, &p.email).await;
    let answer = Answer::parse(&code).unwrap();
    let done = answer_challenge(
        &env.state,
        &attempt(),
        &id,
        &challenge,
        &answer,
        Issue::Session,
    )
    .await
    .unwrap();
    assert_eq!(amr_of(&env, &done.token).await, ["fed", "otp", "mfa"]);
}

#[tokio::test]
async fn banned_unverified_and_missing_accounts_sign_in_nowhere() {
    let env = env().await;
    let nobody = UserId::parse("0123456789abcdef01234567").unwrap();
    let e = sign_in_by_network(&env.state, &attempt(), &nobody, Issue::Session).await;
    assert_eq!(e.err().unwrap().code, "invalid_credentials");

    let waiting = unverified(&env).await;
    let id = UserId::parse(&waiting.id).unwrap();
    let e = sign_in_by_network(&env.state, &attempt(), &id, Issue::Session).await;
    assert_eq!(e.err().unwrap().code, "email_not_verified");

    let p = person(&env).await;
    let id = UserId::parse(&p.id).unwrap();
    let app = app::store::AppStore::new(&env.state.store);
    app.set_banned(&id, true, Some("spam"), domain::audit::Actor::Operator)
        .await
        .unwrap();
    let e = sign_in_by_network(&env.state, &attempt(), &id, Issue::Session).await;
    assert_eq!(e.err().unwrap().code, "account_banned");
}
