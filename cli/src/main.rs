//! `tm`: Ticketmatic from the command line: headers for curl, signed widget
//! URLs, any API call, exports, a mock server for client tests, and the
//! conformance kit. This file is the table of commands; each command's work
//! is in its module. Credentials never come from an argument value
//! (`credentials.rs` says where they do come from); exit statuses are in
//! `failure.rs`.

mod api;
mod conformance;
mod credentials;
mod export;
mod failure;
mod files;
mod http;
mod mock;
mod output;
mod signing;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use credentials::Credentials;
pub use failure::Failure;
use ticketmatic_sign::Signer;

#[derive(Parser)]
#[command(
    name = "tm",
    version,
    about = "Ticketmatic request signing from the command line",
    after_help = failure::EXIT_CODES
)]
struct Cli {
    /// Read TM_ACCOUNT, TM_ACCESS_KEY and TM_SECRET_KEY from this file
    /// (NAME=value lines) instead of the environment.
    #[arg(long, value_name = "FILE")]
    credentials: Option<std::path::PathBuf>,

    /// The profile: the section of the credentials file headed `[NAME]`
    /// (also TM_PROFILE).
    #[arg(long, value_name = "NAME", conflicts_with = "demo")]
    profile: Option<String>,

    /// Use the example keys of Ticketmatic's documentation (account
    /// myaccountname, access key azertyuiop).
    #[arg(long, conflicts_with = "credentials")]
    demo: bool,

    /// Base URL of widget URLs and API calls (give it before the command).
    #[arg(long, value_name = "URL", env = "TM_BASE_URL",
          default_value = ticketmatic_sign::DEFAULT_BASE_URL)]
    base_url: String,

    /// Whether `base_url` came from TM_BASE_URL (clap says so), for its messages.
    #[arg(skip)]
    base_url_from_env: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Keyed(Keyed),
    /// Test an implementation in any language through an adapter program:
    /// run the conformance cases, write them to a file, or be the reference
    /// adapter. Needs no credentials.
    #[command(subcommand)]
    Conformance(conformance::Conformance),
    /// Print a completion script for a shell:
    /// tm completions bash > ~/.local/share/bash-completion/completions/tm
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// The commands that sign or verify with the user's key pair.
#[derive(Subcommand)]
enum Keyed {
    /// Print the Authorization header value for an API request.
    #[command(
        after_help = "Examples:\n  curl -H \"Authorization: $(tm header)\" https://apps.ticketmatic.com/api/1/$TM_ACCOUNT/events\n  tm --profile club header --at 2026-11-23T09:26:56Z"
    )]
    Header(signing::HeaderArgs),
    /// Print the signed URL of a widget.
    #[command(
        after_help = "Example:\n  tm widget-url addtickets event=123 l=fr returnurl=https://shop.example/done"
    )]
    WidgetUrl(signing::WidgetArgs),
    /// Check a return URL (or its query string): prints "valid" and exits 0,
    /// or prints the reason and exits 1.
    #[command(
        after_help = "Example:\n  tm verify-return-url 'https://shop.example/done?orderid=1&accesskey=...&signature=...'"
    )]
    VerifyReturnUrl {
        /// The URL Ticketmatic redirected to, or the part after '?'.
        url: String,
    },
    /// Print the exact text that is signed, to compare with another
    /// implementation's.
    #[command(subcommand)]
    Explain(Explain),
    /// Ask the server for its time and print how far this machine's clock is
    /// from it (the usual cause of refused signatures); exits 1 when it is
    /// too far for signatures to be accepted.
    Time {
        #[command(flatten)]
        timeout: http::Timeout,
    },
    /// Any signed API request: a path under /api/1/{account}/ or a full URL,
    /// any method, a JSON body, paging. Non-2xx answers print the server's
    /// message and exit 1.
    #[command(
        visible_alias = "get",
        after_help = "Examples:\n  tm api events\n  tm api 'events?limit=10' -i\n  tm api events --paginate --jsonl -o events.jsonl\n  tm api -X POST tools/queries -d '{\"query\": \"select id from tm.contact\"}'\n  tm api tools/queries -f query='select id from tm.contact'\n  tm api /api/1/_/tools/accounts"
    )]
    Api(api::ApiArgs),
    /// Export the records an SQL query selects (tools/queries/export), as
    /// JSON Lines or CSV, streamed. A file is written under a temporary name
    /// and renamed only once the export ended cleanly.
    #[command(
        after_help = "Examples:\n  tm export -q 'select id, name from tm.contact' -o contacts.jsonl\n  tm export -q 'select id, name from tm.contact' --format csv --limit 100 | head"
    )]
    Export(export::ExportArgs),
    /// Run a local stand-in for Ticketmatic for a client's tests: it checks
    /// every request's signature (or Basic authentication) against these
    /// credentials, answers in Ticketmatic's shapes, explains every refusal,
    /// and fails on demand.
    MockServer(mock::Options),
}

