//! Why a sign-in through a network did not prove anyone. Each is shown to
//! the person as a reason in words, never as a 500; none carries a token.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FederationError {
    /// The network's settings lack what its protocol needs.
    #[error("the network is not configured: {0}")]
    NotConfigured(String),
    /// The callback's `state` is not this browser's.
    #[error("the sign-in request does not match this browser")]
    StateMismatch,
    /// The provider answered the authorization with an error (the person
    /// declined, or the provider refused the request).
    #[error("the network refused the sign-in: {0}")]
    Denied(String),
    /// The callback names another issuer (RFC 9207), or the `id_token` does.
    #[error("the answer came from another issuer")]
    WrongIssuer,
    /// The `id_token` failed its checks (signature, audience, expiry).
    #[error("the network's identity token is not valid: {0}")]
    InvalidIdToken(String),
    #[error("the network's identity token is not for this sign-in")]
    NonceMismatch,
    /// The provider could not be reached or answered something unusable.
    #[error("the network could not be reached: {0}")]
    Unreachable(String),
    /// The answer proves no stable subject.
    #[error("the network did not say who signed in")]
    NoSubject,
}
