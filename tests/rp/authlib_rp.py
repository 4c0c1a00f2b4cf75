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
from concurrent.futures import ThreadPoolExecutor

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

# authlib 1.9 points authlib.jose users at joserfc; CodeIDToken (the OIDC
# rules checked here) still lives on authlib.jose until 2.0. authlib sets
# its warning to "always" on import, so the filter goes in after that.
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from authlib.oidc.core import CodeIDToken  # noqa: E402

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

# Two tabs refresh with one token at once: the reuse grace gives both the
# same successor instead of signing the user out.

def refresh_once(_):
    tab = OAuth2Session(client_id)
    return tab.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])


with ThreadPoolExecutor(2) as pool:
    first, second = pool.map(refresh_once, range(2))
assert first["refresh_token"] == second["refresh_token"], (first, second)
refreshed = session.refresh_token(meta["token_endpoint"], refresh_token=first["refresh_token"])
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
