//! The local stack's dummy credentials (scripts/env.sh) are only meaningful
//! with the emulator's endpoint. Without `AWS_ENDPOINT_URL` the SDK would
//! try real AWS with them: a DNS error offline, a signature error online.
//! Say what to set instead.

/// The access key id scripts/env.sh exports for the emulator.
const DUMMY_KEY_ID: &str = "testing";

/// `Err` with what to set when the dummy credentials come without an endpoint.
pub fn check(var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    let set = |name: &str| var(name).is_some_and(|v| !v.trim().is_empty());
    let dummy = var("AWS_ACCESS_KEY_ID").as_deref() == Some(DUMMY_KEY_ID);
    if dummy && !set("AWS_ENDPOINT_URL") && !set("AWS_ENDPOINT_URL_DYNAMODB") {
        return Err(format!(
            "AWS_ACCESS_KEY_ID is `{DUMMY_KEY_ID}`, the dummy credential of scripts/env.sh, \
             but AWS_ENDPOINT_URL is not set, so these calls would go to real AWS.\n\
             For the local stack, point the CLI at the emulator:\n  \
             export AWS_ENDPOINT_URL=http://127.0.0.1:5000   # the one `make dev` starts\n\
             For a real account, use its credentials instead of scripts/env.sh's."
        ));
    }
    Ok(())
}

/// With the dummy credentials, the emulator must answer at the endpoint:
/// say so plainly instead of the SDK's retries and dispatch error.
pub fn emulator_answers(var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    use std::time::Duration;
    if var("AWS_ACCESS_KEY_ID").as_deref() != Some(DUMMY_KEY_ID) {
        return Ok(());
    }
    let Some(url) = var("AWS_ENDPOINT_URL").filter(|u| !u.trim().is_empty()) else {
        return Ok(());
    };
    let Some(authority) = authority(&url) else {
        return Ok(());
    };
    let answers = authority
        .to_socket_addrs()
        .map(|mut addrs| {
            addrs.any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
        })
        .unwrap_or(false);
    if answers {
        Ok(())
    } else {
        Err(format!(
            "nothing answers at AWS_ENDPOINT_URL={url}: start the emulator \
             (`make dev`, or `make emulator` for it alone) or fix the URL"
        ))
    }
}

/// `host:port` of an http(s) URL (the port defaulted from the scheme).
fn authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let host = rest.split(['/', '?']).next()?;
    if host.is_empty() {
        return None;
    }
    if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        return Some(host.to_owned());
    }
    let port = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    Some(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::{authority, check};

    #[test]
    fn the_endpoint_authority_has_a_port() {
        assert_eq!(
            authority("http://127.0.0.1:5000").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(
            authority("http://localhost:5000/x").as_deref(),
            Some("localhost:5000")
        );
        assert_eq!(
            authority("https://dynamodb.example.com").as_deref(),
            Some("dynamodb.example.com:443")
        );
        assert_eq!(authority("not a url"), None);
    }

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn dummy_credentials_need_the_emulator_endpoint() {
        let err = check(env(&[("AWS_ACCESS_KEY_ID", "testing")])).unwrap_err();
        assert!(err.contains("export AWS_ENDPOINT_URL=http://127.0.0.1:5000"));
        let blank = [("AWS_ACCESS_KEY_ID", "testing"), ("AWS_ENDPOINT_URL", " ")];
        assert!(check(env(&blank)).is_err());
    }

    #[test]
    fn an_endpoint_or_real_credentials_pass() {
        let local = [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ];
        assert!(check(env(&local)).is_ok());
        assert!(check(env(&[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")])).is_ok());
        assert!(check(env(&[])).is_ok());
    }
}
