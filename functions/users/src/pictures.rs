//! Profile pictures in S3: PNG only (decoded and re-encoded, png_clean.rs),
//! at most `MAX_BYTES` uploaded, one object per
//! upload under `profile-pictures/<user id>/<random>.png` (a new name per
//! upload, so a cached old URL never shows the new picture wrongly), read
//! back through presigned GET URLs.

use crate::s3::S3;
use crate::ApiError;
use domain::{Error, UserId};
use identity::{AppState, Config};
use std::time::Duration;
use tokio::sync::OnceCell;

pub const MAX_BYTES: usize = 1024 * 1024;
/// How long a `signedUrl` / `profilePictureUrl` works.
pub const URL_TTL: Duration = Duration::from_secs(3600);

/// The S3 client, built once per process on first use (most requests of
/// this function never touch S3, so the cold start does not pay for it).
async fn client(config: &Config) -> Result<&'static S3, ApiError> {
    static CLIENT: OnceCell<S3> = OnceCell::const_new();
    CLIENT
        .get_or_try_init(|| async { build_client(&table::aws::sdk_config(), config).await })
        .await
        .map_err(|e| internal("setup", e))
}

async fn build_client(
    sdk: &table::aws::SdkConfig,
    config: &Config,
) -> Result<S3, crate::s3::S3Error> {
    S3::new(
        sdk,
        &config.profile_picture_bucket,
        config.s3_force_path_style,
    )
    .await
}

fn new_key(user: &UserId) -> String {
    format!(
        "profile-pictures/{user}/{}.png",
        hex::encode(rand::random::<[u8; 12]>())
    )
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    Error::internal(format!("s3 {what} failed: {e}")).into()
}

/// Stores the picture; returns its key.
pub async fn put(state: &AppState, user: &UserId, png: Vec<u8>) -> Result<String, ApiError> {
    let key = new_key(user);
    client(&state.config)
        .await?
        .put(&key, "image/png", png)
        .await
        .map_err(|e| internal("put", e))?;
    Ok(key)
}

/// Best effort: an object left behind costs storage, not correctness (the
/// user record no longer names it).
pub async fn delete(state: &AppState, key: &str) {
    let deleted = match client(&state.config).await {
        Ok(s3) => s3.delete(key).await.map_err(|e| e.to_string()),
        Err(_) => Err("no S3 client".to_owned()),
    };
    if let Err(error) = deleted {
        tracing::warn!(%error, "s3 delete failed");
    }
}

/// A presigned GET URL (computed locally: no network call).
pub async fn url(state: &AppState, key: &str) -> Result<String, ApiError> {
    client(&state.config)
        .await?
        .presigned_get(key, URL_TTL)
        .map_err(|e| internal("presign", e))
}

/// The URL of a user's picture, if they have one.
pub async fn url_of(state: &AppState, key: Option<&str>) -> Result<Option<String>, ApiError> {
    match key {
        Some(k) => Ok(Some(url(state, k).await?)),
        None => Ok(None),
    }
}

/// Creates the bucket if needed (local stack, tests; the template declares
/// it in the cloud).
pub async fn ensure_bucket(sdk: &table::aws::SdkConfig, config: &Config) -> Result<(), String> {
    let s3 = build_client(sdk, config).await.map_err(|e| e.to_string())?;
    s3.create_bucket().await.map_err(|e| e.to_string())
}

/// How long the link to a data export works.
pub const ARCHIVE_TTL: Duration = Duration::from_secs(3600);

/// Stores a data export of `user` (`exports/<user>/<random>.json`, which
/// the bucket's lifecycle rule expires after a day) and returns a
/// presigned link to it, good for [`ARCHIVE_TTL`].
pub async fn put_archive(
    state: &AppState,
    user: &UserId,
    json: Vec<u8>,
) -> Result<String, ApiError> {
    let key = format!(
        "exports/{user}/{}.json",
        hex::encode(rand::random::<[u8; 12]>())
    );
    let s3 = client(&state.config).await?;
    s3.put(&key, "application/json", json)
        .await
        .map_err(|e| internal("put", e))?;
    s3.presigned_get(&key, ARCHIVE_TTL)
        .map_err(|e| internal("presign", e))
}
