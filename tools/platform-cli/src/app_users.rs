//! App Users API operator commands: the operator-only `is_superuser`
//! flag, and the country / city catalogue (`platform place …`), which
//! `platform bootstrap` seeds with a small real set.

use crate::output::{one, Outcome};
use app::store::{AppStore, Place};
use clap::Subcommand;
use serde_json::json;
use table::Store;

#[derive(Subcommand)]
pub enum PlaceCommand {
    /// Every country and city.
    List,
    /// Add or rename a country.
    AddCountry {
        /// The country's id (from 1).
        #[arg(long)]
        id: u64,
        /// Its name, 1 to 100 characters.
        #[arg(long)]
        name: String,
    },
    /// Add or rename a city of a country.
    AddCity {
        /// The city's id (from 1).
        #[arg(long)]
        id: u64,
        /// The id of its country (which must exist).
        #[arg(long)]
        country: u64,
        /// Its name, 1 to 100 characters.
        #[arg(long)]
        name: String,
    },
    /// Remove a country (users keep the id; it no longer validates).
    RemoveCountry {
        /// The country's id.
        #[arg(long)]
        id: u64,
    },
    /// Remove a city (users keep the id; it no longer validates).
    RemoveCity {
        /// The city's id.
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

pub async fn place(store: &Store, command: PlaceCommand) -> Outcome {
    let places = AppStore::new(store);
    let err = |e: table::StoreError| e.to_string();
    match command {
        PlaceCommand::List => {
            let all = places.list_places().await.map_err(err)?;
            Ok(all.iter().map(view).collect())
        }
        PlaceCommand::AddCountry { id, name: n } => {
            let place = Place {
                id,
                name: name(&n)?,
                country_id: None,
            };
            places.put_place(&place).await.map_err(err)?;
            one(view(&place))
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
            one(view(&place))
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

fn view(place: &Place) -> serde_json::Value {
    match place.country_id {
        Some(country) => {
            json!({"kind": "city", "id": place.id, "name": place.name, "country": country})
        }
        None => json!({"kind": "country", "id": place.id, "name": place.name}),
    }
}

fn removed(result: Result<bool, table::StoreError>, what: &str, id: u64) -> Outcome {
    match result.map_err(|e| e.to_string())? {
        true => one(json!({"kind": what, "id": id, "removed": true})),
        false => Err(format!("no {what} {id}")),
    }
}

/// `platform superuser`: sets or clears the operator-only flag.
pub async fn superuser(
    store: &Store,
    username: Option<String>,
    id: Option<String>,
    off: bool,
) -> Outcome {
    let target = crate::roles::target(store, username, id).await?;
    match AppStore::new(store).set_superuser(&target, !off).await {
        Ok(true) => one(json!({"_id": target.as_str(), "is_superuser": !off})),
        Ok(false) => Err(format!("no account with id {target}")),
        Err(e) => Err(e.to_string()),
    }
}

/// What `platform bootstrap` adds: the seed catalogue; how many places.
pub async fn seed(store: &Store) -> Result<usize, String> {
    AppStore::new(store)
        .seed_catalogue()
        .await
        .map_err(|e| e.to_string())
}
