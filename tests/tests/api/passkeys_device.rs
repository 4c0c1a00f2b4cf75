//! A software authenticator for the passkeys tests: a platform
//! authenticator that verifies its user and syncs its passkey (the BE and
//! BS flags), with real P-256 (ES256) keys and signatures from aws-lc-rs
//! and a signature counter, answering in the WebAuthn JSON serialization.
//! (1Password's passkey-rs was tried first; it turns on serde_json's
//! `preserve_order` for every crate the tests build, which changes the
//! platform's own JSON.) The CBOR it writes is the fixed CTAP2 canonical
//! shape of a `none` attestation and an EC2 COSE key.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The origin the local RP allows (`WEBAUTHN_ORIGINS`' default).
pub const ORIGIN: &str = "http://localhost:3000";

/// UP, UV, BE, BS; AT on a registration.
const FLAGS: u8 = 0x01 | 0x04 | 0x08 | 0x10;
const ATTESTED: u8 = 0x40;

/// One discoverable passkey. `Clone` copies the key and the counter: a
/// cloned authenticator.
#[derive(Clone, Default)]
pub struct Device {
    pkcs8: Vec<u8>,
    id: Vec<u8>,
    pub user_handle: String,
    counter: u32,
    /// A security key without PIN or biometrics: UV never set.
    pub unverified: bool,
}

fn bstr(bytes: &[u8]) -> Vec<u8> {
    let mut out = match bytes.len() {
        n @ 0..=23 => vec![0x40 | n as u8],
        n @ 24..=255 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    out.extend_from_slice(bytes);
    out
}

fn client_data(kind: &str, options: &Value) -> Vec<u8> {
    json!({
        "type": kind,
        "challenge": options["challenge"],
        "origin": ORIGIN,
        "crossOrigin": false,
    })
    .to_string()
    .into_bytes()
}

fn auth_data(rp_id: &str, flags: u8, counter: u32, attested: &[u8]) -> Vec<u8> {
    let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
    data.push(flags);
    data.extend_from_slice(&counter.to_be_bytes());
    data.extend_from_slice(attested);
    data
}

impl Device {
    fn key(&self) -> EcdsaKeyPair {
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &self.pkcs8).unwrap()
    }

    /// `navigator.credentials.create` for PublicKeyCredentialCreationOptionsJSON.
    pub fn create(&mut self, options: &Value) -> Value {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        self.pkcs8 = pkcs8.as_ref().to_vec();
        self.id = rand::random::<[u8; 16]>().to_vec();
        self.attest(options)
    }

    /// The passkey it holds, attested again for `options` (an
    /// authenticator ignoring `excludeCredentials`).
    pub fn attest(&mut self, options: &Value) -> Value {
        self.user_handle = options["user"]["id"].as_str().unwrap().to_owned();
        let point = self.key().public_key().as_ref().to_vec(); // 0x04 | x | y
                                                               // COSE EC2 key {1: 2, 3: -7, -1: 1, -2: x, -3: y}, canonical order.
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cose.extend(bstr(&point[1..33]));
        cose.push(0x22);
        cose.extend(bstr(&point[33..65]));
        let mut attested = vec![0u8; 16]; // AAGUID
        attested.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
        attested.extend_from_slice(&self.id);
        attested.extend(cose);
        let rp_id = options["rp"]["id"].as_str().unwrap();
        let data = auth_data(rp_id, FLAGS | ATTESTED, self.counter, &attested);
        // {"fmt": "none", "attStmt": {}, "authData": …}, canonical order.
        let mut object = vec![0xa3, 0x63];
        object.extend_from_slice(b"fmt");
        object.push(0x64);
        object.extend_from_slice(b"none");
        object.push(0x67);
        object.extend_from_slice(b"attStmt");
        object.extend([0xa0, 0x68]);
        object.extend_from_slice(b"authData");
        object.extend(bstr(&data));
        let id = B64.encode(&self.id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(client_data("webauthn.create", options)),
                "attestationObject": B64.encode(object),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })
    }

    /// `navigator.credentials.get` for PublicKeyCredentialRequestOptionsJSON.
    pub fn get(&mut self, options: &Value) -> Value {
        self.counter += 1;
        let client = client_data("webauthn.get", options);
        let flags = if self.unverified {
            FLAGS & !0x04
        } else {
            FLAGS
        };
        let data = auth_data(options["rpId"].as_str().unwrap(), flags, self.counter, &[]);
        let mut signed = data.clone();
        signed.extend_from_slice(&Sha256::digest(&client));
        let signature = self.key().sign(&SystemRandom::new(), &signed).unwrap();
        let id = B64.encode(&self.id);
        json!({
            "id": id, "rawId": id, "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(client),
                "authenticatorData": B64.encode(data),
                "signature": B64.encode(signature.as_ref()),
                "userHandle": self.user_handle,
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })
    }
}
