//! Writes of a user's app settings, each guarded by the session asking
//! (`SESSION_GUARD`). Those that move statistics (sex, birth date,
//! categories) carry the counters' deltas in the same transaction and a
//! condition that the facts counted are still the ones read (the item's
//! `stats_fp`), so two racing updates of one user never count twice: the
//! loser reads again and retries.

use super::setting::{attributes_of, Setting};
use super::{session_dead, AppStore};
use crate::stats::{birth_counter, category_counter, sex_counter};
use aws_sdk_dynamodb::types::{AttributeValue, Put, Update};
use domain::{Error, User, UserId};
use std::collections::BTreeMap;
use table::contention::{backoff, exhausted, ATTEMPTS};
use table::guard::Holder;
use table::item::s;
use table::{StoreError, TokenRecord, TxError};

/// The facts of a user that statistics count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub sex: Option<String>,
    pub birth_year: Option<i32>,
    pub categories: Vec<String>,
}

impl Facts {
    pub fn of(user: &User) -> Self {
        Self {
            sex: user.sex.clone(),
            birth_year: user
                .birth_date
                .as_deref()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse().ok()),
            categories: user.categories.clone(),
        }
    }

    /// What the item's `stats_fp` holds once these facts are counted.
    fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}",
            self.sex.as_deref().unwrap_or(""),
            self.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            self.categories.join(",")
        )
    }

    fn counters(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .categories
            .iter()
            .map(|c| category_counter(c))
            .collect();
        out.extend(self.sex.as_deref().map(sex_counter));
        out.extend(self.birth_year.map(birth_counter));
        out
    }

    /// Counter changes from `self` to `new`.
    pub fn delta(&self, new: &Facts) -> BTreeMap<String, i64> {
        let mut delta = BTreeMap::new();
        for c in self.counters() {
            *delta.entry(c).or_insert(0) -= 1;
        }
        for c in new.counters() {
            *delta.entry(c).or_insert(0) += 1;
        }
        delta.retain(|_, d| *d != 0);
        delta
    }
}

/// Settings to write on the user and further items to write with them.
#[derive(Default)]
pub struct SettingsWrite {
    pub settings: Vec<Setting>,
    pub extra: Vec<Put>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    /// Banned, voided, gone, or its counted facts changed meanwhile.
    User,
    /// A further item under a fresh random key collided.
    Extra,
}

