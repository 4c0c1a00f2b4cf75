use crate::access::authenticated;
use crate::fields::{self, Fields};
use crate::model::SiteType;
use crate::paging;
use crate::store::{count_attribute, keys, MembershipRecord, SitesStore};
use crate::urls::resource_uri;
use crate::views::site_item;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::{Error, UserId};
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use table::Listing;
use web::Input;

#[derive(Deserialize)]
pub struct SitesRequest {
    is_admin: Option<String>,
    #[serde(rename = "type")]
    site_type: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    fields: Option<String>,
}

fn flag(raw: Option<&str>) -> Result<Option<bool>, Error> {
    match raw.unwrap_or_default() {
        "" => Ok(None),
        "true" | "1" => Ok(Some(true)),
        "false" | "0" => Ok(Some(false)),
        _ => Err(Error::invalid("is_admin", "must be true or false")),
    }
}

fn site_type(raw: Option<&str>) -> Result<Option<SiteType>, Error> {
    match raw.unwrap_or_default() {
        "" => Ok(None),
        t => SiteType::parse(t)
            .map(Some)
            .ok_or_else(|| Error::invalid("type", "must be lander, community or shop")),
    }
}

/// The user's memberships under the filters: role-first sort keys on gsi1,
/// type-first on gsi2, so every filter is one key prefix.
fn listing(user: &UserId, is_admin: Option<bool>, kind: Option<SiteType>) -> Listing {
    let role = is_admin.map(|a| if a { "admin" } else { "member" });
    let (index, prefix) = match (role, kind) {
        (None, None) => ("gsi1", String::new()),
        (Some(r), None) => ("gsi1", format!("{r}#")),
        (Some(r), Some(t)) => ("gsi1", format!("{r}#{}#", t.as_str())),
        (None, Some(t)) => ("gsi2", format!("{}#", t.as_str())),
    };
    let (pk, sk) = if index == "gsi1" {
        ("gsi1pk", "gsi1sk")
    } else {
        ("gsi2pk", "gsi2sk")
    };
    Listing {
        name: "sites",
        index: Some(index),
        partition: (pk, keys::user_sites(user)),
        sort: (sk, prefix),
    }
}

/// `GET sites/`: one round trip (token check ∥ page Query ∥ counter).
pub async fn sites(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<SitesRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let is_admin = flag(req.is_admin.as_deref())?;
    let kind = site_type(req.site_type.as_deref())?;
    let limit = paging::limit(req.limit.as_deref())?;
    let fields = Fields::parse(req.fields.as_deref(), fields::SITE)?;
    let store = SitesStore::of(&state);
    let cursor = req.cursor.as_deref();
    let (_, found) = authenticated(&state, &headers, |user| async move {
        let listing = listing(&user, is_admin, kind);
        let at = paging::decode(&listing, cursor)?;
        let attribute = count_attribute(is_admin, kind);
        let (page, total) = tokio::join!(
            store.page(&listing, limit, at.as_ref()),
            store.count(&user, &attribute)
        );
        Ok::<_, Error>((listing, page?, total?))
    })
    .await?;
    let (listing, page, total) = found?;
    let items = page
        .items
        .iter()
        .cloned()
        .map(table::from_item::<MembershipRecord>)
        .collect::<Result<Vec<_>, _>>()?;
    let items: Vec<Value> = items
        .iter()
        .map(|m| site_item(&state.config, m, &fields))
        .collect();
    let limit_text = limit.to_string();
    let admin_text = is_admin.map(|a| a.to_string()).unwrap_or_default();
    let params = [
        ("is_admin", admin_text.as_str()),
        ("type", kind.map(SiteType::as_str).unwrap_or_default()),
        ("limit", limit_text.as_str()),
        ("fields", fields.as_param()),
    ];
    let base = format!("{}sites/", resource_uri(&state.config));
    let (next, prev) = paging::links(&listing, &base, &params, &page);
    Ok(Json(json!({
        "items": items,
        "limit": limit,
        "total_count": total,
        "next_cursor": next,
        "prev_cursor": prev,
    })))
}
