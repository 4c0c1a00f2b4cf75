//! Ids taken from a path.

/// A positive integer id from a path segment, else `None`: the surface
/// answers "no such resource" (404) rather than a parse error, so a path
/// reveals nothing about what ids look like.
pub fn path_id(raw: &str) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_decimal_integers_only() {
        assert_eq!(path_id("1"), Some(1));
        assert_eq!(path_id("007"), Some(7));
        for bad in [
            "",
            "0",
            "-1",
            "+1",
            "1.0",
            "x",
            "99999999999999999999",
            " 1",
        ] {
            assert_eq!(path_id(bad), None, "{bad}");
        }
    }
}
