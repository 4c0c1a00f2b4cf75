//! Standard Webhooks signatures (https://www.standardwebhooks.com): the
//! secret is `whsec_` + base64 of random bytes; each attempt is signed
//! with `v1,` + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")),
//! and during a rotation's grace period with the previous secret too
//! (signatures separated by a space). The message id is derived from the
//! stream record and the endpoint, so a redelivered record keeps its id.

use aws_lc_rs::hmac;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a new secret (the spec allows 24 to 64).
const SECRET_BYTES: usize = 32;

/// A signing secret in its `whsec_…` form.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    pub fn generate() -> Self {
        let bytes: [u8; SECRET_BYTES] = rand::random();
        Self(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
    }

    /// A stored secret (opened from its sealed form).
    pub fn parse(raw: &str) -> Option<Self> {
        let key = STANDARD.decode(raw.strip_prefix(SECRET_PREFIX)?).ok()?;
        (24..=64).contains(&key.len()).then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn key(&self) -> Vec<u8> {
        let encoded = self.0.strip_prefix(SECRET_PREFIX).unwrap_or_default();
        STANDARD.decode(encoded).unwrap_or_default()
    }

    /// `v1,<base64 signature>` of one attempt.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.key());
        let content = format!("{id}.{timestamp}.{body}");
        let tag = hmac::sign(&key, content.as_bytes());
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }
}

/// The `webhook-signature` header: the current secret's signature, then
/// the previous one's while it is still honoured.
pub fn signature_header(
    current: &Secret,
    previous: Option<&Secret>,
    id: &str,
    timestamp: i64,
    body: &str,
) -> String {
    let mut header = current.sign(id, timestamp, body);
    if let Some(previous) = previous {
        header.push(' ');
        header.push_str(&previous.sign(id, timestamp, body));
    }
    header
}

/// The `webhook-id` of an event for an endpoint: a hash of the stream
/// record's id, the event type and the endpoint, so the same record
/// delivered twice makes the same id (and the same delivery item).
pub fn message_id(record_id: &str, event_type: &str, endpoint_id: &str) -> String {
    let mut hash = Sha256::new();
    for part in [record_id, event_type, endpoint_id] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("msg_{}", hex::encode(&hash.finalize()[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector of the specification's reference libraries.
    #[test]
    fn signs_the_reference_vector() {
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = secret.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_have_the_spec_form() {
        let secret = Secret::generate();
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(secret.key().len(), SECRET_BYTES);
        assert_eq!(Secret::parse(secret.expose()), Some(secret.clone()));
        assert_ne!(Secret::generate(), secret);
        for bad in [
            "",
            "whsec_",
            "whsec_AAAA",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_%%%",
        ] {
            assert!(Secret::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }

    #[test]
    fn rotation_signs_with_both_secrets() {
        let (new, old) = (Secret::generate(), Secret::generate());
        let header = signature_header(&new, Some(&old), "msg_1", 10, "{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(
            parts,
            [new.sign("msg_1", 10, "{}"), old.sign("msg_1", 10, "{}")]
        );
        assert_eq!(signature_header(&new, None, "msg_1", 10, "{}"), parts[0]);
    }

    #[test]
    fn message_ids_are_stable_per_record_and_endpoint() {
        let id = message_id("rec-1", "user.created", "ep1");
        assert_eq!(id, message_id("rec-1", "user.created", "ep1"));
        assert!(id.starts_with("msg_") && id.len() == 36);
        assert_ne!(id, message_id("rec-2", "user.created", "ep1"));
        assert_ne!(id, message_id("rec-1", "user.created", "ep2"));
        assert_ne!(id, message_id("rec-1", "user.updated", "ep1"));
    }
}
