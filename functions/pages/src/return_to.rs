//! Where a completed sign-in goes: `return_to`, only when it is a path on
//! this origin (`/oauth/authorize?…`). Absolute URLs, scheme-relative
//! `//host`, backslashes (which browsers read as slashes), control
//! characters and anything not starting with one `/` fall back to
//! `/account`: no open redirect.

pub const DEFAULT: &str = "/account";

/// `raw` when it is a safe same-origin path, else [`DEFAULT`].
pub fn safe(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => DEFAULT.to_owned(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.len() <= 2048
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
        && !starts_with_encoded_slash(path)
}

/// `/%2f…` or `/%5c…`: a second slash or a backslash in disguise.
fn starts_with_encoded_slash(path: &str) -> bool {
    let head = path.get(1..4).unwrap_or_default().to_ascii_lowercase();
    head == "%2f" || head == "%5c"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_pass() {
        for ok in [
            "/oauth/authorize?client_id=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
            "/account",
            "/",
        ] {
            assert_eq!(safe(Some(ok)), ok, "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/%2f%2fevil.example",
            "/%5cevil.example",
            "/\tevil",
            "",
        ] {
            assert_eq!(safe(Some(bad)), DEFAULT, "{bad}");
        }
        assert_eq!(safe(None), DEFAULT);
    }
}
