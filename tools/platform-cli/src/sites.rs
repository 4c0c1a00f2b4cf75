//! `platform site …`: the Sites API has no "create site"; operators create
//! sites with their first admin and manage members and admins here.

use crate::output::{one, Outcome};
use clap::Subcommand;
use domain::{User, Username, UsernameRule};
use identity::Config;
use serde_json::json;
use sites::model::{SiteRole, SiteType};
use sites::store::{MemberError, SiteRecord, SitesStore};
use table::Store;

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Create a site with its first admin; prints the site.
    Create {
        /// The site's title, 1 to 255 characters.
        #[arg(long)]
        title: String,
        /// lander, community or shop
        #[arg(long = "type")]
        site_type: String,
        /// The site's own address (http or https).
        #[arg(long)]
        url: String,
        /// An http(s) URL of its logo.
        #[arg(long)]
        logo_url: Option<String>,
        /// Username of the site's first admin.
        #[arg(long)]
        admin: String,
    },
    /// Every site, by id, with its member and invitation counts.
    List,
    /// Delete a site: its members leave (their counts move), its
    /// invitations and links stop working. Rerun it if it stops half-way.
    Delete {
        /// The site's id.
        #[arg(value_name = "SITE_ID")]
        site: u64,
    },
    /// Add a user to a site, as a member (or an admin with --admin).
    AddMember {
        /// The site's id.
        #[arg(long)]
        site: u64,
        /// The user to add.
        #[arg(long)]
        username: String,
        /// As an admin of the site.
        #[arg(long)]
        admin: bool,
    },
    /// Remove a user from a site.
    RemoveMember {
        /// The site's id.
        #[arg(long)]
        site: u64,
        /// The member to remove.
        #[arg(long)]
        username: String,
    },
    /// Make a member an admin (with --revoke, a plain member again).
    SetAdmin {
        /// The site's id.
        #[arg(long)]
        site: u64,
        /// The member whose role changes.
        #[arg(long)]
        username: String,
        /// Make the admin a plain member again.
        #[arg(long)]
        revoke: bool,
    },
}

fn text(value: &str, what: &str) -> Result<String, String> {
    let n = value.chars().count();
    if value.trim().is_empty() || n > 255 || value.chars().any(char::is_control) {
        return Err(format!("{what} must be 1 to 255 characters"));
    }
    Ok(value.to_owned())
}

fn http_url(value: &str, what: &str) -> Result<String, String> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() <= 2048
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| value.to_owned())
        .ok_or_else(|| format!("{what} must be an http(s) URL"))
}

async fn user(store: &Store, name: &str) -> Result<User, String> {
    let name = Username::parse(name, UsernameRule::LOOKUP).map_err(|e| format!("username {e}"))?;
    let id = store
        .username_owner(&name.key())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account named {}", name.as_str()))?;
    store
        .get_user(&id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account named {}", name.as_str()))
}

async fn site(store: &SitesStore<'_>, id: u64) -> Result<SiteRecord, String> {
    store
        .site(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no site {id}"))
}

fn failed(e: MemberError) -> String {
    e.to_string()
}

async fn create(
    store: &Store,
    config: &Config,
    title: &str,
    site_type: &str,
    url: &str,
    logo_url: Option<String>,
    admin: &str,
) -> Outcome {
    let sites = SitesStore::new(store);
    let kind = SiteType::parse(site_type).ok_or("type must be lander, community or shop")?;
    let title = text(title, "title")?;
    let url = http_url(url, "url")?;
    let logo_url = logo_url.map(|l| http_url(&l, "logo-url")).transpose()?;
    let admin = user(store, admin).await?;
    let record = SiteRecord {
        id: sites.next_site_id().await.map_err(|e| e.to_string())?,
        title,
        site_type: kind,
        url,
        logo_url,
        created_at: domain::time::now(),
        owner_uid: admin.seq,
        members_count: 1,
        invitations_count: 0,
    };
    sites.create_site(&record, &admin).await.map_err(failed)?;
    let mut shown = view(config, &record);
    shown["admin"] = admin.username.into();
    one(shown)
}

/// A site as every command shows it.
fn view(config: &Config, record: &SiteRecord) -> serde_json::Value {
    json!({
        "id": record.id,
        "title": record.title,
        "type": record.site_type.as_str(),
        "url": record.url,
        "logo_url": record.logo_url.clone().unwrap_or_default(),
        "target_resource_uri": sites::target_resource_uri(config, record.id),
        "create_time": record.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "members_count": record.members_count,
        "invitations_count": record.invitations_count,
        "owner_uid": record.owner_uid,
    })
}

/// A membership change as the member commands show it.
fn member_view(site: u64, user: &User, role: Option<SiteRole>) -> Outcome {
    one(json!({
        "site": site,
        "username": user.username,
        "role": role.map(SiteRole::as_str),
    }))
}

pub async fn run(store: &Store, config: &Config, command: SiteCommand) -> Outcome {
    let sites = SitesStore::new(store);
    match command {
        SiteCommand::Create {
            title,
            site_type,
            url,
            logo_url,
            admin,
        } => create(store, config, &title, &site_type, &url, logo_url, &admin).await,
        SiteCommand::List => {
            let all = sites.all_sites().await.map_err(|e| e.to_string())?;
            Ok(all.iter().map(|s| view(config, s)).collect())
        }
        SiteCommand::Delete { site: id } => match sites.delete_site(id).await.map_err(failed)? {
            Some(members) => one(json!({ "id": id, "deleted": true, "members_removed": members })),
            None => Err(format!("no site {id}")),
        },
        SiteCommand::AddMember {
            site: id,
            username,
            admin,
        } => {
            let (record, user) = (site(&sites, id).await?, user(store, &username).await?);
            let role = if admin {
                SiteRole::Admin
            } else {
                SiteRole::Member
            };
            sites
                .add_member(&record, &user, role)
                .await
                .map_err(failed)?;
            member_view(id, &user, Some(role))
        }
        SiteCommand::RemoveMember { site: id, username } => {
            let user = user(store, &username).await?;
            let member = sites
                .membership(id, &user.id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{} is not a member of site {id}", user.username))?;
            sites.remove_member(&member).await.map_err(failed)?;
            member_view(id, &user, None)
        }
        SiteCommand::SetAdmin {
            site: id,
            username,
            revoke,
        } => {
            let user = user(store, &username).await?;
            let member = sites
                .membership(id, &user.id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{} is not a member of site {id}", user.username))?;
            let role = if revoke {
                SiteRole::Member
            } else {
                SiteRole::Admin
            };
            sites.set_role(&member, role).await.map_err(failed)?;
            member_view(id, &user, Some(role))
        }
    }
}
