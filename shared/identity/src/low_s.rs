//! ECDSA signatures are malleable: if (r, s) verifies, so does (r, n - s).
//! A token whose signature bytes change while it stays valid defeats any
//! check keyed on the token's bytes (replay lists, caches, logs), so the
//! platform signs with the low half of s only and refuses the high twin
//! (as Bitcoin's BIP 62 and Ethereum's EIP-2 do). aws-lc-rs neither
//! produces nor demands low-S, hence these few lines.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The order n of P-256, big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];
/// floor(n / 2), big-endian: the largest low s.
const HALF_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
];

/// The `s` half of a JWS's fixed-size ES256 signature (`r || s`).
fn s_of(signature: &[u8]) -> Option<&[u8; 32]> {
    (signature.len() == 64).then(|| signature[32..].try_into().ok())?
}

/// Whether the compact JWS `token` carries a low-S ES256 signature.
pub fn is_low_s(token: &str) -> bool {
    let Some((_, sig)) = token.rsplit_once('.') else {
        return false;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    s_of(&bytes).is_some_and(|s| *s <= HALF_N)
}

/// `token` with its signature's s replaced by n - s when s is high: the
/// same signature, in the one form verifiers accept.
pub fn normalize(token: String) -> String {
    let Some((signed, sig)) = token.rsplit_once('.') else {
        return token;
    };
    let Ok(mut bytes) = URL_SAFE_NO_PAD.decode(sig) else {
        return token;
    };
    match s_of(&bytes) {
        Some(s) if *s > HALF_N => {
            let low = sub(&N, s);
            bytes[32..].copy_from_slice(&low);
            format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes))
        }
        _ => token,
    }
}

/// a - b for big-endian a >= b.
fn sub(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// The high twin of a low-S token (tests: what an attacker would send).
#[cfg(test)]
pub fn high_twin(token: &str) -> String {
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let s: [u8; 32] = bytes[32..].try_into().unwrap();
    bytes[32..].copy_from_slice(&sub(&N, &s));
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_n_is_half_of_n() {
        // 2 * HALF_N + 1 == N.
        let mut twice = [0u8; 32];
        let mut carry = 1u16;
        for i in (0..32).rev() {
            let v = 2 * u16::from(HALF_N[i]) + carry;
            twice[i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(twice, N);
    }

    #[test]
    fn sub_borrows_across_bytes() {
        let mut one = [0u8; 32];
        one[31] = 1;
        let mut a = [0u8; 32];
        a[30] = 1;
        let mut want = [0u8; 32];
        want[31] = 0xff;
        assert_eq!(sub(&a, &one), want);
        assert_eq!(sub(&N, &N), [0u8; 32]);
    }
}
