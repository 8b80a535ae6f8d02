//! Reading tokens, payloads and key sources: literal, `-` (standard input) or
//! `@PATH`; size limits enforced while reading, never after.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use super::Io;
use crate::error::{Error, RejectCode, Result};

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
/// it (see [`normalize_token`]). Over `limit` bytes is `too_large`.
pub fn read_token(io: &mut Io<'_>, arg: Option<&str>, limit: usize) -> Result<String> {
    let raw = read_token_bytes(io, arg, limit)?;
    let text = String::from_utf8(raw)
        .map_err(|_| Error::rejected(RejectCode::Malformed, "the token is not UTF-8 text"))?;
    Ok(normalize_token(&text).into_owned())
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
            Ok(a.as_bytes().to_vec())
        }
    }
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

/// Strip surrounding white space and a leading `Bearer ` (any case), and
/// take the token out of a URL whose query or fragment carries
/// `access_token=`, `id_token=` or `token=`. A text is a URL only when it
/// starts with a scheme: a verdict must never apply to a substring of some
/// other text that merely contains `?token=`.
///
/// Borrows from `text` unless the token had to be taken out of a URL.
pub fn normalize_token(text: &str) -> Cow<'_, str> {
    let mut t = text.trim();
    if t.len() >= 7 && t.as_bytes()[..7].eq_ignore_ascii_case(b"bearer ") {
        t = t[7..].trim_start();
    }
    // One word-at-a-time pass (this runs for every `--lines` token), with
    // the portable memchr: the dispatching one would ask the CPU for AVX2,
    // and CPUID traps to the hypervisor on VMs (5 % of a one-token process).
    if starts_with_scheme(t)
        && memchr::arch::all::memchr::Two::new(b'?', b'#')
            .find(t.as_bytes())
            .is_some()
        && let Some(v) = token_from_url(t)
    {
        return Cow::Owned(v);
    }
    Cow::Borrowed(t)
}

/// RFC 3986's `scheme ":"` at the start: `https:`, `wss:`, an app's
/// `com.example.app:` (RFC 8252 redirects have a single slash). Neither a
/// compact token (base64url and dots) nor a JSON text can start this way.
fn starts_with_scheme(t: &str) -> bool {
    let b = t.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    colon > 0
        && b[0].is_ascii_alphabetic()
        && b[1..colon]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

fn token_from_url(url: &str) -> Option<String> {
    let start = url.find(['?', '#'])?;
    let params = url[start + 1..].split(['&', '#', '?']);
    let mut found: Option<(usize, String)> = None;
    for p in params {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        // Prefer the most specific name when several are present.
        let rank = match k {
            "id_token" => 0,
            "access_token" => 1,
            "token" => 2,
            _ => continue,
        };
        if found.as_ref().is_none_or(|(r, _)| rank < *r) {
            found = Some((rank, percent_decode(v)?));
        }
    }
    found.map(|(_, v)| v)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::normalize_token;

    #[test]
    fn bearer_and_whitespace() {
        assert_eq!(normalize_token("  Bearer a.b.c\n"), "a.b.c");
        assert_eq!(normalize_token("bearer a.b.c"), "a.b.c");
        assert_eq!(normalize_token("BEARER   a.b.c"), "a.b.c");
        assert_eq!(normalize_token("a.b.c\r\n"), "a.b.c");
    }

    #[test]
    fn urls() {
        assert_eq!(
            normalize_token("https://x.example/hub?id=1&access_token=a.b.c"),
            "a.b.c"
        );
        assert_eq!(
            normalize_token("https://app.example/cb#state=s&id_token=h.p.s&token_type=Bearer"),
            "h.p.s"
        );
        assert_eq!(normalize_token("wss://h/x?token=a%2Eb.c"), "a.b.c");
        assert_eq!(normalize_token("{\"a\":\"?\"}"), "{\"a\":\"?\"}");
        assert_eq!(
            normalize_token("com.example.app:/cb?id_token=h.p.s"),
            "h.p.s"
        );
    }

    #[test]
    fn a_url_only_when_the_text_starts_with_a_scheme() {
        // A token, or other text, that merely contains `?token=` is left
        // whole: the verdict is on the whole input or nothing.
        for t in [
            "a.b.c?token=x.y.z",
            "see https://x.example/?token=x.y.z",
            "/path/cb?id_token=x.y.z",
            "1http://x/?token=x.y.z",
            ":x?token=x.y.z",
        ] {
            assert_eq!(normalize_token(t), t);
        }
    }
}
