//! The operator CLI as an operator runs it: the real binary against a
//! fresh table of its own in the emulator (`platform_tests::TestEnv`),
//! reading its JSON lines back.

use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};
use std::process::{Command, Output, Stdio};

struct Cli {
    table: String,
    /// The sender the stack's SES knows (commands that send email).
    email_from: Option<String>,
}

impl Cli {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_platform"));
        cmd.args(args).env("TABLE_NAME", &self.table);
        if let Some(from) = &self.email_from {
            cmd.env("EMAIL_FROM", from);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run platform")
    }

    /// The records a command printed; the command must succeed.
    fn records(&self, args: &[&str]) -> Vec<Value> {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "platform {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }

    fn one(&self, args: &[&str]) -> Value {
        let mut records = self.records(args);
        assert_eq!(records.len(), 1, "platform {args:?}: {records:?}");
        records.remove(0)
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "platform {args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }
}

async fn setup() -> (TestEnv, Cli) {
    let env = TestEnv::new(accounts::app).await;
    let cli = Cli {
        table: env.state.store.table().to_owned(),
        email_from: None,
    };
    (env, cli)
}

async fn account(env: &TestEnv, name: &str) {
    let created = env
        .post(
            "/api/v1/accounts/",
            json!({"username": name, "password": "s3cret-pass", "firstName": "Zelda",
                   "lastName": "Quill", "email": format!("{name}@example.com")}),
        )
        .await;
    assert_eq!(created.body["status"], "ok", "{:?}", created.body);
}

#[test]
fn version_and_help() {
    let cli = Cli {
        table: "unused".into(),
        email_from: None,
    };
    let out = cli.run(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
    for sub in [
        vec!["user", "--help"],
        vec!["user", "events", "--help"],
        vec!["site", "delete", "--help"],
        vec!["oauth-client", "update", "--help"],
        vec!["outbox", "redrive", "--help"],
    ] {
        let out = cli.run(&sub);
        assert!(out.status.success(), "{sub:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[tokio::test]
async fn a_closed_pipe_ends_the_output_quietly() {
    let (_env, cli) = setup().await;
    for i in 0..3 {
        cli.one(&["api-key", "create", "--name", &format!("pipe-{i}")]);
    }
    // The reader is gone before the first line is written.
    let mut child = cli
        .command(&["api-key", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn users_are_listed_searched_banned_and_unlocked() {
    let (env, cli) = setup().await;
    let (a, b) = (unique_name("clia"), unique_name("clib"));
    account(&env, &a).await;
    account(&env, &b).await;

    let listed = cli.records(&["user", "list"]);
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, [a.as_str(), b.as_str()]);
    let first = listed[0]["id"].as_u64().unwrap();
    let after = cli.records(&["user", "list", "--after", &first.to_string()]);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["username"], b.as_str());

    let found = cli.records(&["user", "search", &a[..6].to_uppercase()]);
    assert!(
        found.iter().any(|u| u["username"] == a.as_str()),
        "{found:?}"
    );
    assert!(cli
        .records(&["user", "search", "nobody-by-this-name"])
        .is_empty());

    let banned = cli.one(&["user", "ban", &a, "--reason", "spam"]);
    assert_eq!(banned["banned"], true);
    let auth = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": a, "password": "s3cret-pass"}),
        )
        .await;
    assert_ne!(
        auth.body["status"], "ok",
        "a banned user signs in: {:?}",
        auth.body
    );
    assert_eq!(cli.one(&["user", "unban", &a])["banned"], false);
    assert_eq!(cli.one(&["user", "show", &a])["banned"], false);

    let unlocked = cli.one(&["user", "unlock", &b]);
    assert_eq!(unlocked["failed_logins"], 0);
    assert!(unlocked["locked_until"].is_null());
    assert!(cli
        .fails(&["user", "ban", "no_such_user_here"])
        .contains("no user"));

    let table = cli.run(&["user", "list", "--table"]);
    let text = String::from_utf8(table.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("_ID"), "{text}");
    assert_eq!(lines.count(), 2);
}

#[tokio::test]
async fn admin_actions_are_in_the_users_security_events() {
    let (env, cli) = setup().await;
    let a = unique_name("clie");
    account(&env, &a).await;
    cli.one(&["user", "ban", &a, "--reason", "spam"]);
    cli.one(&["user", "unban", &a]);
    cli.one(&["user", "unlock", &a]);
    let run = |args: &[&str]| assert!(cli.run(args).status.success(), "{args:?}");
    run(&["set-role", "--username", &a, "--role", "student"]);
    run(&["superuser", "--username", &a]);
    let events = cli.records(&["user", "events", &a]);
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "superuser_changed",
            "role_changed",
            "unlocked",
            "unbanned",
            "banned"
        ],
        "{events:?}"
    );
    assert!(events.iter().all(|e| e["actor"] == "operator"));
    assert_eq!(events[1]["detail"]["role"], "student");
    assert!(!format!("{events:?}").contains("spam"));

    // Pages of two: the next page's cursor is a note on stderr.
    let out = cli.run(&["user", "events", &a, "--limit", "2"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let note = String::from_utf8(out.stderr).unwrap();
    let cursor = note.split("--cursor ").nth(1).unwrap().trim().to_owned();
    let next = cli.records(&["user", "events", &a, "--limit", "2", "--cursor", &cursor]);
    assert_eq!(next[0]["kind"], "unlocked");
    assert!(cli
        .fails(&["user", "events", &a, "--cursor", "junk"])
        .contains("invalid cursor"));
    let table = cli.run(&["user", "events", &a, "--table"]);
    assert!(String::from_utf8(table.stdout)
        .unwrap()
        .starts_with("ACTOR"));
}

#[tokio::test]
async fn sites_are_listed_and_deleted() {
    let (env, cli) = setup().await;
    let (admin, member) = (unique_name("clisa"), unique_name("clism"));
    account(&env, &admin).await;
    account(&env, &member).await;
    let site = cli.one(&[
        "site",
        "create",
        "--title",
        "CLI",
        "--type",
        "shop",
        "--url",
        "https://cli.example.com",
        "--admin",
        &admin,
    ]);
    let id = site["id"].as_u64().unwrap().to_string();
    cli.one(&["site", "add-member", "--site", &id, "--username", &member]);
    let listed = cli.records(&["site", "list"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["members_count"], 2);

    let deleted = cli.one(&["site", "delete", &id]);
    assert_eq!(deleted["members_removed"], 2);
    assert!(cli.records(&["site", "list"]).is_empty());
    assert!(cli.fails(&["site", "delete", &id]).contains("no site"));
    // Nothing of the site is left: only users, their counters and sentinels.
    let leftovers: Vec<_> = env
        .items()
        .await
        .into_iter()
        .filter_map(|i| i["pk"].as_s().ok().cloned())
        .filter(|pk| pk.starts_with("SITE#"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn oauth_clients_are_updated() {
    let (_env, cli) = setup().await;
    let created = cli.one(&[
        "oauth-client",
        "create",
        "--name",
        "web",
        "--type",
        "public",
        "--redirect-uri",
        "https://app.example.com/cb",
        "--scopes",
        "delegated:profile:read",
    ]);
    let id = created["client_id"].as_str().unwrap();
    let updated = cli.one(&[
        "oauth-client",
        "update",
        id,
        "--name",
        "web two",
        "--redirect-uri",
        "https://app.example.com/cb2",
        "--redirect-uri",
        "http://127.0.0.1:8080/cb",
    ]);
    assert_eq!(updated["name"], "web two");
    assert_eq!(
        updated["redirect_uris"],
        json!(["https://app.example.com/cb2", "http://127.0.0.1:8080/cb"])
    );
    assert_eq!(updated["scopes"], "delegated:profile:read");
    let listed = cli.records(&["oauth-client", "list"]);
    assert_eq!(listed, vec![updated]);
    assert!(cli
        .fails(&[
            "oauth-client",
            "update",
            id,
            "--redirect-uri",
            "http://evil.example/cb"
        ])
        .contains("redirect URI"));
    assert!(cli
        .fails(&["oauth-client", "update", "cl_nope", "--name", "x"])
        .contains("no client"));
    assert!(cli
        .fails(&["oauth-client", "update", id])
        .contains("nothing to change"));
    cli.one(&["oauth-client", "delete", id]);
}

/// `platform outbox list` shows what is pending; `redrive` delivers it with
/// the sweeper's code, once, whatever the stream did; a rerun has nothing
/// left to do.
#[tokio::test]
async fn pending_outbox_items_are_listed_and_redriven_once() {
    let env = TestEnv::without_notifier(accounts::app).await;
    let cli = Cli {
        table: env.state.store.table().to_owned(),
        email_from: Some(env.state.config.email_from.clone()),
    };
    let to: Vec<String> = (0..3)
        .map(|_| format!("{}@example.com", unique_name("rd_")))
        .collect();
    for address in &to {
        let message =
            domain::Message::new(address, domain::MessageKind::ResetCode).with("code", "abc-def");
        env.state.store.queue_message(&message).await.unwrap();
    }
    // Younger than the default age: the stream's to deliver, not listed.
    assert!(cli.records(&["outbox", "list"]).is_empty());
    let listed = cli.records(&["outbox", "list", "--older-than", "0"]);
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.iter().all(|r| r["kind"] == "reset_code"));
    assert!(listed.iter().all(|r| r.get("data").is_none()));
    let table_out = cli.run(&["outbox", "list", "--older-than", "0", "--table"]);
    assert!(String::from_utf8_lossy(&table_out.stdout).contains("KIND"));

    let redriven = cli.records(&["outbox", "redrive", "--older-than", "0"]);
    let summary = redriven.last().unwrap();
    assert_eq!(summary["sent"], 3, "{redriven:?}");
    assert_eq!(summary["to_retry"], 0);
    assert!(redriven[..3].iter().all(|r| r["result"] == "sent"));
    for address in &to {
        assert_eq!(env.emails_to(address).await.len(), 1, "{address}");
    }
    assert!(cli
        .records(&["outbox", "list", "--older-than", "0"])
        .is_empty());
    let again = cli.records(&["outbox", "redrive", "--older-than", "0"]);
    assert_eq!(
        again,
        vec![json!({"redriven": 0, "sent": 0, "to_retry": 0})]
    );
    for address in &to {
        assert_eq!(env.emails_to(address).await.len(), 1, "{address}");
    }
}
