//! Issue 18, finding 10: `PATCH /user/profile-picture` checked only the
//! PNG signature and IHDR's shape, so a bad IHDR checksum and 2^31 × 2^31
//! dimensions were stored. A picture is now decoded whole by image-rs's
//! `png` codec, capped in dimensions and decoded size, and re-encoded from
//! its pixels, so no metadata it carried is kept.

use crate::users_profile::png;
use crate::users_support::{bearer, env, token, verified};
use axum::body::Body;
use domain::scopes::PROFILE_WRITE;
use http::{Method, Request, StatusCode};
use platform_tests::{Reply, TestEnv};

async fn upload(env: &TestEnv, token: &str, body: Vec<u8>) -> Reply {
    let req = Request::builder()
        .method(Method::PATCH)
        .uri("/user/profile-picture")
        .header("authorization", bearer(token))
        .header("content-type", "image/png")
        .body(Body::from(body))
        .unwrap();
    env.send(req).await
}

/// CRC-32 as PNG chunks carry it.
fn crc(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for b in data {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[tokio::test]
async fn only_a_png_that_decodes_whole_and_small_is_stored_and_only_its_pixels() {
    let env = env().await;
    let p = verified(&env).await;
    let t = token(&env, &p, &[PROFILE_WRITE]).await;
    let good = png(64);
    let before = env.snapshot().await;
    // A flipped byte in IHDR's checksum.
    let mut bad_crc = good.clone();
    bad_crc[31] ^= 0x55;
    // 2^31 × 2^31 pixels, with a checksum that matches.
    let mut huge = good.clone();
    huge[16..24].copy_from_slice(&[0x80, 0, 0, 0, 0x80, 0, 0, 0]);
    let sum = crc(&huge[12..29]);
    huge[29..33].copy_from_slice(&sum.to_be_bytes());
    // Cut short inside the image data.
    let truncated = good[..good.len() - 16].to_vec();
    for (name, body) in [("crc", bad_crc), ("huge", huge), ("truncated", truncated)] {
        let r = upload(&env, &t, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {:?}", r.body);
        assert_eq!(r.body["field"], "profilePicture", "{name}");
    }
    assert_eq!(env.snapshot().await, before, "nothing stored");

    let r = upload(&env, &t, good.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let url = r.body["data"]["signedUrl"].as_str().unwrap();
    let stored = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert!(
        good.windows(5).any(|w| w == b"Noise"),
        "the upload had metadata"
    );
    assert!(
        !stored.windows(5).any(|w| w == b"Noise"),
        "the stored picture has none"
    );
    assert!(!stored.windows(7).any(|w| w == b"Comment"));
    let mut reader = png::Decoder::new(std::io::Cursor::new(stored.to_vec()))
        .read_info()
        .unwrap();
    assert_eq!((reader.info().width, reader.info().height), (2, 2));
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut pixels).unwrap();
    assert!(pixels.iter().all(|b| *b == 7), "the same pixels");
}
