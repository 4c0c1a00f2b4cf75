//! Growing lockouts after failed logins (Cognito-like): from the fifth
//! consecutive failure, 1 s doubling with each further failure, capped at
//! 15 minutes. A success resets the count.

pub const FREE_FAILURES: u32 = 4;
pub const MAX_LOCK_MS: i64 = 15 * 60 * 1000;

/// How long to lock after the `failures`-th consecutive failure.
pub fn lock_ms(failures: u32) -> Option<i64> {
    if failures <= FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES - 1).min(20);
    Some((1000i64 << doublings).min(MAX_LOCK_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule() {
        assert_eq!(lock_ms(4), None);
        assert_eq!(lock_ms(5), Some(1000));
        assert_eq!(lock_ms(6), Some(2000));
        assert_eq!(lock_ms(10), Some(32_000));
        assert_eq!(lock_ms(15), Some(MAX_LOCK_MS));
        assert_eq!(lock_ms(u32::MAX), Some(MAX_LOCK_MS));
    }
}
