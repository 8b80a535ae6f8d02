//! The `jose` binary: parse the command line, run it, and turn the outcome
//! into the exit status of the contract ([`exit`]).
//!
//! Everything that knows about clap, the standard streams or exit codes
//! lives under `src/app/`; the library (`jose::…`) knows none of them.

mod batch;
mod cli;
mod clock;
mod cmd;
mod exit;
mod io;
mod render;
mod settings;
mod sources;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return exit::clap_error(e),
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut stdin = stdin.lock();
    let mut stdout_lock = stdout.lock();
    let mut stderr = std::io::stderr();
    let tty = std::io::stdout().is_terminal();
    let mut io = io::Io::new(&mut stdin, &mut stdout_lock, &mut stderr, tty);
    io.probe_stdin();
    match cmd::run(&cli, &mut io) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => exit::report(&e),
    }
}
