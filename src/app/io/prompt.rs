//! Password prompts on the controlling terminal, with echo off, as
//! `openssl` and `ssh-keygen` ask: written to and read from `/dev/tty`, so
//! standard input and output stay free for data. Scripts use the
//! `--*-password-file`/`--*-password-env` flags; a prompt is only offered
//! when standard input is a terminal.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};

use rustix::termios::{self, LocalModes, OptionalActions};
use zeroize::Zeroizing;

use jose::{Error, Result, Secret};

/// The longest password read from the terminal.
const MAX_PASSWORD: usize = 4096;

/// Whether a prompt may be offered: standard input is a terminal and the
/// process has a controlling terminal to ask on.
pub fn available() -> bool {
    termios::isatty(std::io::stdin()) && File::open("/dev/tty").is_ok()
}

/// Ask for a password on the terminal. `confirm` asks a second time and
/// requires both answers to match: for a password that protects something
/// new, where a typo would lock the owner out.
pub fn password(prompt: &str, confirm: bool) -> Result<Secret> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|e| Error::local_with("cannot open the terminal to ask for a password", e))?;
    let first = ask(&tty, prompt)?;
    if first.is_empty() {
        return Err(Error::usage("the password is empty"));
    }
    if confirm {
        let again = ask(&tty, "Verifying - enter the password again: ")?;
        if *again != *first {
            return Err(Error::usage("the two passwords differ"));
        }
    }
    Ok(first)
}

/// One prompt and one line read with echo off; the terminal's modes are
/// restored whatever happens.
fn ask(tty: &File, prompt: &str) -> Result<Secret> {
    let io_err = |e: std::io::Error| Error::local_with("cannot ask for a password", e);
    let saved = termios::tcgetattr(tty).map_err(|e| io_err(e.into()))?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    // Echo off, except for the newline that ends the line, so the next
    // prompt starts on a line of its own.
    quiet.local_modes.insert(LocalModes::ECHONL);
    let mut w = tty;
    w.write_all(prompt.as_bytes()).map_err(io_err)?;
    w.flush().map_err(io_err)?;
    // Now, not Flush: typed-ahead input is the answer, not noise to drop.
    termios::tcsetattr(tty, OptionalActions::Now, &quiet).map_err(|e| io_err(e.into()))?;
    let mut line = Zeroizing::new(Vec::new());
    // At most MAX_PASSWORD bytes: a terminal fed a stream cannot fill memory.
    // In canonical mode a read returns at most one line, so nothing after
    // the answer is consumed.
    let read = BufReader::new(tty.take(MAX_PASSWORD as u64))
        .read_until(b'\n', &mut line)
        .map_err(io_err);
    let restored = termios::tcsetattr(tty, OptionalActions::Now, &saved);
    read?;
    restored.map_err(|e| io_err(e.into()))?;
    if line.ends_with(b"\n") {
        line.pop();
    }
    if line.ends_with(b"\r") {
        line.pop();
    }
    Ok(line)
}
