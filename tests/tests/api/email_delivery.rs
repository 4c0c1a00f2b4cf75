//! The notifier against the emulator: the handler Lambda runs, fed the
//! events Lambda delivers (built from the table's own items), sending
//! through the emulator's SES. Redelivery, poison records, throttling,
//! permanent rejections and rolled-back transactions.

use aws_lambda_events::event::dynamodb::Event;
use aws_sdk_dynamodb::types::AttributeValue;
use domain::{Message, MessageKind};
use notifier::ses::{SendError, Sender, Ses};
use notifier::templates::Rendered;
use notifier::Notifier;
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use table::OutboxStatus;

type Item = HashMap<String, AttributeValue>;

async fn env() -> TestEnv {
    TestEnv::without_notifier(users::app).await
}

async fn ses(env: &TestEnv) -> Ses {
    let sdk = table::aws::sdk_config();
    Ses::new(
        aws_sdk_sesv2::Client::new(&sdk),
        env.state.config.email_from.as_str(),
    )
}

fn settings(env: &TestEnv) -> notifier::compose::Settings {
    notifier::compose::Settings::from_config(&env.state.config)
}

/// Queues `message` as a request would, and returns the item as stored.
async fn queue(env: &TestEnv, message: &Message) -> Item {
    env.state.store.queue_message(message).await.unwrap();
    env.items()
        .await
        .into_iter()
        .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("OUTBOX"))
        .find(|i| {
            i.get("message")
                .and_then(|m| m.as_m().ok())
                .and_then(|m| m.get("to"))
                .and_then(|t| t.as_s().ok())
                == Some(&message.to)
        })
        .expect("the outbox item")
}

/// The event Lambda delivers for these inserts, numbered from 1.
fn event(items: &[Item]) -> Event {
    let records: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| record(item, &format!("{}", i + 1)))
        .collect();
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

fn record(item: &Item, sequence: &str) -> Value {
    let image = serde_json::to_value(serde_dynamo::Item::from(item.clone())).unwrap();
    let keys = json!({ "pk": image["pk"], "sk": image["sk"] });
    json!({
        "eventID": format!("ev-{sequence}"), "eventName": "INSERT", "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "dynamodb": { "Keys": keys, "NewImage": image, "SequenceNumber": sequence,
                      "SizeBytes": 100, "StreamViewType": "NEW_AND_OLD_IMAGES" }
    })
}

fn failures(response: &aws_lambda_events::event::streams::DynamoDbEventResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.clone())
        .collect()
}

async fn status(env: &TestEnv, item: &Item) -> OutboxStatus {
    let id = item["id"].as_s().unwrap();
    env.state
        .store
        .get_outbox_item(id)
        .await
        .unwrap()
        .unwrap()
        .status
}

fn address() -> String {
    format!("{}@example.com", unique_name("nt_"))
}

#[tokio::test]
async fn a_redelivered_batch_sends_each_message_once_and_erases_its_data() {
    let env = env().await;
    let to = address();
    let message = Message::new(&to, MessageKind::ResetCode).with("code", "abc-def");
    let item = queue(&env, &message).await;
    let notifier = Notifier::new(env.state.store.clone(), ses(&env).await, settings(&env));
    for _ in 0..3 {
        let response = notifier.handle(event(std::slice::from_ref(&item))).await;
        assert!(failures(&response).is_empty());
    }
    let mails = env.emails_to(&to).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].1.contains("abc-def"));
    let stored = env
        .state
        .store
        .get_outbox_item(item["id"].as_s().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OutboxStatus::Sent);
    assert!(
        stored.message.data.is_empty(),
        "a sent code does not stay in the table"
    );
}

#[tokio::test]
async fn a_poison_record_is_reported_without_blocking_the_others_in_its_batch() {
    let env = env().await;
    let (first, last) = (address(), address());
    let a = queue(&env, &Message::new(&first, MessageKind::Welcome)).await;
    let b = queue(&env, &Message::new(&last, MessageKind::Welcome)).await;
    let mut poison = a.clone();
    poison.insert("pk".into(), AttributeValue::S("OUTBOX#poison".into()));
    poison.remove("message");
    let notifier = Notifier::new(env.state.store.clone(), ses(&env).await, settings(&env));
    let response = notifier
        .handle(event(&[a.clone(), poison, b.clone()]))
        .await;
    assert_eq!(failures(&response), vec!["2".to_owned()]);
    assert_eq!(env.emails_to(&first).await.len(), 1);
    assert_eq!(env.emails_to(&last).await.len(), 1);
    assert_eq!(status(&env, &a).await, OutboxStatus::Sent);
    assert_eq!(status(&env, &b).await, OutboxStatus::Sent);
}

/// SES that throttles its first `fail` calls, then sends for real.
struct Throttling {
    inner: Ses,
    fail: AtomicUsize,
}

impl Sender for Throttling {
    async fn send(&self, to: &str, email: &Rendered) -> Result<(), SendError> {
        if self.fail.load(Ordering::SeqCst) > 0 {
            self.fail.fetch_sub(1, Ordering::SeqCst);
            return Err(SendError::Retry("TooManyRequestsException".into()));
        }
        self.inner.send(to, email).await
    }
}

