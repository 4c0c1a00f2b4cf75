//! App Users API operator commands: the operator-only `is_superuser`
//! flag, and the country / city catalogue (`platform place …`), which
//! `platform bootstrap` seeds with a small real set.

use app::store::{AppStore, Place};
use clap::Subcommand;
use table::Store;

#[derive(Subcommand)]
pub enum PlaceCommand {
    /// Every country and city.
    List,
    /// Add or rename a country.
    AddCountry {
        #[arg(long)]
        id: u64,
        #[arg(long)]
        name: String,
    },
    /// Add or rename a city of a country.
    AddCity {
        #[arg(long)]
        id: u64,
        #[arg(long)]
        country: u64,
        #[arg(long)]
        name: String,
    },
    RemoveCountry {
        #[arg(long)]
        id: u64,
    },
    RemoveCity {
        #[arg(long)]
        id: u64,
    },
}

fn name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err("a name is 1 to 100 characters".into());
    }
    Ok(name.to_owned())
}

pub async fn place(store: &Store, command: PlaceCommand) -> Result<String, String> {
    let places = AppStore::new(store);
    let err = |e: table::StoreError| e.to_string();
    match command {
        PlaceCommand::List => {
            let all = places.list_places().await.map_err(err)?;
            Ok(all
                .iter()
                .map(|p| match p.country_id {
                    Some(c) => format!("city {}\t{}\t(country {c})", p.id, p.name),
                    None => format!("country {}\t{}", p.id, p.name),
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        PlaceCommand::AddCountry { id, name: n } => {
            let place = Place {
                id,
                name: name(&n)?,
                country_id: None,
            };
            places.put_place(&place).await.map_err(err)?;
            Ok(format!("country {id} is {}", place.name))
        }
        PlaceCommand::AddCity {
            id,
            country,
            name: n,
        } => {
            let (found, _) = places.places(Some(country), None).await.map_err(err)?;
            found.ok_or_else(|| format!("no country {country}"))?;
            let place = Place {
                id,
                name: name(&n)?,
                country_id: Some(country),
            };
            places.put_place(&place).await.map_err(err)?;
            Ok(format!("city {id} is {} (country {country})", place.name))
        }
        PlaceCommand::RemoveCountry { id } | PlaceCommand::RemoveCity { id } if id == 0 => {
            Err("ids start at 1".into())
        }
        PlaceCommand::RemoveCountry { id } => {
            removed(places.remove_place(id, false).await, "country", id)
        }
        PlaceCommand::RemoveCity { id } => removed(places.remove_place(id, true).await, "city", id),
    }
}

fn removed(result: Result<bool, table::StoreError>, what: &str, id: u64) -> Result<String, String> {
    match result.map_err(|e| e.to_string())? {
        true => Ok(format!(
            "{what} {id} removed (users keep the id; it no longer validates)"
        )),
        false => Err(format!("no {what} {id}")),
    }
}

/// `platform superuser`: sets or clears the operator-only flag.
pub async fn superuser(
    store: &Store,
    username: Option<String>,
    id: Option<String>,
    off: bool,
) -> Result<String, String> {
    let target = crate::roles::target(store, username, id).await?;
    match AppStore::new(store).set_superuser(&target, !off).await {
        Ok(true) => Ok(format!("account {target}: is_superuser = {}", !off)),
        Ok(false) => Err(format!("no account with id {target}")),
        Err(e) => Err(e.to_string()),
    }
}

/// What `platform bootstrap` adds: the seed catalogue.
pub async fn seed(store: &Store) -> Result<String, String> {
    let n = AppStore::new(store)
        .seed_catalogue()
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("{n} catalogue places added"))
}
