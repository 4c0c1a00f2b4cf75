//! The OpenAPI documents (`openapi/*.yaml`, served by the dev server) are
//! kept in step with the route tables: each parses as an OpenAPI 3.1
//! document, every route a surface serves is documented in its surface's
//! document, and every documented operation is a route. The fuzz step
//! (`scripts/fuzz.sh`) checks the shapes against the running code.

use dev_server::openapi::DOCUMENTS;
use serde_yaml::Value;
use std::collections::BTreeSet;
use web::Route;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn routes_of(surface: &str) -> Vec<Route> {
    match surface {
        "accounts" => accounts::route_table().routes().to_vec(),
        "users" => users::route_table().routes().to_vec(),
        "oauth" => oauth::route_table().routes().to_vec(),
        "socialnetworks" => socialnetworks::route_table().routes().to_vec(),
        "sites" => sites::route_table().routes().to_vec(),
        "app" => app::route_table().routes().to_vec(),
        "webhooks" => webhooks::route_table().routes().to_vec(),
        "passkeys" => passkeys::route_table().routes().to_vec(),
        other => panic!("no route table for the document {other}"),
    }
}

fn parse(surface: &str, text: &str) -> Value {
    let doc: Value = serde_yaml::from_str(text)
        .unwrap_or_else(|e| panic!("openapi/{surface}.yaml does not parse: {e}"));
    assert_eq!(
        doc["openapi"].as_str(),
        Some("3.1.0"),
        "openapi/{surface}.yaml: not an OpenAPI 3.1 document"
    );
    assert!(doc["info"]["title"].is_string(), "{surface}: info.title");
    doc
}

/// Every (METHOD, path) the document describes. A path item marked
/// `x-trailing-slash: optional` is one operation served with and without
/// its trailing slash (the document lists each route once): it stands for
/// both forms.
fn documented(surface: &str, doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"]
        .as_mapping()
        .unwrap_or_else(|| panic!("openapi/{surface}.yaml has no paths"));
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().unwrap().to_owned();
        let both = item["x-trailing-slash"].as_str() == Some("optional");
        assert!(
            !both || path.ends_with('/'),
            "{surface}: {path}: x-trailing-slash marks the slash form"
        );
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            assert!(
                op["responses"].as_mapping().is_some_and(|r| !r.is_empty()),
                "{surface}: {method} {path} documents no response"
            );
            out.insert((method.to_uppercase(), path.clone()));
            if both {
                out.insert((method.to_uppercase(), path.trim_end_matches('/').to_owned()));
            }
        }
    }
    out
}

/// Every operation of every document has an `operationId`, unique in its
/// document (generated clients name their functions by it), and every
/// schema name is unique across the documents (a client generated from
/// several documents, or one reader of all of them, would mix them up).
#[test]
fn operation_ids_everywhere_and_schema_names_unique_across_documents() {
    let mut schema_owner: std::collections::BTreeMap<String, &str> = Default::default();
    for (surface, text) in DOCUMENTS {
        let doc = parse(surface, text);
        let mut ids = BTreeSet::new();
        for (path, item) in doc["paths"].as_mapping().unwrap() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id = op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{surface}: {method} {path:?} has no operationId"));
                assert!(
                    ids.insert(id.to_owned()),
                    "{surface}: operationId {id} twice"
                );
            }
        }
        let schemas = doc["components"]["schemas"].as_mapping();
        for name in schemas.into_iter().flat_map(|m| m.keys()) {
            let name = name.as_str().unwrap().to_owned();
            if let Some(other) = schema_owner.insert(name.clone(), surface) {
                panic!("schema {name} is in openapi/{other}.yaml and openapi/{surface}.yaml");
            }
        }
    }
}

/// Names the document's local references point at, each of which must exist.
fn check_refs(surface: &str, doc: &Value, node: &Value) {
    match node {
        Value::Mapping(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let mut at = doc;
                for part in target.trim_start_matches("#/").split('/') {
                    at = at
                        .get(part)
                        .unwrap_or_else(|| panic!("{surface}: dangling $ref {target}"));
                }
            }
            map.values().for_each(|v| check_refs(surface, doc, v));
        }
        Value::Sequence(items) => items.iter().for_each(|v| check_refs(surface, doc, v)),
        _ => {}
    }
}

#[test]
fn every_document_parses_and_matches_its_route_table() {
    for (surface, text) in DOCUMENTS {
        let doc = parse(surface, text);
        check_refs(surface, &doc, &doc);
        let documented = documented(surface, &doc);
        let served: BTreeSet<(String, String)> = routes_of(surface)
            .into_iter()
            .map(|r| (r.method.to_string(), r.path.to_owned()))
            .collect();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let unserved: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty() && unserved.is_empty(),
            "openapi/{surface}.yaml: routes not documented {undocumented:?}; \
             documented operations with no route {unserved:?}"
        );
    }
}

