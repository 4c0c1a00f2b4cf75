//! `platform oauth-client create|list|update|delete`: the OAuth clients
//! allowed to ask users for access (redirect URIs matched exactly, allowed
//! scopes).

use crate::output::{one, Outcome};
use clap::{Subcommand, ValueEnum};
use domain::scopes::ScopeSet;
use oauth::registration;
use serde_json::json;
use table::{ClientType, OAuthClient, Store};

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Cannot keep a secret (SPA, mobile, CLI): PKCE S256 is required.
    Public,
    /// Has a secret for the token endpoint.
    Confidential,
}

#[derive(Subcommand)]
pub enum OAuthClientCommand {
    /// Register a client; prints its client_id (and, once, its secret).
    Create {
        /// What the client is (shown on consent and by `list`), 1 to 100 characters.
        #[arg(long)]
        name: String,
        /// public (PKCE, no secret) or confidential (a secret for the token endpoint).
        #[arg(long = "type", value_enum)]
        kind: Kind,
        /// Exact redirect URI (repeatable).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Allowed scopes, space- or comma-separated (repeatable).
        #[arg(long, required = true)]
        scopes: Vec<String>,
        /// The operator's own app: the hosted pages ask the user no consent.
        #[arg(long)]
        first_party: bool,
        /// Where RP-initiated logout (`/oauth/logout`) may send the browser
        /// afterwards: exact URI (repeatable).
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// An image file (PNG, JPEG, WebP or SVG, at most 32 KiB): the
        /// client's logo on the consent page.
        #[arg(long = "logo-file")]
        logo_file: Option<std::path::PathBuf>,
    },
    /// Every client (never a secret).
    List,
    /// Change a client's name, redirect URIs or scopes; what is not given
    /// stays. Redirect URIs and scopes given replace the old lists whole.
    Update(UpdateArgs),
    /// Remove a client: its codes and refresh tokens stop working at once.
    /// `platform oauth-client delete <client_id>` (or `--client-id <client_id>`).
    Delete {
        /// The client to delete.
        #[arg(value_name = "CLIENT_ID", required_unless_present = "client_id_flag")]
        client_id: Option<String>,
        /// The same, as an option (the older form).
        #[arg(
            long = "client-id",
            value_name = "CLIENT_ID",
            conflicts_with = "client_id"
        )]
        client_id_flag: Option<String>,
    },
}

/// `oauth-client update`: each option replaces one setting.
#[derive(clap::Args)]
pub struct UpdateArgs {
    /// The client to change.
    #[arg(value_name = "CLIENT_ID")]
    client_id: String,
    /// A new name, 1 to 100 characters.
    #[arg(long)]
    name: Option<String>,
    /// The exact redirect URIs, replacing the old ones (repeatable).
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// The allowed scopes, replacing the old ones; space- or comma-separated (repeatable).
    #[arg(long)]
    scopes: Vec<String>,
    /// A new logo for the consent page (PNG, JPEG, WebP or SVG, at most 32 KiB).
    #[arg(long = "logo-file")]
    logo_file: Option<std::path::PathBuf>,
}

/// A logo file's name and bytes.
fn read_logo(path: &std::path::Path) -> Result<(String, Vec<u8>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("--logo-file {}: {e}", path.display()))?;
    Ok((path.to_string_lossy().into_owned(), bytes))
}

/// Scope arguments as one list: each may hold several, space- or comma-separated.
fn scope_list(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .flat_map(|s| s.split([' ', ',']))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A client as every command shows it (never its secret's hash).
fn view(c: &OAuthClient) -> serde_json::Value {
    json!({
        "client_id": c.client_id, "name": c.name, "type": c.client_type.as_str(),
        "redirect_uris": c.redirect_uris, "scopes": c.scopes, "created_at_ms": c.created_at,
        "first_party": c.first_party, "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "has_logo": c.logo.is_some(),
    })
}

/// Applies the changes to the stored client, checked by the rules
/// registration checks them by.
async fn update(store: &Store, args: UpdateArgs) -> Outcome {
    let err = |e: table::StoreError| e.to_string();
    let mut client = store
        .get_oauth_client(&args.client_id)
        .await
        .map_err(err)?
        .ok_or_else(|| format!("no client {}", args.client_id))?;
    let nothing = args.name.is_none() && args.redirect_uris.is_empty() && args.scopes.is_empty();
    if nothing && args.logo_file.is_none() {
        return Err(
            "nothing to change: give --name, --redirect-uri, --scopes or --logo-file".into(),
        );
    }
    if let Some(path) = &args.logo_file {
        let (name, bytes) = read_logo(path)?;
        client.logo = Some(registration::logo_data_url(&name, &bytes).map_err(|e| e.to_string())?);
    }
    if let Some(name) = args.name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("--name must be 1 to 100 characters".into());
        }
        client.name = name.to_owned();
    }
    if !args.redirect_uris.is_empty() {
        client.redirect_uris = args
            .redirect_uris
            .iter()
            .map(|u| registration::check_redirect_uri(u))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
    }
    if !args.scopes.is_empty() {
        let scopes =
            ScopeSet::parse(&scope_list(&args.scopes).join(" ")).map_err(|e| e.to_string())?;
        if scopes.is_empty() {
            return Err("at least one scope is required".into());
        }
        client.scopes = scopes.to_string();
    }
    match store.replace_oauth_client(&client).await.map_err(err)? {
        true => one(view(&client)),
        false => Err(format!("no client {}", args.client_id)),
    }
}

pub async fn run(store: &Store, command: OAuthClientCommand) -> Outcome {
    match command {
        OAuthClientCommand::Create {
            name,
            kind,
            redirect_uris,
            scopes,
            first_party,
            post_logout_redirect_uris,
            logo_file,
        } => {
            let scopes = scope_list(&scopes);
            let client_type = match kind {
                Kind::Public => ClientType::Public,
                Kind::Confidential => ClientType::Confidential,
            };
            let options = registration::Options {
                first_party,
                post_logout_redirect_uris,
                logo: logo_file.as_deref().map(read_logo).transpose()?,
            };
            let r = registration::register_with(
                store,
                &name,
                client_type,
                &redirect_uris,
                &scopes,
                options,
            )
            .await
            .map_err(|e| e.to_string())?;
            let mut out = view(&r.client);
            if let Some(secret) = r.secret {
                out["client_secret"] = secret.into();
                eprintln!("note: the secret is shown only now; only its hash is stored");
            }
            one(out)
        }
        OAuthClientCommand::List => {
            let clients = store
                .list_oauth_clients()
                .await
                .map_err(|e| e.to_string())?;
            Ok(clients.iter().map(view).collect())
        }
        OAuthClientCommand::Update(args) => update(store, args).await,
        OAuthClientCommand::Delete {
            client_id,
            client_id_flag,
        } => {
            let client_id = client_id.or(client_id_flag).unwrap_or_default();
            match store.delete_oauth_client(&client_id).await {
                Ok(true) => one(json!({ "client_id": client_id, "deleted": true })),
                Ok(false) => Err(format!("no client {client_id}")),
                Err(e) => Err(e.to_string()),
            }
        }
    }
}
