//! Issue 18, finding 4: `GET /user/code` took 185-391 ms for a registered
//! address and 35-93 ms for an unknown one. Both now do the same work: the
//! same DynamoDB calls, the same width of write. This test records the
//! calls each makes (an SDK interceptor on the store's client) and holds
//! them equal; it times nothing (tools/bench/scripts/code-timing.py prints
//! both distributions against a running stack).

use crate::users_support::verified;
use aws_sdk_dynamodb::operation::get_item::GetItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_types::config_bag::ConfigBag;
use http::StatusCode;
use identity::AppState;
use platform_tests::TestEnv;
use std::sync::{Arc, Mutex};

/// Every DynamoDB call a store makes, by operation (a transaction with its
/// item count).
#[derive(Debug, Default, Clone)]
struct Calls(Arc<Mutex<Vec<String>>>);

impl Intercept for Calls {
    fn name(&self) -> &'static str {
        "calls"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input();
        let call = if let Some(tx) = input.downcast_ref::<TransactWriteItemsInput>() {
            format!("TransactWriteItems({})", tx.transact_items().len())
        } else if input.downcast_ref::<GetItemInput>().is_some() {
            "GetItem".to_owned()
        } else if input.downcast_ref::<UpdateItemInput>().is_some() {
            "UpdateItem".to_owned()
        } else if input.downcast_ref::<PutItemInput>().is_some() {
            "PutItem".to_owned()
        } else if input.downcast_ref::<QueryInput>().is_some() {
            "Query".to_owned()
        } else {
            "other".to_owned()
        };
        self.0.lock().unwrap().push(call);
        Ok(())
    }
}

impl Calls {
    fn take(&self) -> Vec<String> {
        let mut calls = std::mem::take(&mut *self.0.lock().unwrap());
        calls.sort();
        calls
    }
}

/// The Users API over a store whose every call is recorded.
fn recorded(env: &TestEnv) -> (axum::Router, Calls) {
    let calls = Calls::default();
    let conf = aws_sdk_dynamodb::config::Builder::from(&table::aws::sdk_config())
        .interceptor(calls.clone())
        .build();
    let store = table::Store::new(
        aws_sdk_dynamodb::Client::from_conf(conf),
        env.state.store.table(),
    );
    let state = AppState {
        access_tokens: identity::jwt::AccessTokens::new(store.clone(), &env.state.config),
        store,
        config: env.state.config.clone(),
        secrets: None,
    };
    (users::app(state), calls)
}

async fn code_for(app: &axum::Router, email: &str) -> StatusCode {
    use tower::ServiceExt;
    let uri = format!(
        "/user/code?email={}",
        url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
    );
    let req = http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn a_reset_code_costs_the_same_calls_for_a_known_and_an_unknown_address() {
    let env = crate::users_support::env().await;
    let p = verified(&env).await;
    let (app, calls) = recorded(&env);
    assert_eq!(code_for(&app, &p.email).await, StatusCode::OK);
    let known = calls.take();
    assert_eq!(
        code_for(&app, "nobody.at.all@example.com").await,
        StatusCode::OK
    );
    let unknown = calls.take();
    assert_eq!(known, unknown, "the same calls either way");
    assert_eq!(
        known,
        ["GetItem", "TransactWriteItems(3)", "UpdateItem"],
        "one read beside the budget, then one three-item write"
    );
}