#[tokio::test]
async fn a_throttled_send_is_retried_and_delivered_once() {
    let env = env().await;
    let to = address();
    let item = queue(&env, &Message::new(&to, MessageKind::PasswordChanged)).await;
    let sender = Throttling {
        inner: ses(&env).await,
        fail: AtomicUsize::new(1),
    };
    let notifier = Notifier::new(env.state.store.clone(), sender, settings(&env));
    let batch = event(std::slice::from_ref(&item));
    let first = notifier.handle(batch.clone()).await;
    assert_eq!(
        failures(&first),
        vec!["1".to_owned()],
        "handed back for a retry"
    );
    assert_eq!(status(&env, &item).await, OutboxStatus::Pending);
    assert!(env.emails_to(&to).await.is_empty());
    let retry = notifier.handle(batch).await;
    assert!(failures(&retry).is_empty());
    assert_eq!(env.emails_to(&to).await.len(), 1);
    assert_eq!(status(&env, &item).await, OutboxStatus::Sent);
}

/// SES that rejects every message (a bad address).
struct Rejecting;

impl Sender for Rejecting {
    async fn send(&self, _: &str, _: &Rendered) -> Result<(), SendError> {
        Err(SendError::Rejected("MessageRejected: bad address".into()))
    }
}

#[tokio::test]
async fn a_permanent_rejection_fails_the_item_and_its_owner_without_retries() {
    let env = env().await;
    let owner = HashMap::from([
        ("pk".to_owned(), AttributeValue::S("SITE#1".into())),
        ("sk".to_owned(), AttributeValue::S("INVITATION#1".into())),
        ("status".to_owned(), AttributeValue::S("created".into())),
    ]);
    env.put_raw(owner).await;
    let message =
        Message::new(address(), MessageKind::SiteInvitation).owned_by("SITE#1", "INVITATION#1");
    let item = queue(&env, &message).await;
    let notifier = Notifier::new(env.state.store.clone(), Rejecting, settings(&env));
    let response = notifier.handle(event(std::slice::from_ref(&item))).await;
    assert!(failures(&response).is_empty(), "not retried");
    let stored = env
        .state
        .store
        .get_outbox_item(item["id"].as_s().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OutboxStatus::Failed);
    assert!(stored.failure.unwrap().contains("bad address"));
    let owner = env
        .items()
        .await
        .into_iter()
        .find(|i| i["pk"].as_s().ok().map(String::as_str) == Some("SITE#1"))
        .unwrap();
    assert_eq!(owner["status"].as_s().unwrap(), "invalid");
}

#[tokio::test]
async fn a_rolled_back_transaction_sends_nothing() {
    // The real stack: the notifier polls the stream of this test's table.
    let env = TestEnv::new(users::app).await;
    let taken = unique_name("john_doe_");
    let first = address();
    let body = |name: &str, email: &str| {
        json!({"username": name, "firstName": "A", "lastName": "B",
               "email": email, "password": "$uper&ecurePassw0rd"})
    };
    assert_eq!(
        env.post("/user/create", body(&taken, &first)).await.status,
        200
    );
    // Same username, new address: the transaction (with the verification
    // email in it) is cancelled.
    let second = address();
    let r = env.post("/user/create", body(&taken, &second)).await;
    assert_eq!(r.status, 409);
    assert_eq!(env.emails_to(&first).await.len(), 1);
    assert!(env.emails_to(&second).await.is_empty());
}

#[tokio::test]
async fn the_replayed_stream_event_renders_in_the_recipients_language() {
    let env = env().await;
    let raw = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../events/notifier/outbox-insert.json"),
    )
    .unwrap();
    let event: Event = serde_json::from_str(&raw).unwrap();
    // The item the event names, as the table holds it when the record arrives.
    let image: Item = serde_dynamo::from_item(event.records[0].change.new_image.clone())
        .map(|v: serde_json::Value| serde_dynamo::to_item(v).unwrap())
        .unwrap();
    env.put_raw(image).await;
    // The event's address is fixed: count what a long-lived emulator holds.
    let before = env.emails_to("replay@example.com").await.len();
    let notifier = Notifier::new(env.state.store.clone(), ses(&env).await, settings(&env));
    assert!(failures(&notifier.handle(event).await).is_empty());
    let mails = env.emails_to("replay@example.com").await;
    assert_eq!(mails.len(), before + 1);
    assert_eq!(
        mails[before].0,
        "Confirma tu dirección de correo en Platform"
    );
}

/// No request path sends email: of the functions, only the notifier links
/// the SES client, and only the notifier may call SES in the template.
#[test]
fn only_the_notifier_can_send_email() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for entry in std::fs::read_dir(root.join("functions")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue; // functions/clippy.toml
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            manifest.contains("aws-sdk-sesv2"),
            name == "notifier",
            "functions/{name} and the SES client"
        );
    }
    let template = std::fs::read_to_string(root.join("template.yaml")).unwrap();
    let template: serde_yaml::Value = serde_yaml::from_str(&template).unwrap();
    let resources = template["Resources"].as_mapping().unwrap();
    for (id, resource) in resources {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let policies = serde_yaml::to_string(&resource["Properties"]["Policies"]).unwrap();
        assert_eq!(
            policies.contains("ses:SendEmail"),
            id.as_str() == Some("NotifierFunction"),
            "{id:?} and ses:SendEmail"
        );
    }
}
