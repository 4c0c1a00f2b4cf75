//! The platform as a client of the social networks it signs people in
//! with (docs/api/social-networks.md, "Signing in with a network"): each
//! network is a [`Provider`], OpenID Connect (discovery, the `id_token`
//! checked against the provider's JWKS) or plain OAuth 2.0 (a userinfo
//! URL and a claim mapping), built from a preset for the network's key and
//! the network's `settings`. [`flow`] makes the authorization request
//! (`state`, PKCE S256, `nonce`) and turns the callback into the
//! [`ExternalIdentity`] it proves; what the platform does with it is the
//! caller's business.

pub mod flow;
pub mod presets;

mod discovery;
mod error;
mod external;
mod id_token;
mod provider;
mod transport;

pub use error::FederationError;
pub use external::ExternalIdentity;
pub use provider::{names, ClaimMap, Protocol, Provider};
