//! The account page's "Your data": an export asked for by the owner, and
//! the account deleted with its password (docs/lifecycle.md).

use crate::pages_support::{env, html, location, signed_in, signed_up, user_id, Browser};
use crate::users_support::PASSWORD;
use http::StatusCode;

#[tokio::test]
async fn the_account_page_exports_then_deletes_the_account() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = signed_in(&env, &p).await;
    let page = b.get(&env, "/account").await;
    assert!(html(&page).contains("deletePassword"), "{}", html(&page));
    let r = b.post(&env, "/account/export", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/account?notice=export_requested"));
    let r = b.post(&env, "/account/export", &[]).await;
    assert!(location(&r).starts_with("/account?notice=export_pending"));

    // A wrong password: the page again, with the error on the field.
    let r = b
        .post(
            &env,
            "/account/delete",
            &[("deletePassword", "not-my-password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(html(&r).contains("aria-invalid"), "{}", html(&r));
    let id = user_id(&env, &p).await;
    assert!(env
        .state
        .store
        .get_user(&id)
        .await
        .unwrap()
        .unwrap()
        .deleting_since
        .is_none());

    let r = b
        .post(&env, "/account/delete", &[("deletePassword", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/signin?notice=account_deleted"));
    assert!(env
        .state
        .store
        .get_user(&id)
        .await
        .unwrap()
        .unwrap()
        .deleting_since
        .is_some());
    // Signed out, and no way back in.
    let r = b.get(&env, "/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = Browser::default()
        .sign_in(&env, &p.username, PASSWORD, "")
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the sign-in page again, with an error"
    );
}
