//! The country and city catalogue: ids with names, in one partition
//! (`CATALOGUE`), read by key, listed by one Query (CLI), seeded by
//! `platform bootstrap` and managed with `platform place …`.

use super::{keys, AppStore};
use serde::{Deserialize, Serialize};
use table::item::{key, to_item};
use table::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub id: u64,
    pub name: String,
    /// Cities only: the country they are in.
    #[serde(default)]
    pub country_id: Option<u64>,
}

/// A small real set: (id, name).
pub const SEED_COUNTRIES: &[(u64, &str)] = &[
    (1, "United States"),
    (2, "Spain"),
    (3, "Germany"),
    (4, "Mexico"),
    (5, "United Kingdom"),
];

/// (id, country id, name).
pub const SEED_CITIES: &[(u64, u64, &str)] = &[
    (1, 1, "New York"),
    (2, 1, "Los Angeles"),
    (3, 2, "Madrid"),
    (4, 2, "Barcelona"),
    (5, 3, "Berlin"),
    (6, 4, "Mexico City"),
    (7, 5, "London"),
];

fn sort_key(place: &Place) -> String {
    match place.country_id {
        Some(_) => keys::city(place.id),
        None => keys::country(place.id),
    }
}

impl AppStore<'_> {
    /// The country and the city a request names, read side by side.
    pub async fn places(
        &self,
        country: Option<u64>,
        city: Option<u64>,
    ) -> Result<(Option<Place>, Option<Place>), StoreError> {
        let read = |sk: Option<String>| async move {
            match sk {
                Some(sk) => {
                    self.table
                        .get_record::<Place>(key(keys::CATALOGUE.into(), &sk))
                        .await
                }
                None => Ok(None),
            }
        };
        let (a, b) = tokio::join!(read(country.map(keys::country)), read(city.map(keys::city)));
        Ok((a?, b?))
    }

    /// Adds or renames a country (`country_id: None`) or a city.
    pub async fn put_place(&self, place: &Place) -> Result<(), StoreError> {
        let mut item = to_item(place)?;
        item.extend(key(keys::CATALOGUE.into(), &sort_key(place)));
        self.table
            .client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// Removes a country (`city: false`) or a city; `false` when absent.
    pub async fn remove_place(&self, id: u64, city: bool) -> Result<bool, StoreError> {
        let sk = if city {
            keys::city(id)
        } else {
            keys::country(id)
        };
        let out = self
            .table
            .client()
            .delete_item()
            .table_name(self.name())
            .set_key(Some(key(keys::CATALOGUE.into(), &sk)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await?;
        Ok(out.attributes.is_some())
    }

    /// The whole catalogue (operator-scale: one Query, paged through).
    pub async fn list_places(&self) -> Result<Vec<Place>, StoreError> {
        self.table
            .partition_records(keys::CATALOGUE.to_owned())
            .await
    }

    /// Writes the entries of the seed set that are missing (what an
    /// operator renamed or removed stays so); returns how many it wrote.
    pub async fn seed_catalogue(&self) -> Result<usize, StoreError> {
        let countries = SEED_COUNTRIES.iter().map(|(id, name)| Place {
            id: *id,
            name: (*name).into(),
            country_id: None,
        });
        let cities = SEED_CITIES.iter().map(|(id, country, name)| Place {
            id: *id,
            name: (*name).into(),
            country_id: Some(*country),
        });
        let mut written = 0;
        for place in countries.chain(cities) {
            let mut item = to_item(&place)?;
            item.extend(key(keys::CATALOGUE.into(), &sort_key(&place)));
            let result = self
                .table
                .client()
                .put_item()
                .table_name(self.name())
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            match result {
                Ok(_) => written += 1,
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(written)
    }
}
