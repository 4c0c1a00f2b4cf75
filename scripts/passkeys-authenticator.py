"""A software authenticator driving the passkeys JSON API from outside, as
a native app would: Yubico's `fido2` (pinned in
scripts/passkeys-constraints.txt, in a venv of its own) parses the options
and writes the responses in the WebAuthn JSON serialization; the keys are
P-256 (ES256) from `cryptography`, the attestation "none", the signature
counter kept and raised as a real authenticator does.

    passkeys-authenticator.py BASE_URL SESSION_COOKIE ORIGIN

Registers a passkey for the session's account, then signs in with it
twice without a username, and prints one JSON line: the passkey's id, the
accounts each sign-in opened, and the counters sent.
"""

import hashlib
import json
import os
import sys
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    RegistrationResponse,
)

BASE, SESSION, ORIGIN = sys.argv[1], sys.argv[2], sys.argv[3]
FLAGS = AuthenticatorData.FLAG


def call(path, body=None, cookie=None):
    req = urllib.request.Request(BASE + path, method="POST" if body is not None else "GET")
    req.add_header("content-type", "application/json")
    if cookie:
        req.add_header("cookie", cookie)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as res:
        return json.load(res), res.headers.get_all("set-cookie") or []


class Authenticator:
    """One discoverable credential, user verification by "PIN"."""

    def __init__(self):
        self.key = None
        self.credential_id = os.urandom(32)
        self.user_handle = None
        self.counter = 0

    def create(self, options: PublicKeyCredentialCreationOptions) -> RegistrationResponse:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.user_handle = options.user.id
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.CREATE, challenge=options.challenge, origin=ORIGIN)
        attested = AttestedCredentialData.create(
            Aaguid.NONE, self.credential_id, ES256.from_cryptography_key(self.key.public_key()))
        auth_data = AuthenticatorData.create(
            hashlib.sha256(options.rp.id.encode()).digest(),
            FLAGS.UP | FLAGS.UV | FLAGS.AT, self.counter, attested)
        return RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data,
                attestation_object=AttestationObject.create("none", auth_data, {})))

    def get(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        self.counter += 1
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.GET, challenge=options.challenge, origin=ORIGIN)
        auth_data = AuthenticatorData.create(
            hashlib.sha256(options.rp_id.encode()).digest(), FLAGS.UP | FLAGS.UV, self.counter)
        signature = self.key.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data,
                signature=signature, user_handle=self.user_handle))


def main():
    device = Authenticator()
    options, _ = call("/user/passkeys/register/options", {}, SESSION)
    created = device.create(PublicKeyCredentialCreationOptions.from_dict(options["data"]))
    passkey, _ = call("/user/passkeys/register/verify",
                      {"credential": dict(created), "name": "fido2"}, SESSION)
    accounts, counters = [], []
    for _ in range(2):
        options, bound = call("/user/passkeys/login/options", {})
        # The ceremony's cookie (pkc) goes back with the answer, as a
        # browser's would.
        ceremony = "; ".join(c.split(";")[0] for c in bound)
        asserted = device.get(PublicKeyCredentialRequestOptions.from_dict(options["data"]))
        signed_in, cookies = call("/user/passkeys/login/verify",
                                  {"credential": dict(asserted)}, ceremony)
        assert any(c.startswith("sid=") for c in cookies), cookies
        accounts.append(signed_in["data"]["user"]["id"])
        counters.append(device.counter)
    print(json.dumps({"passkey": passkey["data"]["id"], "accounts": accounts,
                      "counters": counters}))


main()
