//! Issue 18, findings 12 and 14: the token endpoint authenticates the
//! client before it says anything about a code or a refresh token, and a
//! JWT's signature has one accepted form (low S), so a valid token cannot
//! be re-encoded into a second valid token.

use crate::oauth::{
    assert_oauth_error, call, client, code, env, exchange, signed_in, token, tokens, Client, READ,
    REDIRECT, VERIFIER,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::StatusCode;
use table::ClientType;

/// Every way a caller without the client's credentials can present a
/// grant: each answers 401 `invalid_client`, whether the grant is live,
/// dead or junk, so the answer tells nothing about it.
#[tokio::test]
async fn the_client_is_authenticated_before_the_grant_is_looked_at() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Confidential, &[READ]).await;
    let secret = c.secret.clone().unwrap();
    let live_code = code(&env, &cookie, &c, READ).await;
    let (_, live_refresh) = tokens(
        &token(
            &env,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code(&env, &cookie, &c, READ).await),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ],
            Some((&c.id, &secret)),
        )
        .await,
    );
    let dead_refresh = format!("{}.{}", "0".repeat(32), "A".repeat(32));
    for (who, basic) in [
        ("wrong secret", Some((c.id.as_str(), "not-the-secret"))),
        ("unknown client", Some(("cl_unknown", "whatever"))),
    ] {
        for refresh_token in [live_refresh.as_str(), dead_refresh.as_str(), "junk"] {
            let r = token(
                &env,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                basic,
            )
            .await;
            assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
            assert!(r.headers.contains_key("www-authenticate"), "{who}");
        }
        for code in [live_code.as_str(), "A".repeat(32).as_str(), "junk"] {
            let r = token(
                &env,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", VERIFIER),
                ],
                basic,
            )
            .await;
            assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
        }
    }
    // The live grants were not spent by the refused calls.
    let r = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &live_refresh),
        ],
        Some((&c.id, &secret)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let public = client(&env, ClientType::Public, &[READ]).await;
    let unknown = Client {
        id: "cl_nobody".into(),
        secret: None,
    };
    assert_oauth_error(
        &exchange(&env, &unknown, "junk").await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    );
    assert_oauth_error(
        &exchange(&env, &public, "junk").await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Whether the token's s is in the high half (s > n / 2, i.e. 2s > n).
pub(crate) fn is_high_s(token: &str) -> bool {
    let sig = URL_SAFE_NO_PAD
        .decode(token.rsplit_once('.').unwrap().1)
        .unwrap();
    let mut twice = [0u8; 33];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let v = 2 * u16::from(sig[32 + i]) + carry;
        twice[i + 1] = v as u8;
        carry = v >> 8;
    }
    twice[0] = carry as u8;
    let mut n = [0u8; 33];
    n[1..].copy_from_slice(&N);
    twice > n
}

/// n - s for the P-256 order n: the other valid signature of a token.
pub(crate) fn high_twin(token: &str) -> String {
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(N[i]) - i16::from(bytes[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        bytes[32 + i] = d as u8;
    }
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[tokio::test]
async fn the_high_s_twin_of_a_genuine_token_is_refused() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    for _ in 0..4 {
        let (access, _) = tokens(&exchange(&env, &c, &code(&env, &cookie, &c, READ).await).await);
        assert_eq!(call(&env, &access, READ).await.status, StatusCode::OK);
        let twin = high_twin(&access);
        assert_ne!(twin, access);
        assert_eq!(
            call(&env, &twin, READ).await.status,
            StatusCode::UNAUTHORIZED,
            "the high-S twin verified"
        );
    }
}
