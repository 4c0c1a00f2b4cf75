//! Business metrics as CloudWatch Embedded Metric Format: one JSON line on
//! stdout per event, which Lambda's log shipping turns into a metric of the
//! `Platform` namespace (no API call, no latency). Emitted only inside
//! Lambda (`AWS_LAMBDA_FUNCTION_NAME` set): locally they would only be noise.

use serde_json::json;

/// The metrics the platform counts; the dashboard (template.yaml) graphs
/// them by `Outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// A sign-in through the gate: `completed`, `challenged` (second factor
    /// due) or `refused` (any refusal: credentials, lockout, ban, budget).
    SignIn,
    /// A message the notifier settled: `sent` or `failed`.
    Email,
}

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::SignIn => "SignIns",
            Metric::Email => "Emails",
        }
    }
}

pub const NAMESPACE: &str = "Platform";

/// The EMF line for one `metric` event with `outcome`.
pub fn line(metric: Metric, outcome: &str, timestamp_ms: i64) -> String {
    json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Outcome"]],
                "Metrics": [{ "Name": metric.name(), "Unit": "Count" }],
            }],
        },
        "Outcome": outcome,
        metric.name(): 1,
    })
    .to_string()
}

/// Counts one `metric` event (inside Lambda).
pub fn count(metric: Metric, outcome: &str) {
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        println!("{}", line(metric, outcome, crate::time::now_ms()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_embedded_metric_format() {
        let v: serde_json::Value =
            serde_json::from_str(&line(Metric::SignIn, "completed", 1_700_000_000_000)).unwrap();
        assert_eq!(v["_aws"]["Timestamp"], 1_700_000_000_000i64);
        let m = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(m["Namespace"], "Platform");
        assert_eq!(m["Dimensions"], json!([["Outcome"]]));
        assert_eq!(m["Metrics"][0]["Name"], "SignIns");
        // Every dimension and metric named is a member of the line.
        assert_eq!(v["Outcome"], "completed");
        assert_eq!(v["SignIns"], 1);
    }
}
