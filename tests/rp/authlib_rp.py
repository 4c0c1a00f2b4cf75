"""authlib's OpenID Connect client against a running stack: discovery, the
code flow with PKCE, state and nonce, the id_token validated by authlib's
CodeIDToken rules (iss, aud, exp, iat, nonce, at_hash, auth_time with
max_age), userinfo, and a refresh.

    python tests/rp/authlib_rp.py BASE CLIENT_ID REDIRECT_URI SID_COOKIE

The browser's part (a signed-in user agent following the redirect) is a
plain request carrying the session cookie; every check is the library's.
"""

import sys
import warnings

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken
from authlib.common.security import generate_token

# authlib 1.9 points authlib.jose users at joserfc; CodeIDToken (the OIDC
# rules checked here) still lives on authlib.jose until 2.0.
warnings.filterwarnings("ignore", module="authlib")

base, client_id, redirect_uri, sid = sys.argv[1:5]
meta = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
assert meta["issuer"] == base, meta
jwks = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())

session = OAuth2Session(
    client_id,
    redirect_uri=redirect_uri,
    scope="openid profile email",
    code_challenge_method="S256",
)
verifier = generate_token(48)
nonce = generate_token(20)
url, state = session.create_authorization_url(
    meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce, max_age=3600
)
res = requests.get(url, cookies={"sid": sid}, allow_redirects=False, timeout=10)
assert res.status_code == 302, (res.status_code, res.text)
callback = res.headers["location"]

token = session.fetch_token(
    meta["token_endpoint"], authorization_response=callback, code_verifier=verifier
)
claims = jwt.decode(
    token["id_token"],
    jwks,
    claims_cls=CodeIDToken,
    claims_options={"iss": {"essential": True, "value": meta["issuer"]}},
    claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"], "max_age": 3600},
)
claims.validate()
assert claims["sid"] and claims["amr"], claims

info = session.get(meta["userinfo_endpoint"]).json()
assert info["sub"] == claims["sub"], info

refreshed = session.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
again = jwt.decode(
    refreshed["id_token"],
    jwks,
    claims_cls=CodeIDToken,
    claims_options={"iss": {"essential": True, "value": meta["issuer"]}},
    claims_params={"client_id": client_id, "access_token": refreshed["access_token"]},
)
again.validate()
assert again["sub"] == claims["sub"] and again["auth_time"] == claims["auth_time"]
print({"authlib": "ok", "sub": claims["sub"], "amr": claims["amr"]})
