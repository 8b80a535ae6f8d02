//! Reading tokens, payloads and key sources: literal, `-` (standard input) or
//! `@PATH`; size limits enforced while reading, never after.

use std::io::Read;
use std::path::Path;

use super::Io;
use jose::{Error, RejectCode, Result};

/// Read at most `limit` bytes; `Ok(None)` when there is more.
pub fn read_limited(r: &mut dyn Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    read_limited_into(r, limit, Vec::new())
}

/// [`read_limited`] into `buf`, whose capacity may be sized beforehand.
fn read_limited_into(
    r: &mut dyn Read,
    limit: usize,
    mut buf: Vec<u8>,
) -> std::io::Result<Option<Vec<u8>>> {
    let cap = (limit as u64).saturating_add(1);
    r.take(cap).read_to_end(&mut buf)?;
    Ok(if buf.len() > limit { None } else { Some(buf) })
}

/// Read a file of at most `limit` bytes; `Ok(None)` when it is larger.
pub fn read_file_limited(path: &Path, limit: usize) -> Result<Option<Vec<u8>>> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::local_with(format!("cannot open {}", path.display()), e))?;
    // The size hint saves the doubling reads and copies of a large file.
    let hint = f.metadata().map_or(0, |m| m.len()).min(limit as u64);
    let buf = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
    read_limited_into(&mut f, limit, buf)
        .map_err(|e| Error::local_with(format!("cannot read {}", path.display()), e))
}

fn too_large(what: &str, limit: usize) -> Error {
    Error::rejected(
        RejectCode::TooLarge,
        format!("{what} is larger than the input limit of {limit} bytes (--max-input)"),
    )
}

/// Read a TOKEN argument (literal, `-`/absent: stdin, `@PATH`) and normalize
/// it (see `jose::token::normalize_token`). Over `limit` bytes is `too_large`.
pub fn read_token(io: &mut Io<'_>, arg: Option<&str>, limit: usize) -> Result<String> {
    token_text(read_token_bytes(io, arg, limit)?)
}

/// A token's bytes as read, normalized in their own buffer: a large JWE is
/// never copied whole.
fn token_text(raw: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(raw)
        .map_err(|_| Error::rejected(RejectCode::Malformed, "the token is not UTF-8 text"))?;
    Ok(jose::token::normalize_token_owned(text))
}

/// A TOKEN argument read for decryption.
pub enum JweInput {
    /// The normalized token text, as [`read_token`] gives it.
    Text(String),
    /// A large compact JWE from a file or standard input, parsed while it
    /// was read (`jose::jwe::stream`): the same verdict as on the text.
    Parsed(std::result::Result<Box<jose::jwe::Jwe>, jose::Rejection>),
}

/// [`read_token`] for `decrypt`: a large compact JWE from a file or
/// standard input is read in chunks, its ciphertext decoded straight into
/// the buffer that will hold the plaintext (peak memory about the
/// plaintext's size, not the token's and more).
pub fn read_jwe(io: &mut Io<'_>, arg: Option<&str>, limit: usize) -> Result<JweInput> {
    use jose::jwe::stream::{self, Streamed};
    let streamed = match arg {
        None | Some("-") => {
            let hint = stdin_file_len();
            let stdin = io.stdin_stream("the token")?;
            stream::read_compact(stdin, limit, hint)
                .map_err(|e| Error::local_with("cannot read the token from standard input", e))?
        }
        Some(a) if a.starts_with('@') => {
            let path = Path::new(&a[1..]);
            let mut f = std::fs::File::open(path)
                .map_err(|e| Error::local_with(format!("cannot open {}", path.display()), e))?;
            let len = f.metadata().map_or(0, |m| m.len());
            let read = if len < stream::CHUNK as u64 {
                // Small: read exactly as `read_file_limited` does.
                let buf =
                    Vec::with_capacity(usize::try_from(len.min(limit as u64)).unwrap_or(0) + 1);
                read_limited_into(&mut f, limit, buf)
                    .map(|b| b.map_or(Streamed::TooLarge, Streamed::Whole))
            } else {
                stream::read_compact(&mut f, limit, Some(len))
            };
            read.map_err(|e| Error::local_with(format!("cannot read {}", path.display()), e))?
        }
        Some(_) => return read_token(io, arg, limit).map(JweInput::Text),
    };
    match streamed {
        Streamed::Parsed(jwe) => Ok(JweInput::Parsed(jwe)),
        Streamed::Whole(raw) => token_text(raw).map(JweInput::Text),
        Streamed::TooLarge => Err(too_large("the token", limit)),
    }
}

