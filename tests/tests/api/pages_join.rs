//! The site invitation page (`/join/{link}`, docs/pages.md): what the
//! email's link opens. It shows the site, sends a stranger to sign in and
//! back, and accepts for the signed-in user under the Sites API's rules.

use crate::pages_support::{env, html, location, signed_in, signed_up, Browser};
use crate::sites_support::{at, get, invite, person, rel, site};
use http::StatusCode;
use sites::model::SiteType;

/// The page path of an invitation's API link.
fn page_of(link: &str) -> String {
    rel(link).replace("/unet/join/", "/join/")
}

#[tokio::test]
async fn a_stranger_signs_in_and_accepts_once() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Corner Shop").await;
    let p = signed_up(&env).await;
    let inv = invite(&env, &admin, id, &p.email).await;
    let page = page_of(inv["link"].as_str().unwrap());

    // Not signed in: the site, and the way to sign in and come back.
    let mut stranger = Browser::default();
    let r = stranger.get(&env, &page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(html(&r).contains("Corner Shop"));
    assert!(html(&r).contains("corner-shop.example.com"));
    assert!(!html(&r).contains("Accept the invitation"));
    let back = url::form_urlencoded::byte_serialize(page.as_bytes()).collect::<String>();
    assert!(
        html(&r).contains(&format!("return_to={back}")),
        "{}",
        html(&r)
    );
    let before = env.snapshot().await;
    let r = stranger.post(&env, &page, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/signin?return_to={back}")));
    assert_eq!(env.snapshot().await, before);

    // Signed in: sign-in returns to the page, which accepts.
    let mut b = Browser::default();
    let r = b
        .sign_in(&env, &p.username, crate::pages_support::PASSWORD, &page)
        .await;
    assert_eq!(location(&r), page);
    let r = b.get(&env, &page).await;
    assert!(html(&r).contains("Accept the invitation"));
    assert!(html(&r).contains(&p.username));
    let r = b.post(&env, &page, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    assert!(html(&r).contains("You are now a member of"));
    let info = get(&env, &admin.token, &at(id, "info/")).await;
    assert_eq!(info.body["members_count"], 2);

    // The link is used: the page says so, and a second accept writes nothing.
    let before = env.snapshot().await;
    let r = b.post(&env, &page, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(html(&r).contains("already used or withdrawn"));
    assert_eq!(env.snapshot().await, before);
    let r = b.get(&env, &page).await;
    assert!(!html(&r).contains("Accept the invitation"));
}

#[tokio::test]
async fn bad_links_and_forms_change_nothing() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Guarded").await;
    let p = signed_up(&env).await;
    let inv = invite(&env, &admin, id, &p.email).await;
    let page = page_of(inv["link"].as_str().unwrap());
    let mut b = signed_in(&env, &p).await;
    let before = env.snapshot().await;

    // Unknown, malformed and wrong-secret links read alike: no such page.
    let (head, secret) = page.rsplit_once('.').unwrap();
    let wrong = format!("{head}.{}", "a".repeat(secret.len()));
    for path in ["/join/garbage", "/join/1.2.3", wrong.as_str()] {
        let r = b.get(&env, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html(&r).contains("Guarded"), "{path}");
        assert_eq!(b.post(&env, path, &[]).await.status, StatusCode::NOT_FOUND);
    }
    // No CSRF token: refused.
    let r = b.post_raw(&env, &page, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.snapshot().await, before);
    // Another platform user's invitation: refused on the page.
    let other = signed_up(&env).await;
    let mut ob = signed_in(&env, &other).await;
    let named = invite(&env, &admin, id, &p.username).await;
    let named = page_of(named["link"].as_str().unwrap());
    let before_named = env.snapshot().await;
    let r = ob.post(&env, &named, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.snapshot().await, before_named);
}

#[tokio::test]
async fn two_accepts_of_one_link_at_once_one_wins() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Raced").await;
    let (a, c) = tokio::join!(signed_up(&env), signed_up(&env));
    let inv = invite(&env, &admin, id, "crowd@example.com").await;
    let page = page_of(inv["link"].as_str().unwrap());
    let (mut ba, mut bc) = tokio::join!(signed_in(&env, &a), signed_in(&env, &c));
    let (ra, rc) = tokio::join!(ba.post(&env, &page, &[]), bc.post(&env, &page, &[]));
    let mut statuses = [ra.status, rc.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let info = get(&env, &admin.token, &at(id, "info/")).await;
    assert_eq!(info.body["members_count"], 2);
}

#[tokio::test]
async fn the_account_page_edits_the_profile() {
    let env = env().await;
    let p = signed_up(&env).await;
    let taken = signed_up(&env).await;
    let mut b = signed_in(&env, &p).await;
    let r = b.get(&env, "/account").await;
    assert!(html(&r).contains(&format!("value=\"{}\"", p.username)));
    assert!(html(&r).contains("value=\"Ada\""));

    let before = env.snapshot().await;
    let bad = [
        (
            taken.username.as_str(),
            "Ada",
            "Byron",
            StatusCode::CONFLICT,
            "e-username",
        ),
        ("x", "Ada", "Byron", StatusCode::BAD_REQUEST, "e-username"),
        (
            p.username.as_str(),
            "",
            "Byron",
            StatusCode::BAD_REQUEST,
            "e-firstName",
        ),
        (
            p.username.as_str(),
            "Ada",
            &"z".repeat(300),
            StatusCode::BAD_REQUEST,
            "e-lastName",
        ),
    ];
    for (username, first, last, status, field) in bad {
        let form = [
            ("username", username),
            ("firstName", first),
            ("lastName", last),
        ];
        let r = b.post(&env, "/account/profile", &form).await;
        assert_eq!(r.status, status, "{username} {first} {last}");
        assert!(
            html(&r).contains(&format!("id=\"{field}\"")),
            "{}",
            html(&r)
        );
    }
    let form = [
        ("username", p.username.as_str()),
        ("firstName", "A"),
        ("lastName", "B"),
    ];
    assert_eq!(
        b.post_raw(&env, "/account/profile", &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(env.snapshot().await, before);

    let renamed = format!("{}_x", p.username);
    let form = [
        ("username", renamed.as_str()),
        ("firstName", "Augusta"),
        ("lastName", "King"),
    ];
    let r = b.post(&env, "/account/profile", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).contains("notice=profile_saved"));
    let r = b.get(&env, "/account?notice=profile_saved").await;
    assert!(html(&r).contains("Your profile is saved."));
    assert!(html(&r).contains(&format!("value=\"{renamed}\"")));
    assert!(html(&r).contains("value=\"Augusta\"") && html(&r).contains("value=\"King\""));
    // The old name is free again; the new one signs in.
    let mut again = Browser::default();
    let r = again
        .sign_in(&env, &renamed, crate::pages_support::PASSWORD, "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
