//! Key formats of the Users API's social items (docs/data-model.md). The
//! strings are the stored data's: never change one without migrating.

use domain::UserId;
use table::item::{key, Item};
use table::keys::{user, USER_SK};

/// The follow entry of `source` following `target`, in the follower's
/// partition: one entry per pair, found by the pair without an index.
pub fn follow_entry(source: &UserId, target: &UserId) -> Item {
    key(user(source), &table::keys::follows(target))
}
/// Pointer from an entry's `_id` to its pair (accept / delete by id).
pub fn follow_pointer(entry_id: &str) -> Item {
    key(format!("FOLLOW#{entry_id}"), "FOLLOW")
}
/// GSI1 partition of a user's approved followers; the sort key is the
/// entry id (time-ordered), so a page is a keyset range.
pub fn followers_of(target: &UserId) -> String {
    format!("FOLLOWERS#{target}")
}
/// GSI1 partition of a user's pending follow requests.
pub fn requests_of(target: &UserId) -> String {
    format!("REQUESTS#{target}")
}
/// GSI2 partition of whom a user follows (approved entries only).
pub fn following_of(source: &UserId) -> String {
    format!("FOLLOWING#{source}")
}
/// `blocker` blocks `blocked`, in the blocker's partition.
pub fn block(blocker: &UserId, blocked: &UserId) -> Item {
    key(user(blocker), &table::keys::blocks(blocked))
}
/// GSI2 partition of the blocks placed on a user (what its deletion
/// removes from the blockers' partitions).
pub fn blocked_by(blocked: &UserId) -> String {
    format!("BLOCKEDBY#{blocked}")
}
/// GSI2 partition of the invite code a user signed up with.
pub fn redeemed_by(user: &UserId) -> String {
    format!("REDEEMEDBY#{user}")
}
/// The user item.
pub fn user_key(id: &UserId) -> Item {
    key(user(id), USER_SK)
}
/// The list of a user's invite codes, written once (its existence is the
/// proof that the codes were minted).
pub fn invite_list(owner: &UserId) -> Item {
    key(user(owner), table::keys::INVITES_SK)
}
/// One invite code (upper case), found by the code at sign-up.
pub fn invite_code(code: &str) -> Item {
    key(format!("INVITE#{code}"), "INVITE")
}
/// A user's follower counter, sharded (`table::sharded`): a crowd following
/// one account writes these items, never the user item. Each shard also
/// mirrors the user's `is_private`, the condition an approved follow
/// checks on the shard it writes (docs/decisions.md, "Sharded counters").
pub const FOLLOWERS: table::sharded::Sharded = table::sharded::Sharded::new("FOLLOWCOUNT", 8);
/// The followers attribute of a shard.
pub const FOLLOWERS_ATTR: &str = "followers";
