//! `platform`: the operator CLI. It talks to the same table through the
//! shared crate, with the same environment as the functions
//! (TABLE_NAME, EMAIL_FROM, AWS_* / AWS_ENDPOINT_URL).

use clap::{Parser, Subcommand};
use shared::store::Store;
use std::process::ExitCode;

mod bootstrap;
mod roles;

#[derive(Parser)]
#[command(
    name = "platform",
    about = "Operator commands for the identity platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create what the local stack needs (table, SES sender identity). Idempotent.
    Bootstrap,
    /// Set an account's role (the only way to make a moderator).
    SetRole {
        #[arg(long, conflicts_with = "id", required_unless_present = "id")]
        username: Option<String>,
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
    let config = shared::Config::from_env();
    let sdk = shared::aws::sdk_config().await;
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    let result = match cli.command {
        Command::Bootstrap => {
            bootstrap::bootstrap(&dynamo, &aws_sdk_sesv2::Client::new(&sdk), &config).await
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
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
