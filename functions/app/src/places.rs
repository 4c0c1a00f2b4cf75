//! Countries and cities as requests name them: ids checked against the
//! catalogue, which each process caches for a minute (operator-managed and
//! small: a change from the CLI shows within 60 s, and a warm function
//! validates a sign-up or a profile edit without a read).

use crate::store::{AppStore, Place};
use domain::Error;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use table::{Store, StoreError};

const FRESH_FOR: Duration = Duration::from_secs(60);

type Cached = (Instant, Arc<Vec<Place>>);

fn cache() -> &'static Mutex<HashMap<String, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Cached>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The catalogue of `store`'s table (one Query when the cache is cold).
pub async fn catalogue(store: &Store) -> Result<Arc<Vec<Place>>, StoreError> {
    let name = store.table().to_owned();
    if let Some((at, places)) = cache().lock().expect("not poisoned").get(&name) {
        if at.elapsed() < FRESH_FOR {
            return Ok(places.clone());
        }
    }
    let places = Arc::new(AppStore::new(store).list_places().await?);
    cache()
        .lock()
        .expect("not poisoned")
        .insert(name, (Instant::now(), places.clone()));
    Ok(places)
}

pub fn country(places: &[Place], id: u64) -> Option<&Place> {
    places.iter().find(|p| p.id == id && p.country_id.is_none())
}

pub fn city(places: &[Place], id: u64) -> Option<&Place> {
    places.iter().find(|p| p.id == id && p.country_id.is_some())
}

/// Checks a (country, city) choice; a city needs its country (given, or
/// `current` when only the city changes).
pub fn check(
    places: &[Place],
    country_id: Option<u64>,
    city_id: Option<u64>,
    current: Option<u64>,
) -> Result<(), Error> {
    if let Some(id) = country_id {
        country(places, id)
            .ok_or_else(|| Error::invalid("country", "is not a known country id"))?;
    }
    if let Some(id) = city_id {
        let found =
            city(places, id).ok_or_else(|| Error::invalid("city", "is not a known city id"))?;
        if found.country_id != country_id.or(current) {
            return Err(Error::invalid("city", "is not in the chosen country"));
        }
    }
    Ok(())
}