/// The length of standard input when it is a regular file (`< big.jwe`),
/// to size the plaintext's buffer once.
fn stdin_file_len() -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
        let m = std::fs::File::from(fd).metadata().ok()?;
        m.is_file().then_some(m.len())
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Read a TOKEN argument's bytes without normalizing (for `--lines`).
pub fn read_token_bytes(io: &mut Io<'_>, arg: Option<&str>, limit: usize) -> Result<Vec<u8>> {
    match arg {
        None | Some("-") => io
            .read_stdin("the token", limit)?
            .ok_or_else(|| too_large("the token", limit)),
        Some(a) if a.starts_with('@') => read_file_limited(Path::new(&a[1..]), limit)?
            .ok_or_else(|| too_large("the token", limit)),
        Some(a) => {
            if a.len() > limit {
                return Err(too_large("the token", limit));
            }
            check_not_a_file_name(a)?;
            Ok(a.as_bytes().to_vec())
        }
    }
}

/// A TOKEN that is no token but names an existing file is the newcomer's
/// `jose decrypt -k app.key secret.jwe`: a usage error that shows the
/// `@PATH` form, never a "malformed token" rejection.
pub fn check_not_a_file_name(arg: &str) -> Result<()> {
    let t = arg.trim();
    // A path is short and one line; a JSON text (inspect's JWK) is no path
    // the user meant.
    if t.is_empty() || t.len() > 4096 || t.contains('\n') || t.starts_with('{') {
        return Ok(());
    }
    if looks_compact(jose::token::normalize_token(t).as_ref()) {
        return Ok(());
    }
    if std::fs::metadata(t).is_ok() {
        return Err(Error::usage(format!(
            "{t:?} is taken as a token, but it names a file: write @{t} to read the token from it"
        )));
    }
    Ok(())
}

/// Three or five parts, the first a base64url JSON object: a compact JWS
/// or JWE, whatever else a file of that name might be.
fn looks_compact(t: &str) -> bool {
    let parts = t.split('.').count();
    (parts == 3 || parts == 5)
        && t.split('.')
            .next()
            .and_then(jose::b64::decode)
            .is_some_and(|h| h.trim_ascii_start().starts_with(b"{"))
}
/// Read a FILE argument (path, `-`/absent: stdin) exactly, up to `limit` bytes.
pub fn read_payload(
    io: &mut Io<'_>,
    arg: Option<&str>,
    what: &str,
    limit: usize,
) -> Result<Vec<u8>> {
    let data = match arg {
        None | Some("-") => io.read_stdin(what, limit)?,
        Some(p) => read_file_limited(Path::new(p), limit)?,
    };
    data.ok_or_else(|| too_large(what, limit))
}

/// The largest key file read: keys, JWKS and certificate maps are small.
pub const MAX_KEY_SOURCE: usize = 16 << 20;

/// Read a local key SOURCE (path or `-`).
pub fn read_source(io: &mut Io<'_>, source: &str) -> Result<Vec<u8>> {
    let what = format!("key source {source}");
    let data = match source {
        "-" => io.read_stdin("a key", MAX_KEY_SOURCE)?,
        p => read_file_limited(Path::new(p), MAX_KEY_SOURCE)?,
    };
    data.ok_or_else(|| Error::local(format!("{what} is larger than {MAX_KEY_SOURCE} bytes")))
}
