//! `platform webhook …`: the endpoints signed webhooks are delivered to,
//! their deliveries, and replays. The same rules and writes as the
//! `/api/webhooks` API (webhooks::manage). A secret is printed once, at
//! `add` and `rotate`.

use crate::output::{one, Outcome};
use clap::Subcommand;
use domain::sealed::KeyWrap;
use serde_json::Value;
use table::Store;
use webhooks::manage::{self, EndpointRequest};
use webhooks::settings::Settings;
use webhooks::store::{DeliveryRecord, EndpointRecord, WebhooksStore};

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Register an endpoint; prints it with its signing `secret` (shown once).
    Add {
        /// Where deliveries are POSTed (https; http to loopback locally).
        #[arg(long)]
        url: String,
        /// Comma-separated event types (docs/webhooks.md), or `*` for all.
        #[arg(long)]
        events: String,
        /// A note for operators.
        #[arg(long)]
        description: Option<String>,
        /// Register it disabled (nothing is delivered until enabled).
        #[arg(long)]
        disabled: bool,
    },
    /// List every endpoint.
    List,
    /// Show one endpoint.
    Show {
        /// The endpoint's id (from `list`).
        id: String,
    },
    /// Change an endpoint's URL, events, description or state.
    Update {
        /// The endpoint's id.
        id: String,
        /// The new URL.
        #[arg(long)]
        url: Option<String>,
        /// The new comma-separated event types.
        #[arg(long)]
        events: Option<String>,
        /// The new description.
        #[arg(long)]
        description: Option<String>,
        /// Enable (true) or disable (false) deliveries.
        #[arg(long)]
        enabled: Option<bool>,
    },
    /// Delete an endpoint (its pending deliveries then fail).
    Delete {
        /// The endpoint's id.
        id: String,
    },
    /// A new signing secret (shown once); the old one signs too for 24 hours.
    Rotate {
        /// The endpoint's id.
        id: String,
    },
    /// An endpoint's deliveries, oldest first.
    Deliveries {
        /// The endpoint's id.
        id: String,
        /// How many at most.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Deliver again: one delivery by id, or with --failed every delivery
    /// that failed for good since --since. The sweep attempts them at once.
    Replay {
        /// The delivery's id (its webhook-id, `msg_…`).
        #[arg(required_unless_present = "failed", conflicts_with = "failed")]
        delivery_id: Option<String>,
        /// Every delivery that failed for good (with --since).
        #[arg(long, requires = "since")]
        failed: bool,
        /// RFC 3339 instant, e.g. 2026-12-01T00:00:00Z.
        #[arg(long)]
        since: Option<String>,
    },
}

fn events(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect()
}

fn shown(record: &EndpointRecord, secret: Option<&webhooks::signing::Secret>) -> Value {
    let mut view = manage::endpoint_view(record);
    if let Some(secret) = secret {
        eprintln!("note: store the secret now: it is not shown again");
        view["secret"] = secret.expose().into();
    }
    view
}

pub async fn run(store: &Store, keys: &dyn KeyWrap, command: WebhookCommand) -> Outcome {
    let settings = Settings::from_env();
    let text = |e: domain::Error| match e.field {
        Some(field) => format!("{field}: {}", e.message),
        None => e.message.to_string(),
    };
    match command {
        WebhookCommand::Add {
            url,
            events: list,
            description,
            disabled,
        } => {
            let req = EndpointRequest {
                url: Some(url),
                events: Some(events(&list)),
                enabled: Some(!disabled),
                description,
            };
            let record = req.new_endpoint(&settings).map_err(text)?;
            let (record, secret) = manage::create(store, keys, record).await.map_err(text)?;
            one(shown(&record, Some(&secret)))
        }
        WebhookCommand::List => {
            let all = WebhooksStore::new(store)
                .all_endpoints()
                .await
                .map_err(|e| e.to_string())?;
            Ok(all.iter().map(manage::endpoint_view).collect())
        }
        WebhookCommand::Show { id } => {
            one(shown(&manage::get(store, &id).await.map_err(text)?, None))
        }
        WebhookCommand::Update {
            id,
            url,
            events: list,
            description,
            enabled,
        } => {
            let req = EndpointRequest {
                url,
                events: list.as_deref().map(events),
                enabled,
                description,
            };
            let record = manage::get(store, &id).await.map_err(text)?;
            let record = manage::update(store, &settings, record, req).await;
            one(shown(&record.map_err(text)?, None))
        }
        WebhookCommand::Delete { id } => {
            manage::delete(store, &id).await.map_err(text)?;
            one(serde_json::json!({ "id": id, "deleted": true }))
        }
        WebhookCommand::Rotate { id } => {
            let record = manage::get(store, &id).await.map_err(text)?;
            let (record, secret) = manage::rotate(store, keys, record).await.map_err(text)?;
            one(shown(&record, Some(&secret)))
        }
        WebhookCommand::Deliveries { id, limit } => {
            manage::get(store, &id).await.map_err(text)?;
            let page = WebhooksStore::new(store)
                .deliveries_page(&id, limit.clamp(1, 1000), None)
                .await
                .map_err(|e| e.to_string())?;
            let rows = page
                .items
                .into_iter()
                .map(table::from_item::<DeliveryRecord>)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            Ok(rows.iter().map(manage::delivery_view).collect())
        }
        WebhookCommand::Replay {
            delivery_id, since, ..
        } => replay(store, delivery_id, since).await.map_err(text),
    }
}

async fn replay(
    store: &Store,
    id: Option<String>,
    since: Option<String>,
) -> Result<Vec<Value>, domain::Error> {
    let ids = match (id, since) {
        (Some(id), _) => vec![id],
        (None, Some(since)) => {
            let since = chrono::DateTime::parse_from_rfc3339(&since)
                .map_err(|_| domain::Error::invalid("since", "must be an RFC 3339 instant"))?;
            let failed = WebhooksStore::new(store)
                .failed_since(since.timestamp_millis(), 1000)
                .await?;
            failed.into_iter().map(|d| d.id).collect()
        }
        (None, None) => return Err(domain::Error::invalid("since", "is required with --failed")),
    };
    let mut out = Vec::new();
    for id in ids {
        manage::replay(store, &id).await?;
        out.push(serde_json::json!({ "delivery_id": id, "status": "pending" }));
    }
    Ok(out)
}
