//! SES's bounce and complaint events (the configuration set's EventBridge
//! destination, template.yaml: `EmailEvents`): a permanent bounce or a
//! complaint puts each address it names on the suppression list, which the
//! notifier reads before every send. A transient bounce (a full mailbox)
//! changes nothing; SES retries those itself.

use serde_json::Value;
use table::{Store, Suppression};

/// Whether an EventBridge event is one of SES's (`source: aws.ses`).
pub fn is_ses_event(event: &Value) -> bool {
    event.get("source").and_then(Value::as_str) == Some("aws.ses")
}

/// The addresses an event suppresses, with the entry to store.
pub fn suppressions(event: &Value) -> Vec<(String, Suppression)> {
    let detail = &event["detail"];
    let (reason, part, list) = match detail["eventType"].as_str() {
        Some("Bounce") if detail["bounce"]["bounceType"] == "Permanent" => {
            ("bounce", &detail["bounce"], "bouncedRecipients")
        }
        Some("Complaint") => ("complaint", &detail["complaint"], "complainedRecipients"),
        _ => return Vec::new(),
    };
    let at = part["timestamp"]
        .as_str()
        .or_else(|| event["time"].as_str())
        .unwrap_or_default()
        .to_owned();
    part[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["emailAddress"].as_str())
        .map(|address| {
            let entry = Suppression {
                reason: reason.to_owned(),
                at: at.clone(),
            };
            (address.to_owned(), entry)
        })
        .collect()
}

/// Records one event's suppressions; how many addresses it named.
pub async fn record(store: &Store, event: &Value) -> Result<usize, table::StoreError> {
    let found = suppressions(event);
    for (address, entry) in &found {
        store.suppress(address, entry).await?;
        tracing::warn!(reason = entry.reason, "address put on the suppression list");
    }
    Ok(found.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(detail: Value) -> Value {
        json!({"source": "aws.ses", "detail-type": "Email Bounced", "time": "2026-12-04T10:00:00Z", "detail": detail})
    }

    #[test]
    fn permanent_bounces_and_complaints_suppress_transient_bounces_do_not() {
        let permanent = event(json!({"eventType": "Bounce", "bounce": {
            "bounceType": "Permanent", "timestamp": "2026-12-04T09:59:59Z",
            "bouncedRecipients": [{"emailAddress": "a@x.test"}, {"emailAddress": "b@x.test"}]}}));
        let found = suppressions(&permanent);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "a@x.test");
        assert_eq!(found[0].1.reason, "bounce");
        assert_eq!(found[0].1.at, "2026-12-04T09:59:59Z");
        let transient = event(json!({"eventType": "Bounce", "bounce": {
            "bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "a@x.test"}]}}));
        assert!(suppressions(&transient).is_empty());
        let complaint = event(json!({"eventType": "Complaint", "complaint": {
            "complainedRecipients": [{"emailAddress": "c@x.test"}]}}));
        let found = suppressions(&complaint);
        assert_eq!(
            (found[0].0.as_str(), found[0].1.reason.as_str()),
            ("c@x.test", "complaint")
        );
        assert_eq!(found[0].1.at, "2026-12-04T10:00:00Z");
        assert!(suppressions(&json!({"source": "aws.ses"})).is_empty());
        assert!(is_ses_event(&complaint) && !is_ses_event(&json!({"source": "aws.events"})));
    }
}
