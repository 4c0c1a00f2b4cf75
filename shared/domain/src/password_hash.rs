//! argon2id with the crate's defaults (m=19456 KiB, t=2, p=1, OWASP's
//! recommendation). Hashing is CPU-bound, so it runs on the blocking pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params};
use std::sync::OnceLock;

pub fn hash_blocking(password: &str) -> String {
    let salt: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

pub async fn hash(password: &str) -> String {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("hashing task panicked")
}

/// A hash of a random password, verified against when there is no user, so
/// that an unknown name costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&hex::encode(rand::random::<[u8; 16]>())))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Match { needs_rehash: bool },
    Mismatch,
}

/// Verifies `password` against `stored`, or against the dummy hash when
/// there is none (the answer is then always `Mismatch`).
pub async fn verify(password: &str, stored: Option<&str>) -> Verdict {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref()))
        .await
        .expect("verify task panicked")
}

fn verify_blocking(password: &str, stored: Option<&str>) -> Verdict {
    let Some(stored) = stored else {
        let parsed = PasswordHash::new(dummy_hash()).expect("dummy hash parses");
        let _ = Argon2::default().verify_password(password.as_bytes(), &parsed);
        return Verdict::Mismatch;
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verdict::Mismatch;
    };
    if Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verdict::Mismatch;
    }
    Verdict::Match {
        needs_rehash: needs_rehash(&parsed),
    }
}

fn needs_rehash(parsed: &PasswordHash<'_>) -> bool {
    let current = Params::default();
    let algorithm_ok = parsed.algorithm.as_str() == Algorithm::Argon2id.ident().as_str();
    match Params::try_from(parsed) {
        Ok(p) => {
            !algorithm_ok
                || p.m_cost() != current.m_cost()
                || p.t_cost() != current.t_cost()
                || p.p_cost() != current.p_cost()
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse").await;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify("correct horse", Some(&h)).await,
            Verdict::Match {
                needs_rehash: false
            }
        );
        assert_eq!(verify("wrong horse", Some(&h)).await, Verdict::Mismatch);
        assert_eq!(verify("correct horse", None).await, Verdict::Mismatch);
        assert_eq!(verify("x", Some("not a hash")).await, Verdict::Mismatch);
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            argon2::Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let h = weak.hash_password(b"pw", &salt).unwrap().to_string();
        assert_eq!(
            verify_blocking("pw", Some(&h)),
            Verdict::Match { needs_rehash: true }
        );
    }
}
