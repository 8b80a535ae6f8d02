//! Writing the primary result: standard output, or a file written atomically
//! (temp file, then link/rename), 0600 for secrets, never writing to an
//! existing path without `--force` (a character device excepted).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use super::Io;
use crate::cli::OutputArgs;
use jose::{Error, Result};

/// What kind of result is written, which decides the final newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    /// A token or other text line: always followed by one newline.
    Line,
    /// A payload or plaintext: exact bytes; a newline only on a terminal.
    Bytes,
    /// Text that carries its own line ends (reports, scripts): exact bytes.
    Exact,
    /// Binary data (DER): exact bytes, never a newline, and never to a
    /// terminal, where it would be garbage or worse (escape sequences).
    Binary,
}

/// The TTY rule, the one place it lives: binary output goes to a file or a
/// pipe, never to a terminal. Commands that do slow work before writing
/// (`keygen`) ask early, with the same rule [`emit`] applies.
pub fn check_binary_destination(io: &Io<'_>, out: &OutputArgs, what: &str) -> Result<()> {
    let to_stdout = out.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
    if to_stdout && io.stdout_is_tty {
        return Err(Error::usage(format!(
            "refusing to write {what} to a terminal: use -o PATH or redirect"
        )));
    }
    Ok(())
}

/// Write the primary result to `-o PATH` or standard output.
pub fn emit(
    io: &mut Io<'_>,
    out: &OutputArgs,
    data: &[u8],
    kind: Emit,
    secret: bool,
) -> Result<()> {
    if kind == Emit::Binary {
        check_binary_destination(io, out, "binary DER")?;
    }
    match &out.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut buf = data.to_vec();
            if kind == Emit::Line && !buf.ends_with(b"\n") {
                buf.push(b'\n');
            }
            jose::fs::write_file(path, &buf, secret, out.force)
        }
        _ => {
            let w = &mut io.stdout;
            let newline = match kind {
                Emit::Line => !data.ends_with(b"\n"),
                Emit::Bytes => io.stdout_is_tty && !data.ends_with(b"\n"),
                Emit::Exact | Emit::Binary => false,
            };
            w.write_all(data)
                .and_then(|_| if newline { w.write_all(b"\n") } else { Ok(()) })
                .and_then(|_| w.flush())
                .map_err(|e| Error::local_with("cannot write to standard output", e))
        }
    }
}

/// `text` with every terminal control character (C0, DEL, C1) but those in
/// `keep` written as a `\u{..}` escape: text taken from an input (a
/// certificate name, a key id) must not move the cursor, retitle the
/// window or forge a line of our output.
pub fn escape_controls<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    escape_with(
        text,
        |c| !keep.contains(&c),
        |out, c| write!(out, "\\u{{{c:x}}}"),
    )
}

/// A compact JSON text (no line breaks) with DEL and the C1 controls, which
/// JSON allows raw inside strings, written as `\uXXXX` escapes (serde_json
/// already escapes C0): the same JSON value, safe to show on a terminal.
pub fn escape_json_controls(json: String) -> String {
    match escape_with(&json, |_| true, |out, c| write!(out, "\\u{c:04x}")) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    }
}

/// `text` with each control character `c` for which `escape(c)` holds
/// replaced by what `write` writes for its code point.
fn escape_with(
    text: &str,
    escape: impl Fn(char) -> bool,
    write: impl Fn(&mut String, u32) -> std::fmt::Result,
) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && escape(c);
    if !text.contains(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            // Writing to a String cannot fail.
            let _ = write(&mut out, u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
