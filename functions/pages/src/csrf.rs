//! CSRF on every form: a double-submit token. The first page a browser
//! gets sets `pcsrf`, a random token (`HttpOnly`, `SameSite=Lax`); every
//! form carries it again in the hidden field `csrf`, and a POST whose field
//! does not equal its cookie (compared in constant time) changes nothing.
//! Beside it, every route table refuses cross-site sign-ins and
//! cookie-bearing state changes (`web::same_origin`).

use http::HeaderMap;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "pcsrf";
pub const FIELD: &str = "csrf";
/// A day: a form left open longer asks for a reload.
pub const TTL_SECS: i64 = 24 * 3600;

/// The token the request's cookie carries, when it is one of ours in shape.
pub fn of_request(headers: &HeaderMap) -> Option<String> {
    identity::cookies::get(headers, COOKIE).filter(|t| well_formed(t))
}

pub fn generate() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the form's token matches the cookie's.
pub fn matches(cookie: Option<&str>, field: Option<&str>) -> bool {
    match (cookie, field) {
        (Some(c), Some(f)) if well_formed(c) => c.as_bytes().ct_eq(f.as_bytes()).into(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_must_equal_a_well_formed_cookie() {
        let t = generate();
        assert!(matches(Some(&t), Some(&t)));
        assert!(!matches(Some(&t), Some(&generate())));
        assert!(!matches(None, Some(&t)));
        assert!(!matches(Some(&t), None));
        assert!(!matches(Some(""), Some("")));
    }
}