/// `#s<i> = :s<i>` for each set, with its names and values.
fn placeholders(sets: &[(&'static str, AttributeValue)]) -> (Vec<String>, Names, Values) {
    let mut assignments = Vec::new();
    let (mut names, mut values) = (Names::new(), Values::new());
    for (i, (name, value)) in sets.iter().enumerate() {
        assignments.push(format!("#s{i} = :s{i}"));
        names.insert(format!("#s{i}"), name.to_string());
        values.insert(format!(":s{i}"), value.clone());
    }
    (assignments, names, values)
}

type Names = std::collections::HashMap<String, String>;
type Values = std::collections::HashMap<String, AttributeValue>;

impl AppStore<'_> {
    fn user_update(
        &self,
        user: &UserId,
        session: &TokenRecord,
        sets: &[(&'static str, AttributeValue)],
        fingerprints: Option<(String, String)>,
    ) -> Result<Update, StoreError> {
        let mut update = Update::builder().table_name(self.name());
        let (mut assignments, names, values) = placeholders(sets);
        update = update
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values));
        let mut condition = None;
        if let Some((old, new)) = fingerprints {
            assignments.push("stats_fp = :new_fp".into());
            condition = Some(if old == Facts::default().fingerprint() {
                "attribute_not_exists(stats_fp) OR stats_fp = :old_fp"
            } else {
                "stats_fp = :old_fp"
            });
            update = update
                .expression_attribute_values(":old_fp", s(old))
                .expression_attribute_values(":new_fp", s(new));
        }
        debug_assert_eq!(user, &session.user_id);
        Ok(Holder::of(session)
            .guard(update, condition)
            .update_expression(format!("SET {}", assignments.join(", ")))
            .build()?)
    }

    /// One guarded write of the user's own settings (no read first).
    pub async fn set_guarded(
        &self,
        session: &TokenRecord,
        settings: &[Setting],
    ) -> Result<(), Error> {
        self.set_attributes(session, &attributes_of(settings)).await
    }

    async fn set_attributes(
        &self,
        session: &TokenRecord,
        sets: &[(&'static str, AttributeValue)],
    ) -> Result<(), Error> {
        let user = &session.user_id;
        let update = self.user_update(user, session, sets, None)?;
        match self
            .table
            .transaction::<Tag>()
            .update_if(Tag::User, update)
            .commit()
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Tag::User) => Err(session_dead()),
            Err(e) => Err(e.into_store_error().into()),
        }
    }

    /// Writes what `build` makes of the user as read, with the statistics'
    /// deltas, in one transaction; after a lost race (the user's counted
    /// facts changed, or a counter shard was busy) reads the user again
    /// and retries, a bounded number of times.
    pub async fn save_with_stats(
        &self,
        session: &TokenRecord,
        mut user: User,
        build: impl Fn(&User) -> Result<(SettingsWrite, Facts), Error>,
    ) -> Result<User, Error> {
        for attempt in 1..=ATTEMPTS {
            let (write, facts) = build(&user)?;
            let old = Facts::of(&user);
            let fingerprints = Some((old.fingerprint(), facts.fingerprint()));
            let mut tx = self.table.transaction::<Tag>().update_if(
                Tag::User,
                self.user_update(
                    &user.id,
                    session,
                    &attributes_of(&write.settings),
                    fingerprints,
                )?,
            );
            if let Some(counters) = self.stats_update(&old.delta(&facts))? {
                tx = tx.update(counters);
            }
            for put in write.extra {
                tx = match put.condition_expression() {
                    Some(_) => tx.put_if(Tag::Extra, put),
                    None => tx.put(put),
                };
            }
            match tx.commit().await {
                Ok(()) => return Ok(user),
                Err(TxError::Failed(tags)) if tags.contains(&Tag::User) => {}
                Err(TxError::Store(StoreError::Unavailable(_))) => {}
                Err(e) => return Err(e.into_store_error().into()),
            }
            if attempt == ATTEMPTS {
                break;
            }
            backoff(attempt).await;
            let fresh = self.table.get_user(&user.id).await?;
            user = identity::check_holder(fresh, session).map_err(|_| session_dead())?;
        }
        Err(exhausted("app settings").into())
    }
}

impl AppStore<'_> {
    /// Sets some of the seven notification settings, leaving the others
    /// (one guarded write). A user item from before the settings existed
    /// has no map to set into: it gets the whole map, read first.
    pub async fn set_notification_settings(
        &self,
        session: &TokenRecord,
        changes: &[(&'static str, bool)],
    ) -> Result<(), Error> {
        let mut update = Update::builder()
            .table_name(self.name())
            .expression_attribute_names("#m", "notification_settings");
        let mut assignments = Vec::new();
        for (i, (code, on)) in changes.iter().enumerate() {
            assignments.push(format!("#m.#k{i} = :v{i}"));
            update = update
                .expression_attribute_names(format!("#k{i}"), *code)
                .expression_attribute_values(format!(":v{i}"), AttributeValue::Bool(*on));
        }
        let update = Holder::of(session)
            .guard(update, Some("attribute_exists(#m)"))
            .update_expression(format!("SET {}", assignments.join(", ")))
            .build()
            .map_err(StoreError::from)?;
        match self
            .table
            .transaction::<Tag>()
            .update_if(Tag::User, update)
            .commit()
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Tag::User) => self.settings_without_map(session, changes).await,
            Err(e) => Err(e.into_store_error().into()),
        }
    }

    async fn settings_without_map(
        &self,
        session: &TokenRecord,
        changes: &[(&'static str, bool)],
    ) -> Result<(), Error> {
        let fresh = self.table.get_user(&session.user_id).await?;
        let user = identity::check_holder(fresh, session).map_err(|_| session_dead())?;
        let mut all = user.notification_settings.clone();
        for (code, on) in changes {
            all.insert(code.to_string(), *on);
        }
        let map = all
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::Bool(v)))
            .collect();
        self.set_attributes(
            session,
            &[("notification_settings", AttributeValue::M(map))],
        )
        .await
    }
}
