//! `platform`: the operator CLI. It talks to the same table through the
//! shared crate, with the same environment as the functions
//! (TABLE_NAME, EMAIL_FROM, AWS_* / AWS_ENDPOINT_URL). Every command prints
//! JSON lines (`--table` for people: output.rs).

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use table::Store;

mod api_keys;
mod app_users;
mod aws;
mod bootstrap;
mod local_guard;
mod oauth_clients;
mod outbox;
mod output;
mod roles;
mod signing_keys;
mod sites;
mod user;
mod user_events;
mod webhook;

#[derive(Parser)]
#[command(
    name = "platform",
    version,
    about = "Operator commands for the identity platform",
    long_about = "Operator commands for the identity platform. Every command prints its \
                  records as JSON lines on stdout (one object a line, for jq and scripts); \
                  --table prints them as columns for people. Notes go to stderr."
)]
struct Cli {
    /// Print records as aligned columns instead of JSON lines.
    #[arg(long, global = true)]
    table: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage the API keys of backend callers (`X-API-Key`).
    #[command(subcommand)]
    ApiKey(api_keys::ApiKeyCommand),
    /// Manage the OAuth clients (public / confidential, redirect URIs, scopes).
    #[command(subcommand)]
    OauthClient(oauth_clients::OAuthClientCommand),
    /// Manage the keys that sign JWT access tokens.
    #[command(subcommand)]
    SigningKey(signing_keys::SigningKeyCommand),
    /// Create what a stack needs, each only if missing (idempotent): the
    /// table with its stream (TABLE_NAME), the SES sender identity
    /// (EMAIL_FROM), the profile-picture bucket (PROFILE_PICTURE_BUCKET), the
    /// secrets key's alias locally (SECRETS_KEY_ID), an active JWT signing
    /// key (sealed under it), and the App Users API's countries and cities.
    Bootstrap,
    /// Look users up (`platform user show <username|email|id>`: every id the surfaces use).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage the Sites API's sites, members and admins (the API has no "create site").
    #[command(subcommand)]
    Site(sites::SiteCommand),
    /// The email outbox: list the items still pending, re-drive them by
    /// hand (what the scheduled sweep does every 5 minutes).
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// Manage the endpoints signed webhooks go to, their deliveries and replays.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Manage the App Users API's country / city catalogue.
    #[command(subcommand)]
    Place(app_users::PlaceCommand),
    /// Set (or with --off clear) the operator-only `is_superuser` flag.
    Superuser {
        /// The account's username.
        #[arg(long, conflicts_with = "id", required_unless_present = "id")]
        username: Option<String>,
        /// The account's 24-hex id.
        #[arg(long)]
        id: Option<String>,
        /// Clear the flag instead of setting it.
        #[arg(long)]
        off: bool,
    },
    /// Set an account's role (the only way to make a moderator).
    SetRole {
        /// The account's username.
        #[arg(long, conflicts_with = "id", required_unless_present = "id")]
        username: Option<String>,
        /// The account's 24-hex id.
        #[arg(long)]
        id: Option<String>,
        /// ghost, student or moderator
        #[arg(long)]
        role: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = |name: &str| std::env::var(name).ok();
    let local = local_guard::check(env).and_then(|()| local_guard::emulator_answers(env));
    if let Err(message) = local {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    let config = identity::Config::from_env();
    let sdk = aws::sdk_config().await;
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    let result = match cli.command {
        Command::ApiKey(command) => {
            api_keys::run(&Store::new(dynamo, config.table_name.as_str()), command).await
        }
        Command::OauthClient(command) => {
            oauth_clients::run(&Store::new(dynamo, config.table_name.as_str()), command).await
        }
        Command::SigningKey(command) => {
            let keys = kms::Kms::from_env(&sdk);
            let store = Store::new(dynamo, config.table_name.as_str());
            signing_keys::run(&store, &keys, command).await
        }
        Command::Site(command) => {
            sites::run(
                &Store::new(dynamo, config.table_name.as_str()),
                &config,
                command,
            )
            .await
        }
        Command::User(command) => {
            user::run(&Store::new(dynamo, config.table_name.as_str()), command).await
        }
        Command::Outbox(command) => {
            let store = Store::new(dynamo, config.table_name.as_str());
            let ses = aws_sdk_sesv2::Client::new(&sdk);
            outbox::run(&store, ses, &config, command).await
        }
        Command::Webhook(command) => {
            let keys = kms::Kms::from_env(&sdk);
            let store = Store::new(dynamo, config.table_name.as_str());
            webhook::run(&store, &keys, command).await
        }
        Command::Place(command) => {
            app_users::place(&Store::new(dynamo, config.table_name.as_str()), command).await
        }
        Command::Superuser { username, id, off } => {
            let store = Store::new(dynamo, config.table_name.as_str());
            app_users::superuser(&store, username, id, off).await
        }
        Command::Bootstrap => {
            let keys = kms::Kms::from_env(&sdk);
            bootstrap::bootstrap(&dynamo, &aws_sdk_sesv2::Client::new(&sdk), &keys, &config).await
        }
        Command::SetRole { username, id, role } => {
            roles::set_role(
                &Store::new(dynamo, config.table_name.as_str()),
                username,
                id,
                &role,
            )
            .await
        }
    };
    match result {
        Ok(records) => match output::write(&mut std::io::stdout().lock(), &records, cli.table) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: writing the output: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// `platform <any> --help` explains itself: every subcommand, at every
    /// depth, and every argument has a help text.
    #[test]
    fn every_subcommand_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in cmd.get_subcommands() {
                let here = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(here.clone());
                }
                for arg in sub.get_arguments() {
                    let id = arg.get_id().as_str();
                    if arg.get_help().is_none() && !matches!(id, "help" | "version" | "table") {
                        missing.push(format!("{here} <{id}>"));
                    }
                }
                walk(sub, &here, missing);
            }
        }
        let cli = Cli::command();
        cli.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&cli, "platform", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }

    #[test]
    fn it_knows_its_version() {
        let err = Cli::command()
            .try_get_matches_from(["platform", "--version"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
        assert!(err.to_string().contains(env!("CARGO_PKG_VERSION")));
    }
}
