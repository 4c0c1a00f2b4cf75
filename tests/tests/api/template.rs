//! template.yaml is the single source of routes: every route it declares
//! has a handler, and every handler has a route in it. The table it
//! declares matches the one the local stack creates.

use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};
use web::Route;

fn template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Each function's logical id in the template and the routes its crate serves.
fn functions() -> BTreeMap<&'static str, Vec<Route>> {
    BTreeMap::from([
        (
            "AccountsFunction",
            accounts::route_table().routes().to_vec(),
        ),
        ("OAuthFunction", oauth::route_table().routes().to_vec()),
        ("UsersFunction", users::route_table().routes().to_vec()),
        (
            "PasskeysFunction",
            passkeys::route_table().routes().to_vec(),
        ),
        ("PagesFunction", pages::route_table().routes().to_vec()),
        ("AppFunction", app::route_table().routes().to_vec()),
        (
            "SocialNetworksFunction",
            socialnetworks::route_table().routes().to_vec(),
        ),
        ("SitesFunction", sites::route_table().routes().to_vec()),
        (
            "WebhooksApiFunction",
            webhooks::route_table().routes().to_vec(),
        ),
    ])
}

/// The one route every CORS preflight takes (web::cors answers it in any
/// function, for any path): not a handler's route.
const PREFLIGHT: (&str, &str) = ("OPTIONS", "/{proxy+}");

fn http_events(function: &Value) -> BTreeSet<(String, String)> {
    let events = function["Properties"]["Events"]
        .as_mapping()
        .cloned()
        .unwrap_or_default();
    events
        .values()
        .filter(|e| e["Type"] == "HttpApi")
        .map(|e| {
            let p = &e["Properties"];
            (
                p["Method"].as_str().unwrap().to_uppercase(),
                p["Path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn declared_routes(function: &Value) -> BTreeSet<(String, String)> {
    let mut routes = http_events(function);
    routes.remove(&(PREFLIGHT.0.to_owned(), PREFLIGHT.1.to_owned()));
    routes
}

/// Preflights reach the functions (API Gateway's own CORS would answer
/// them without the functions' origin rules): exactly one route takes them.
#[test]
fn one_function_takes_every_preflight() {
    let template = template();
    let preflight = (PREFLIGHT.0.to_owned(), PREFLIGHT.1.to_owned());
    let takers: Vec<_> = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| http_events(r).contains(&preflight))
        .map(|(name, _)| name.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        takers.len(),
        1,
        "functions routing OPTIONS /{{proxy+}}: {takers:?}"
    );
    let api = &template["Resources"]["HttpApi"]["Properties"];
    assert!(
        api["CorsConfiguration"].is_null(),
        "API Gateway's CORS would answer preflights instead of web::cors"
    );
}

#[test]
fn every_template_route_has_a_handler_and_every_handler_a_route() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let declared: BTreeMap<String, BTreeSet<(String, String)>> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function" && !declared_routes(r).is_empty())
        .map(|(name, r)| (name.as_str().unwrap().to_owned(), declared_routes(r)))
        .collect();
    let served: BTreeMap<String, BTreeSet<(String, String)>> = functions()
        .into_iter()
        .map(|(name, routes)| {
            (
                name.to_owned(),
                routes
                    .into_iter()
                    .map(|r| (r.method.to_string(), r.path.to_owned()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        declared.keys().collect::<Vec<_>>(),
        served.keys().collect::<Vec<_>>(),
        "functions with HTTP routes in template.yaml vs crates listed in this test"
    );
    for (name, routes) in &served {
        let in_template = &declared[name];
        let missing: Vec<_> = routes.difference(in_template).collect();
        let unhandled: Vec<_> = in_template.difference(routes).collect();
        assert!(
            missing.is_empty(),
            "{name}: handlers without a template route: {missing:?}"
        );
        assert!(
            unhandled.is_empty(),
            "{name}: template routes without a handler: {unhandled:?}"
        );
    }
}

#[test]
fn the_template_table_matches_the_local_schema() {
    let template = template();
    let table = &template["Resources"]["Table"]["Properties"];
    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"],
        table::schema::TTL_ATTRIBUTE
    );
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    let indexes: BTreeSet<(String, String, String)> = table["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|gsi| {
            let keys = gsi["KeySchema"].as_sequence().unwrap();
            let key = |kind: &str| {
                keys.iter().find(|k| k["KeyType"] == kind).unwrap()["AttributeName"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            };
            (
                gsi["IndexName"].as_str().unwrap().to_owned(),
                key("HASH"),
                key("RANGE"),
            )
        })
        .collect();
    let local: BTreeSet<(String, String, String)> = table::schema::INDEXES
        .iter()
        .map(|(i, p, s)| (i.to_string(), p.to_string(), s.to_string()))
        .collect();
    assert_eq!(indexes, local);
}
