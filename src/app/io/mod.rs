//! Input and output conventions shared by every subcommand.

pub mod input;
pub mod lines;
pub mod output;
pub mod prompt;

pub use input::{JweInput, read_jwe, read_payload, read_source, read_token};
pub use output::{Emit, emit, escape_controls, escape_json_controls};

use std::io::{Read, Write};

use jose::{Error, Result};

/// The process's standard streams, and the one-stdin rule.
pub struct Io<'a> {
    stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether standard output is a terminal (payloads then get a final newline).
    pub stdout_is_tty: bool,
    /// Whether standard input is a terminal: a read then says so first.
    pub stdin_is_tty: bool,
    /// Whether bytes are waiting on standard input, so that input a command
    /// does not read can be named instead of dropped.
    pub stdin_may_hold_data: bool,
    stdin_taken_by: Option<String>,
}

impl<'a> Io<'a> {
    pub fn new(
        stdin: &'a mut dyn Read,
        stdout: &'a mut dyn Write,
        stderr: &'a mut dyn Write,
        stdout_is_tty: bool,
    ) -> Io<'a> {
        Io {
            stdin,
            stdout,
            stderr,
            stdout_is_tty,
            stdin_is_tty: false,
            stdin_may_hold_data: false,
            stdin_taken_by: None,
        }
    }

    /// The one-stdin rule, checked before anything is read: `inputs` names
    /// each input of the command with whether it would read standard
    /// input. Two or more is a usage error naming the first two, so that
    /// neither is consumed (and misread) before the rule is applied.
    pub fn one_stdin(&self, inputs: &[(&str, bool)]) -> Result<()> {
        let mut on_stdin = inputs
            .iter()
            .filter(|(_, uses)| *uses)
            .map(|(what, _)| *what);
        if let (Some(first), Some(second)) = (on_stdin.next(), on_stdin.next()) {
            return Err(Error::usage(format!(
                "both {first} and {second} would read standard input; give one of them as a file"
            )));
        }
        Ok(())
    }

    /// Whether an input has read (or claimed) standard input.
    pub fn stdin_claimed(&self) -> bool {
        self.stdin_taken_by.is_some()
    }

    /// Claim standard input for `what`. At most one input may be standard
    /// input in one call; a second claim is a usage error.
    pub fn claim_stdin(&mut self, what: &str) -> Result<()> {
        if let Some(first) = &self.stdin_taken_by {
            return Err(Error::usage(format!(
                "both {first} and {what} would read standard input; give one of them as a file"
            )));
        }
        self.stdin_taken_by = Some(what.to_owned());
        if self.stdin_is_tty {
            // Otherwise a command waiting for input looks like one that hangs.
            self.note(format!(
                "jose: reading {what} from standard input (the terminal); end it with Ctrl-D"
            ));
        }
        Ok(())
    }

    /// Read standard input for `what`, up to `limit` bytes. `Ok(None)` when
    /// the input is longer than `limit`.
    pub fn read_stdin(&mut self, what: &str, limit: usize) -> Result<Option<Vec<u8>>> {
        self.claim_stdin(what)?;
        input::read_limited(&mut self.stdin, limit)
            .map_err(|e| Error::local_with(format!("cannot read {what} from standard input"), e))
    }

    /// Standard input as a stream for `what`, claimed on the first call;
    /// later calls for the same `what` continue reading it (batch readers).
    pub fn stdin_stream(&mut self, what: &str) -> Result<&mut dyn Read> {
        if self.stdin_taken_by.as_deref() != Some(what) {
            self.claim_stdin(what)?;
        }
        Ok(&mut *self.stdin)
    }

    /// Look at standard input without reading it: a terminal, or bytes
    /// waiting to be read.
    pub fn probe_stdin(&mut self) {
        use std::io::IsTerminal;
        self.stdin_is_tty = std::io::stdin().is_terminal();
        self.stdin_may_hold_data = !self.stdin_is_tty && stdin_may_hold_data();
    }

    /// A line on standard error: `jose: warning: …`.
    pub fn warn(&mut self, msg: impl std::fmt::Display) {
        // A closed standard error leaves no better place to report to.
        let _ = writeln!(self.stderr, "jose: warning: {msg}");
    }

    /// A line on standard error without a prefix (notes, progress).
    pub fn note(&mut self, msg: impl std::fmt::Display) {
        let _ = writeln!(self.stderr, "{msg}");
    }
}

/// Bytes waiting on standard input (a pipe written to, the rest of a
/// file). A writer that has not written yet is missed: that costs a
/// warning, where reading to find out could wait forever.
#[cfg(unix)]
fn stdin_may_hold_data() -> bool {
    rustix::io::ioctl_fionread(std::io::stdin()).is_ok_and(|n| n > 0)
}

#[cfg(not(unix))]
fn stdin_may_hold_data() -> bool {
    false
}

/// Whether a path argument names standard input.
pub fn is_stdin(path: Option<&std::path::Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}
