//! No stuck email: messages whose stream records the emulator trimmed
//! (it keeps the last 1,000, as DynamoDB keeps 24 hours) are still
//! delivered, exactly once, by the notifier's sweep of the pending index;
//! and a notifier that comes back finds them too.

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use domain::{Message, MessageKind};
use notifier::ses::Ses;
use notifier::Notifier;
use platform_tests::{unique_name, TestEnv};
use std::time::Duration;

/// Writes `n` throwaway items: each one is a stream record.
async fn fill(env: &TestEnv, n: usize) {
    let store = &env.state.store;
    let prefix = unique_name("filler_");
    for chunk in (0..n).collect::<Vec<_>>().chunks(25) {
        let writes = chunk
            .iter()
            .map(|i| {
                let put = PutRequest::builder()
                    .item("pk", AttributeValue::S(format!("FILLER#{prefix}#{i}")))
                    .item("sk", AttributeValue::S("FILLER".into()))
                    .build()
                    .unwrap();
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        store
            .client()
            .batch_write_item()
            .request_items(store.table(), writes)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn mail_past_a_trimmed_stream_is_delivered_once() {
    let env = TestEnv::without_notifier(users::app).await;
    let recipients: Vec<String> = (0..8)
        .map(|_| format!("{}@example.com", unique_name("sw_")))
        .collect();
    for to in &recipients {
        let message = Message::new(to, MessageKind::ResetCode).with("code", "abc-def");
        env.state.store.queue_message(&message).await.unwrap();
    }
    // The messages' records fall out of the stream's window.
    fill(&env, 1_100).await;

    let sdk = table::aws::sdk_config();
    let ses = Ses::new(
        aws_sdk_sesv2::Client::new(&sdk),
        env.state.config.email_from.as_str(),
    );
    let notifier = Notifier::new(
        env.state.store.clone(),
        ses,
        notifier::compose::Settings::from_config(&env.state.config),
    );
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
    let table = env.state.store.table().to_owned();
    let running = tokio::spawn(async move {
        let _ = notifier::local::run(&notifier, &dynamodb, &streams, &table).await;
    });
    // The notifier starts with a sweep; give it a bounded while.
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered.clear();
        for to in &recipients {
            delivered.push(env.emails_to(to).await.len());
        }
        if delivered.iter().all(|n| *n >= 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A little longer: nothing arrives twice.
    tokio::time::sleep(Duration::from_millis(500)).await;
    running.abort();
    for to in &recipients {
        assert_eq!(env.emails_to(to).await.len(), 1, "{to}");
    }
    let pending = env.state.store.pending_outbox(i64::MAX, 25).await.unwrap();
    assert!(pending.is_empty(), "{pending:?}");
}
