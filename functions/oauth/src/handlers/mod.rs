pub mod authorize;
pub mod jwks;
pub mod metadata;
pub mod revoke;
pub mod token;
mod token_code;
mod token_refresh;
pub mod userinfo;