#[test]
fn every_surface_with_routes_has_a_document() {
    let names: BTreeSet<&str> = DOCUMENTS.iter().map(|(name, _)| *name).collect();
    let surfaces = BTreeSet::from([
        "accounts",
        "users",
        "oauth",
        "socialnetworks",
        "sites",
        "app",
        "webhooks",
        "passkeys",
    ]);
    assert_eq!(names, surfaces);
}

#[tokio::test]
async fn the_dev_server_serves_the_documents() {
    use axum::body::Body;
    use http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let router = dev_server::openapi::routes::<()>();
    let index = router
        .clone()
        .oneshot(Request::get("/openapi/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(index.status(), 200);
    let body = index.into_body().collect().await.unwrap().to_bytes();
    let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(list["documents"].as_array().unwrap().len(), DOCUMENTS.len());
    for (surface, text) in DOCUMENTS {
        let uri = format!("/openapi/{surface}.yaml");
        let res = router
            .clone()
            .oneshot(
                Request::get(uri.as_str())
                    .header("host", "127.0.0.1:4321")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{uri}");
        assert_eq!(res.headers()["content-type"], "application/yaml");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let served: Value = serde_yaml::from_slice(&body).unwrap();
        let file = parse(surface, text);
        // The document as written, but for the server it names and the
        // oauth2 alternative to every bearer requirement.
        assert_eq!(
            served["servers"][0]["url"], "http://127.0.0.1:4321",
            "{uri}"
        );
        assert_eq!(
            served["paths"].as_mapping().unwrap().len(),
            file["paths"].as_mapping().unwrap().len()
        );
        assert_eq!(
            served["components"]["schemas"], file["components"]["schemas"],
            "{uri}"
        );
        // Nothing the file leaves out appears (a null `security` broke schemathesis).
        assert_eq!(
            served.get("security").is_some(),
            file.get("security").is_some(),
            "{uri}"
        );
        let bearer = file["components"]["securitySchemes"]["bearer"].is_mapping();
        assert_eq!(
            served["components"]["securitySchemes"]["oauth2"]["type"].as_str(),
            bearer.then_some("oauth2"),
            "{uri}"
        );
        for (path, item) in served["paths"].as_mapping().unwrap() {
            for op in METHODS.iter().filter_map(|m| item.get(*m)) {
                let Some(reqs) = op["security"].as_sequence() else {
                    continue;
                };
                let count = |name: &str| reqs.iter().filter(|r| r.get(name).is_some()).count();
                assert_eq!(count("bearer"), count("oauth2"), "{uri}: {path:?}");
            }
        }
    }
    let missing = router
        .oneshot(
            Request::get("/openapi/nope.yaml")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// `GET /` indexes the surfaces, their references and the mailbox; each
/// reference is a Swagger UI page over the served document.
#[tokio::test]
async fn the_dev_server_indexes_its_docs() {
    use axum::body::Body;
    use http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let router = dev_server::docs::routes::<()>();
    let get = |uri: &str, accept: &str| {
        Request::get(uri)
            .header("host", "127.0.0.1:4321")
            .header("accept", accept)
            .body(Body::empty())
            .unwrap()
    };
    let index = router.clone().oneshot(get("/", "*/*")).await.unwrap();
    assert_eq!(index.status(), 200);
    let body = index.into_body().collect().await.unwrap().to_bytes();
    let index: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(index["docs"], "http://127.0.0.1:4321/docs");
    assert_eq!(index["surfaces"].as_array().unwrap().len(), DOCUMENTS.len());
    assert!(index["mailbox"]
        .as_str()
        .unwrap()
        .ends_with("/_emulator/ses/messages"));
    let page = router.clone().oneshot(get("/", "text/html")).await.unwrap();
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    for (surface, _) in DOCUMENTS {
        let res = router
            .clone()
            .oneshot(get(&format!("/docs/{surface}"), "text/html"))
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let html = res.into_body().collect().await.unwrap().to_bytes();
        let html = String::from_utf8_lossy(&html);
        assert!(html.contains(&format!("/openapi/{surface}.yaml")), "{html}");
        assert!(html.contains("/docs/assets/swagger-ui-bundle.js"));
        assert!(!html.contains("https://"), "no CDN: {html}");
    }
    for missing in [
        "/docs/nope",
        "/docs/assets/..%2Fpackage.json",
        "/docs/assets/x.exe",
    ] {
        let res = router.clone().oneshot(get(missing, "*/*")).await.unwrap();
        assert_eq!(res.status(), 404, "{missing}");
    }
}
