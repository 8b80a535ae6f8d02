//! Input and output conventions shared by every subcommand.

pub mod input;
pub mod lines;
pub mod output;
pub mod prompt;

pub use input::{read_payload, read_source, read_token};
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
            stdin_taken_by: None,
        }
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
