//! The `jose` binary: parse the command line, run it, map the outcome to the
//! exit status of the contract (0 ok, 1 rejected, 2 usage/local, 3 remote).

mod cli;
mod cmd;
mod io;
mod sources;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut stdin = stdin.lock();
    let mut stdout_lock = stdout.lock();
    let mut stderr = std::io::stderr();
    let tty = std::io::stdout().is_terminal();
    let mut io = io::Io::new(&mut stdin, &mut stdout_lock, &mut stderr, tty);
    match cmd::run(&cli, &mut io) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            // anyhow renders the whole cause chain on one line with {:#};
            // a key id or claim quoted in it must keep it one line, inert.
            let line = format!("{:#}", anyhow::Error::new(e));
            eprintln!("jose: error: {}", io::escape_controls(&line, &[]));
            ExitCode::from(code as u8)
        }
    }
}

/// `Cli::try_parse`, except that the parser's tables are left for the exit to
/// release with everything else: dropping them one by one was 5 % of the
/// instructions of a whole one-token `jose verify`.
fn parse_args() -> Result<cli::Cli, clap::Error> {
    let mut cmd = cli::Cli::command();
    let mut matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    let cli = cli::Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd));
    std::mem::forget(matches);
    std::mem::forget(cmd);
    cli
}

/// A reader that went away (`jose … | head`) is not an error.
fn is_broken_pipe(e: &jose::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        src = s.source();
    }
    false
}

/// Help and version go to standard output with status 0; every usage error
/// is one `jose: error:` line with status 2.
fn clap_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let msg = first.strip_prefix("error: ").unwrap_or(first);
            let tip = rendered
                .lines()
                .find_map(|l| l.trim().strip_prefix("tip: "))
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            eprintln!("jose: error: {msg}{tip}; see 'jose --help'");
            ExitCode::from(2)
        }
    }
}
