//! Every key format of the table, in one place. Partition keys are
//! `KIND#identity`; the sort key names the item's role within it. Surfaces
//! build their own items' keys from these (their `store/keys.rs`), so no
//! two can collide and everything a user owns can be found.

use domain::UserId;

// A user's partition, `USER#<id>`, holds (by sort key): the user item
// (`PROFILE`), one code slot per purpose (`CODE#<purpose>`), their follow
// entries (`FOLLOWS#<target>`) and blocks (`BLOCKS#<blocked>`), their invite
// code list (`INVITES`), their Sites counters (`SITES`), their App
// notifications (`NOTIF#<id>`), the OAuth clients they consented to
// (`CONSENT#<client>`) and the refresh families each client holds
// (`APPGRANT#<client>#<family>`).
pub const USER_SK: &str = "PROFILE";

/// The follow entry of the partition's user following `target`.
pub fn follows(target: &UserId) -> String {
    format!("{FOLLOWS_PREFIX}{target}")
}
pub const FOLLOWS_PREFIX: &str = "FOLLOWS#";
/// The partition's user blocking `blocked`.
pub fn blocks(blocked: &UserId) -> String {
    format!("{BLOCKS_PREFIX}{blocked}")
}
pub const BLOCKS_PREFIX: &str = "BLOCKS#";
/// The list of the user's invite codes (Users API).
pub const INVITES_SK: &str = "INVITES";
/// The user's counters behind `total_count` of the Sites API's `sites/`.
pub const USER_SITES_SK: &str = "SITES";
/// One App Users API notification, in its user's partition.
pub fn notification(id: u64) -> String {
    format!("NOTIF#{id:016}")
}
pub const NOTIFICATION_PREFIX: &str = "NOTIF#";
/// The user's consent to an OAuth client (the scopes allowed).
pub fn consent(client_id: &str) -> String {
    format!("{CONSENT_PREFIX}{client_id}")
}
pub const CONSENT_PREFIX: &str = "CONSENT#";
/// A refresh family `client_id` holds for the user: what revoking the
/// client's access ends.
pub fn app_grant(client_id: &str, family_id: &str) -> String {
    format!("{}{family_id}", app_grants_prefix(client_id))
}
pub fn app_grants_prefix(client_id: &str) -> String {
    format!("APPGRANT#{client_id}#")
}
pub const SENTINEL_SK: &str = "UNIQUE";
/// An address on the suppression list (`SUPPRESSED#<lowercase address>`).
pub const SUPPRESSED_PREFIX: &str = "SUPPRESSED#";
pub const SUPPRESSED_SK: &str = "SUPPRESSED";
pub const TOKEN_SK: &str = "TOKEN";
pub const COUNTER_SK: &str = "COUNTER";

pub fn user(id: &UserId) -> String {
    format!("USER#{id}")
}

/// Sentinel that makes a username unique (case-insensitively).
pub fn username(key: &str) -> String {
    format!("USERNAME#{key}")
}

/// Sentinel that makes an email address unique (case-insensitively).
pub fn email(key: &str) -> String {
    format!("EMAIL#{key}")
}

/// Sentinel mapping a user's integer id to the user.
pub fn user_seq(seq: u64) -> String {
    format!("USERSEQ#{seq}")
}

pub fn token(hash: &str) -> String {
    format!("TOKEN#{hash}")
}

/// GSI1 partition of a user's opaque tokens (sessions, Accounts API
/// tokens), sorted by `by_issue`: the user's sessions list.
pub fn user_tokens(user: &UserId) -> String {
    format!("TOKENS#{user}")
}

/// GSI1 sort key of a token: when it was issued (ms), then its hash.
pub fn by_issue(issued_ms: i64, hash: &str) -> String {
    format!("{issued_ms:015}#{hash}")
}

/// A device that signed in before, by its token's hash (devices.rs).
pub fn device(hash: &str) -> String {
    format!("DEVICE#{hash}")
}
pub const DEVICE_SK: &str = "DEVICE";
/// GSI2 partition of a user's devices (`gsi2sk` = the device's hash).
pub fn user_devices(user: &UserId) -> String {
    format!("DEVICES#{user}")
}
/// GSI2 partition of a user's OAuth authorization codes.
pub fn user_oauth_codes(user: &UserId) -> String {
    format!("OAUTHCODES#{user}")
}

/// A user's security events (audit.rs).
pub fn audit(user: &UserId) -> String {
    format!("AUDIT#{user}")
}

/// A sign-in through a social network waiting for its callback.
pub fn network_signin(state_hash: &str) -> String {
    format!("NETSIGNIN#{state_hash}")
}
pub const NETWORK_SIGNIN_SK: &str = "PENDING";

/// A proven network account waiting for its owner's confirmation.
pub fn network_link_offer(ticket_hash: &str) -> String {
    format!("NETLINK#{ticket_hash}")
}

pub fn counter(name: &str) -> String {
    format!("COUNTER#{name}")
}

/// GSI1 partition of the accounts that `listAccounts` shows (ghost and
/// student); moderators carry no GSI1 attributes (sparse index).
pub const LISTED_ACCOUNTS: &str = "ACCOUNTS";

/// GSI2 partition for login by username.
pub fn login_name(key: &str) -> String {
    format!("LOGIN#{key}")
}

/// GSI sort key that orders users by creation.
pub fn by_creation(created_ms: i64, id: &UserId) -> String {
    format!("{created_ms:015}#{id}")
}

pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";
/// Users by email key (`gsi3pk = EMAIL#<key>`, the sentinel's key string).
pub const GSI3: &str = "gsi3";
/// Users by integer id (`gsi4pk = USERSEQ#<n>`, the sentinel's key string).
pub const GSI4: &str = "gsi4";

/// All signing keys share one partition, so one Query lists them (a handful
/// of items: the active key plus the ones still verifying).
pub const SIGNING_KEYS: &str = "SIGNING_KEYS";

/// Sort key of one JWT signing key.
pub fn signing_key(kid: &str) -> String {
    format!("KEY#{kid}")
}

/// API keys: the item a presented key is looked up by (its hash names it).
pub fn api_key(hash: &str) -> String {
    format!("APIKEY#{hash}")
}
pub const API_KEY_SK: &str = "APIKEY";
/// Every key's metadata shares one partition: `api-key list` is one Query
/// (operator-scale, a handful of items), `revoke <id>` one GetItem.
pub const API_KEYS: &str = "APIKEYS";
pub fn api_key_meta(id: &str) -> String {
    format!("KEY#{id}")
}

/// One-time code slot of a user (sort key in the user's partition): one
/// per purpose, so issuing a code replaces the previous one.
pub fn code_slot(purpose: &str) -> String {
    format!("CODE#{purpose}")
}
/// Pointer from a self-identifying code's hash to its slot (verify-email
/// and reset-password codes arrive without the user's identity).
pub fn code_pointer(hash: &str) -> String {
    format!("CODE#{hash}")
}
pub const CODE_SK: &str = "CODE";
/// Fixed-window rate-limit counter: `scope` and the SHA-256 of the subject
/// (an email address is never a key in clear); the sort key is the window.
pub fn rate_limit(scope: &str, subject_hash: &str) -> String {
    format!("RATE#{scope}#{subject_hash}")
}
pub fn rate_window(index: i64) -> String {
    format!("W#{index}")
}

/// One registered OAuth client.
pub fn oauth_client(client_id: &str) -> String {
    format!("OAUTH_CLIENT#{client_id}")
}
pub const OAUTH_CLIENT_SK: &str = "CLIENT";
/// GSI1 partition listing the OAuth clients (operator CLI).
pub const OAUTH_CLIENTS: &str = "OAUTH_CLIENTS";

/// An authorization code, by the hash of the code.
pub fn oauth_code(hash: &str) -> String {
    format!("OAUTH_CODE#{hash}")
}
pub const OAUTH_CODE_SK: &str = "CODE";

/// A refresh-token family (one authorization and all its rotations).
pub fn oauth_family(family_id: &str) -> String {
    format!("OAUTH_FAMILY#{family_id}")
}
pub const OAUTH_FAMILY_SK: &str = "FAMILY";

/// The refresh families a cookie session granted (by the session token's
/// hash), so ending the session ends what it issued.
pub fn session_grants(session_hash: &str) -> String {
    format!("SESSION_GRANTS#{session_hash}")
}
pub fn session_grant(family_id: &str) -> String {
    format!("FAMILY#{family_id}")
}

/// One message waiting for (or done with) delivery. The table's stream
/// feeds inserts of `sk = OUTBOX` to the notifier.
pub fn outbox(id: &str) -> String {
    format!("OUTBOX#{id}")
}
pub const OUTBOX_SK: &str = "OUTBOX";
/// GSI1 partition of outbox items still pending (sparse, sharded by the
/// id's first hex digit): the notifier's sweep.
pub fn outbox_pending(shard: char) -> String {
    format!("OUTBOX_PENDING#{shard}")
}

/// Search index entries (Users API search): one partition per first
/// character of the folded term, the term then the user in the sort key,
/// so a prefix query is one `begins_with` Query (`search_index.rs`).
pub fn search_partition(first: char) -> String {
    format!("SEARCH#{first}")
}
pub fn search_entry(term_key: &str, id: &UserId) -> String {
    format!("{term_key}#{id}")
}

/// A lifecycle job of a user (`JOB#<user>`): sort key `DELETE` (one
/// deletion at most) or `EXPORT` (one export at a time).
pub fn job(user: &UserId) -> String {
    format!("JOB#{user}")
}
/// GSI1 partition of the jobs not finished yet (the sweep's listing).
pub const JOBS: &str = "JOBS";
/// What stays of a deleted account (`TOMBSTONE#<id>` / `TOMBSTONE`): its
/// id and when, nothing else (docs/lifecycle.md).
pub fn tombstone(user: &UserId) -> String {
    format!("TOMBSTONE#{user}")
}
pub const TOMBSTONE_SK: &str = "TOMBSTONE";

/// A user's passkey in their partition (`USER#<id>`): what their list
/// pages through; the credential itself is its lookup item below.
pub fn user_passkey(credential_id: &str) -> String {
    format!("{USER_PASSKEY_PREFIX}{credential_id}")
}
pub const USER_PASSKEY_PREFIX: &str = "PASSKEY#";
/// A passkey by its credential id (base64url), the one item a username-less
/// sign-in reads: owner, public key, counter, flags (`PASSKEY#<id>` /
/// `PASSKEY`).
pub fn passkey(credential_id: &str) -> String {
    format!("PASSKEY#{credential_id}")
}
pub const PASSKEY_SK: &str = "PASSKEY";
/// A WebAuthn ceremony's server state by its challenge (base64url), taken
/// once (`WEBAUTHN#<challenge>` / `CEREMONY`), kept until its TTL.
pub fn ceremony(challenge: &str) -> String {
    format!("WEBAUTHN#{challenge}")
}
pub const CEREMONY_SK: &str = "CEREMONY";