#[derive(Subcommand)]
#[command(
    after_help = "Example:\n  tm explain widget-url addtickets event=123 l=fr   # compare with the text your code signs"
)]
enum Explain {
    /// The text an API request's signature signs.
    Header(signing::HeaderArgs),
    /// The text a widget URL's signature signs.
    WidgetUrl(signing::WidgetArgs),
    /// The text a return URL's signature must sign, beside the signature
    /// the URL carries and whether they agree.
    ReturnUrl {
        /// The URL Ticketmatic redirected to, or the part after '?'.
        url: String,
    },
}

fn main() -> ExitCode {
    // Asked once, before any file is opened and could take its number.
    output::stdout_closed();
    files::clean_up_on_signals();
    let done = parse().and_then(run).and_then(|output| {
        // Commands that stream their output themselves return nothing.
        if output.is_empty() {
            return Ok(());
        }
        output::stdout(format!("{output}\n").as_bytes())
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                // Nowhere is left to report a failure to show this one.
                let _ = output::stderr(&failure.report());
            }
            ExitCode::from(failure.exit)
        }
    }
}

/// The command line; help, version and usage errors are printed here,
/// through clap, with their own exit statuses (0 and 2).
fn parse() -> Result<Cli, Failure> {
    use clap::{parser::ValueSource, CommandFactory, FromArgMatches};
    let parsed = Cli::command().try_get_matches().and_then(|matches| {
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.base_url_from_env = matches.value_source("base_url") == Some(ValueSource::EnvVariable);
        Ok(cli)
    });
    parsed.map_err(|e| {
        let exit = u8::try_from(e.exit_code()).unwrap_or(2);
        match e.print() {
            // A reader that went away does not change what the words meant.
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                output::write_failed("the usage text")(error)
            }
            _ => Failure {
                message: String::new(),
                exit,
                reason: None,
            },
        }
    })
}

fn run(cli: Cli) -> Result<String, Failure> {
    let command = match cli.command {
        Command::Conformance(command) => return conformance::run(command),
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails: it writes to
            // memory, and the script goes out as any other output does.
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "tm", &mut script);
            output::stdout(&script)?;
            return Ok(String::new());
        }
        Command::Keyed(command) => command,
    };
    let credentials = Credentials::choose(&credentials::Choice {
        demo: cli.demo,
        file: cli.credentials.as_deref(),
        profile: cli.profile.as_deref(),
    })?;
    // The core's rule for base URLs (SPEC section 7): refused, never rewritten.
    let signer = Signer::new(
        &credentials.access_key,
        credentials.secret_key.as_bytes(),
        &credentials.account,
    )?
    .with_base_url(&cli.base_url)
    .map_err(|e| {
        let source = if cli.base_url_from_env {
            "TM_BASE_URL"
        } else {
            "--base-url"
        };
        Failure::usage(format!("{source} {:?}: {e}", cli.base_url)).because(e)
    })?;

    match command {
        Keyed::Time { timeout } => http::time(&signer, timeout),
        Keyed::Api(args) => {
            api::run(&credentials, signer.base_url(), args)?;
            Ok(String::new())
        }
        Keyed::Export(args) => {
            export::run(&signer, args)?;
            Ok(String::new())
        }
        Keyed::MockServer(options) => {
            mock::run(credentials.clone(), options)?;
            Ok(String::new())
        }
        Keyed::Header(args) => signing::header(&signer, &args),
        Keyed::WidgetUrl(args) => signing::widget_url(&signer, &args),
        Keyed::VerifyReturnUrl { url } => signing::verify_return_url(&signer, &url),
        Keyed::Explain(Explain::Header(args)) => signing::explain_header(&signer, &args),
        Keyed::Explain(Explain::WidgetUrl(args)) => signing::explain_widget(&signer, &args),
        Keyed::Explain(Explain::ReturnUrl { url }) => signing::explain_return_url(&signer, &url),
    }
}
