//! Consent to OAuth clients, as use cases: whether a request needs the
//! user's consent, remembering it, the user's connected apps, and revoking
//! a client's access (the consent and every token the client holds).

use crate::AppState;
use domain::scopes::ScopeSet;
use domain::{time, Error, UserId};
use table::{Consent, OAuthClient};

/// Whether `client` may have `scopes` for `user` without asking: a
/// first-party client always; another when the user allowed at least these
/// scopes before. `prompt=consent` asks whatever was allowed.
pub async fn is_granted(
    state: &AppState,
    user: &UserId,
    client: &OAuthClient,
    scopes: &ScopeSet,
    prompt_consent: bool,
) -> Result<bool, Error> {
    if client.first_party {
        return Ok(true);
    }
    if prompt_consent {
        return Ok(false);
    }
    let consent = state.store.get_consent(user, &client.client_id).await?;
    Ok(consent.is_some_and(|c| scopes.is_subset_of(&ScopeSet::parse_lenient(&c.scope))))
}

/// Remembers that `user` allows `client` `scopes` (added to what was
/// allowed before). `false` if the user is gone.
pub async fn allow(
    state: &AppState,
    user: &UserId,
    client_id: &str,
    scopes: &ScopeSet,
) -> Result<bool, Error> {
    let before = state.store.get_consent(user, client_id).await?;
    let mut all: Vec<&str> = scopes.iter().collect();
    let earlier = before.map(|c| ScopeSet::parse_lenient(&c.scope));
    if let Some(earlier) = &earlier {
        all.extend(earlier.iter());
    }
    let consent = Consent {
        client_id: client_id.to_owned(),
        scope: ScopeSet::parse_lenient(&all.join(" ")).to_string(),
        granted_at: time::now_ms(),
    };
    Ok(state.store.put_consent(user, &consent).await?)
}

/// A client the user allowed, for the account page.
pub struct ConnectedApp {
    pub client_id: String,
    pub name: String,
    pub scopes: ScopeSet,
    pub granted_at: i64,
}

/// The user's connected apps, newest consent first (clients since deleted
/// are left out).
pub async fn connected_apps(state: &AppState, user: &UserId) -> Result<Vec<ConnectedApp>, Error> {
    let consents = state.store.consents(user).await?;
    let clients = futures::future::try_join_all(
        consents
            .iter()
            .map(|c| state.store.get_oauth_client(&c.client_id)),
    )
    .await?;
    let mut apps: Vec<ConnectedApp> = consents
        .into_iter()
        .zip(clients)
        .filter_map(|(consent, client)| {
            client.map(|client| ConnectedApp {
                client_id: consent.client_id,
                name: client.name,
                scopes: ScopeSet::parse_lenient(&consent.scope),
                granted_at: consent.granted_at,
            })
        })
        .collect();
    apps.sort_by_key(|a| std::cmp::Reverse(a.granted_at));
    Ok(apps)
}

/// Revokes `client`'s access for `user`: the consent is forgotten (the
/// next authorization asks again) and every refresh family the client
/// holds is revoked, with their access tokens.
pub async fn revoke(
    state: &AppState,
    attempt: &crate::gate::Attempt,
    user: &UserId,
    client_id: &str,
) -> Result<(), Error> {
    let families = state.store.forget_client(user, client_id).await?;
    let event = attempt
        .event(domain::audit::Kind::OauthAccessRevoked)
        .with("client_id", client_id);
    let (revoked, ()) = tokio::join!(
        state.store.revoke_refresh_families(&families),
        table::audit::record(&state.store, user, &event)
    );
    Ok(revoked?)
}
