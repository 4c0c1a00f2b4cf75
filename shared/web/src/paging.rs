//! A list's page size, as the Users API's lists read it: `limit`, an
//! integer from 1 to 100, `default` when absent or empty.

use domain::Error;

pub const MAX_LIMIT: usize = 100;

/// The page size asked for, or why it is not one.
pub fn page_limit(raw: Option<&str>, default: usize) -> Result<usize, Error> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| Error::invalid("limit", "must be an integer from 1 to 100")),
    }
}

#[cfg(test)]
mod tests {
    use super::page_limit;

    #[test]
    fn limits_are_one_to_a_hundred() {
        assert_eq!(page_limit(None, 20).unwrap(), 20);
        assert_eq!(page_limit(Some(""), 20).unwrap(), 20);
        assert_eq!(page_limit(Some("100"), 20).unwrap(), 100);
        for bad in ["0", "101", "-1", "x", "1.5"] {
            assert_eq!(
                page_limit(Some(bad), 20).unwrap_err().field.as_deref(),
                Some("limit")
            );
        }
    }
}
