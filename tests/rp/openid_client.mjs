// openid-client (npm, certified OpenID Connect relying party) against a
// running stack: discovery, the code flow with PKCE, state and nonce, the
// id_token's checks, userinfo, and a refresh whose id_token is checked again.
//
//   node tests/rp/openid_client.mjs BASE CLIENT_ID REDIRECT_URI SID_COOKIE \
//        POST_LOGOUT_URI M2M_CLIENT_ID M2M_SECRET
//
// Then RP-initiated logout with the id_token as hint, and, as a
// confidential client, client_credentials and introspection.
//
// The browser's part (a signed-in user agent following the redirect) is a
// plain fetch carrying the session cookie; everything the client checks is
// the library's.
import * as client from 'openid-client';
import assert from 'node:assert/strict';

const [base, clientId, redirectUri, sid, afterLogout, m2mId, m2mSecret] = process.argv.slice(2);
const config = await client.discovery(
  new URL(base),
  clientId,
  { id_token_signed_response_alg: 'ES256' },
  client.None(),
  { execute: [client.allowInsecureRequests] },
);
const meta = config.serverMetadata();
assert.equal(meta.issuer, base);

const verifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  nonce,
  state,
  max_age: '3600',
});
const res = await fetch(url, { redirect: 'manual', headers: { cookie: `sid=${sid}` } });
assert.equal(res.status, 302, `authorize answered ${res.status}`);
const callback = new URL(res.headers.get('location'));

const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier,
  expectedNonce: nonce,
  expectedState: state,
  idTokenExpected: true,
  maxAge: 3600,
});
const claims = tokens.claims();
assert.ok(claims.sub && claims.auth_time && claims.sid, JSON.stringify(claims));
const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
assert.equal(info.sub, claims.sub);
assert.ok(info.email && info.preferred_username, JSON.stringify(info));

const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
assert.equal(refreshed.claims().sub, claims.sub);
assert.equal(refreshed.claims().auth_time, claims.auth_time);

// RP-initiated logout: the session ends, the browser comes back with state.
const logoutUrl = client.buildEndSessionUrl(config, {
  id_token_hint: refreshed.id_token,
  post_logout_redirect_uri: afterLogout,
  state: 'bye',
});
const out = await fetch(logoutUrl, { redirect: 'manual', headers: { cookie: `sid=${sid}` } });
assert.equal(out.status, 302);
assert.equal(out.headers.get('location'), `${afterLogout}?state=bye`);
const after = await fetch(url, { redirect: 'manual', headers: { cookie: `sid=${sid}` } });
assert.ok(new URL(after.headers.get('location')).pathname.endsWith('/signin'), 'signed out');

// A machine: client_credentials, then introspection of its own token.
const m2m = await client.discovery(new URL(base), m2mId, m2mSecret, undefined, {
  execute: [client.allowInsecureRequests],
});
const machine = await client.clientCredentialsGrant(m2m, { scope: 'delegated:profile:read' });
assert.equal(machine.scope, 'delegated:profile:read');
const seen = await client.tokenIntrospection(m2m, machine.access_token);
assert.equal(seen.active, true);
assert.equal(seen.sub, m2mId);
const dead = await client.tokenIntrospection(m2m, tokens.access_token);
assert.equal(dead.active, false, 'the signed-out session took its tokens along');

console.log(JSON.stringify({ openid_client: 'ok', sub: claims.sub, amr: claims.amr }));
