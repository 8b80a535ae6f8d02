//! Tokens as people paste them: with white space around, after
//! `Bearer `, or inside a redirect URL. What counts as a token is a parse
//! concern, so the batch reader and the one-token reader share it.

use std::borrow::Cow;

/// Strip surrounding white space and a leading `Bearer ` (any case), and
/// take the token out of a URL whose query or fragment carries
/// `access_token=`, `id_token=` or `token=`. A text is a URL only when it
/// starts with a scheme: a verdict must never apply to a substring of some
/// other text that merely contains `?token=`.
///
/// Other pasted shapes are forgiven too: a whole `Authorization: Bearer …`
/// header line, surrounding single or double quotes, and a compact token
/// folded over lines or broken by spaces (a terminal's or a mail client's
/// wrapping), which is joined again.
///
/// Borrows from `text` unless the token had to be taken out of a URL or
/// joined. Every scan of the whole text stops early or is a `memchr`
/// (SIMD for bulk input, see `b64::simd`): a 16 MiB JWE passes through here.
pub fn normalize_token(text: &str) -> Cow<'_, str> {
    if is_bare_compact(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    normalize_pasted(text)
}

/// [`normalize_token`] of a text that may hold more than a bare token.
fn normalize_pasted(text: &str) -> Cow<'_, str> {
    let mut t = unquote(text.trim());
    if t.len() >= 14 && t.as_bytes()[..14].eq_ignore_ascii_case(b"authorization:") {
        t = t[14..].trim_start();
    }
    if t.len() >= 7 && t.as_bytes()[..7].eq_ignore_ascii_case(b"bearer ") {
        t = unquote(t[7..].trim_start());
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
    if let Some(joined) = unfold(t) {
        return Cow::Owned(joined);
    }
    Cow::Borrowed(t)
}

/// Whether `text` holds only base64url characters and dots, as a bare
/// compact token does: nothing in it is cut or joined (white space, quotes,
/// an `Authorization:` or `Bearer` prefix, a URL's `:`), so it is its own
/// token. One pass without an early exit, which the compiler vectorizes:
/// the byte loops below took 3.5 % of a one-thread `verify --lines` run's
/// cycles (`perf record`).
fn is_bare_compact(text: &[u8]) -> bool {
    !text.is_empty()
        && text.iter().fold(true, |ok, &c| {
            ok & (c.is_ascii_alphanumeric() | (c == b'-') | (c == b'_') | (c == b'.'))
        })
}

/// [`normalize_token`] of an owned text, in its own buffer: when the token
/// is the text or a slice of it (surrounding white space, quotes, `Bearer`),
/// the text is cut down to it instead of copied, so a large JWE read whole
/// is never duplicated.
pub fn normalize_token_owned(mut text: String) -> String {
    let (start, len) = match normalize_token(&text) {
        Cow::Owned(v) => return v,
        Cow::Borrowed(t) => (t.as_ptr() as usize - text.as_ptr() as usize, t.len()),
    };
    text.truncate(start + len);
    if start > 0 {
        text.drain(..start);
    }
    text
}

/// Whether `b` holds ASCII white space (`u8::is_ascii_whitespace`: space,
/// tab, line feed, form feed, carriage return): two SIMD passes over bulk
/// input, one byte loop over a short token (as fast there, without the
/// dispatching memchr's CPU detection).
fn has_whitespace(b: &[u8]) -> bool {
    if crate::codec::b64::simd(b.len()) {
        memchr::memchr3(b' ', b'\n', b'\r', b).is_some()
            || memchr::memchr2(b'\t', 0x0c, b).is_some()
    } else {
        b.iter().any(u8::is_ascii_whitespace)
    }
}

/// The text inside one pair of matching quotes around it, trimmed.
fn unquote(t: &str) -> &str {
    let b = t.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'"' | b'\'') && b[b.len() - 1] == b[0] {
        t[1..t.len() - 1].trim()
    } else {
        t
    }
}

/// A compact token with white space inside (folded lines, spaces), joined
/// again; `None` when there is no inner white space or the text holds
/// anything but base64url characters, dots and white space (a JSON
/// serialization, a sentence: those are left alone).
fn unfold(t: &str) -> Option<String> {
    let b = t.as_bytes();
    if !has_whitespace(b) {
        return None;
    }
    let compact = b.iter().all(|&c| {
        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.') || c.is_ascii_whitespace()
    });
    if !compact || !b.contains(&b'.') {
        return None;
    }
    Some(t.split_ascii_whitespace().collect())
}

/// RFC 3986's `scheme ":"` at the start: `https:`, `wss:`, an app's
/// `com.example.app:` (RFC 8252 redirects have a single slash). Neither a
/// compact token (base64url and dots) nor a JSON text can start this way.
fn starts_with_scheme(t: &str) -> bool {
    let b = t.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    // The scan stops at the first byte that cannot be in a scheme (in a
    // compact token: the first `_`, or the end), never looking further.
    let end = b[1..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
        .map_or(b.len(), |i| i + 1);
    b.get(end) == Some(&b':')
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
    use super::{is_bare_compact, normalize_pasted, normalize_token, normalize_token_owned};

    #[test]
    fn a_bare_compact_text_is_its_own_normalized_token() {
        // The shortcut gives what the full rules give.
        let bare = [
            "eyJhbGciOiJIUzI1NiJ9.e30.sig-_x",
            "a",
            ".",
            "a.b.c.d.e",
            "0-_.",
        ];
        for t in bare {
            assert!(is_bare_compact(t.as_bytes()), "{t}");
            assert_eq!(normalize_pasted(t), t);
        }
        // Everything the rules may change is outside the shortcut.
        let other = [
            "",
            " eyJ.e30.sig",
            "eyJ.e30.sig\r",
            "\"eyJ.e30.sig\"",
            "Bearer eyJ.e30.sig",
            "https://x.example/cb#id_token=eyJ.e30.sig",
            "eyJ.e3\t0.sig",
            "{\"payload\":\"e30\"}",
            "eyJ.e30.sig=",
            "eyJ.é.sig",
        ];
        for t in other {
            assert!(!is_bare_compact(t.as_bytes()), "{t:?}");
        }
    }

    #[test]
    fn owned_is_the_borrowed_result_in_the_same_buffer() {
        for text in [
            "a.b.c",
            "  Bearer a.b.c\n",
            "Authorization: Bearer 'a.b.c'\r\n",
            "eyJh.eyJz\n dGF0.c2ln\r\nYXR1",
            "https://x.example/hub?id=1&access_token=a.b.c",
            "{\"a\": 1}\n",
            "",
        ] {
            assert_eq!(
                normalize_token_owned(text.to_owned()),
                normalize_token(text)
            );
        }
        // Nothing to change, or only the surroundings: no copy.
        for text in ["a.b.c", "a.b.c\n", "\"a.b.c\"", " Bearer a.b.c"] {
            let s = text.to_owned();
            let p = s.as_ptr();
            let out = normalize_token_owned(s);
            assert_eq!(out, "a.b.c");
            assert_eq!(out.as_ptr(), p, "{text:?} was copied");
        }
    }

    #[test]
    fn bulk_text_takes_the_simd_scans() {
        // Past the bulk threshold: white space far inside is still found
        // (a folded large token is joined), and a large plain token is kept.
        let big = "A".repeat(100_000);
        let folded = format!("eyJh.{big}\t{big}.sig");
        assert_eq!(normalize_token(&folded), format!("eyJh.{big}{big}.sig"));
        let plain = format!("eyJh.{big}.sig\n");
        assert_eq!(normalize_token(&plain), plain.trim_end());
        assert!(matches!(
            normalize_token(&plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bearer_and_whitespace() {
        assert_eq!(normalize_token("  Bearer a.b.c\n"), "a.b.c");
        assert_eq!(normalize_token("bearer a.b.c"), "a.b.c");
        assert_eq!(normalize_token("BEARER   a.b.c"), "a.b.c");
        assert_eq!(normalize_token("a.b.c\r\n"), "a.b.c");
    }

    #[test]
    fn pasted_shapes() {
        assert_eq!(normalize_token("Authorization: Bearer a.b.c"), "a.b.c");
        assert_eq!(normalize_token("authorization:bearer  a.b.c\r\n"), "a.b.c");
        assert_eq!(normalize_token("\"a.b.c\""), "a.b.c");
        assert_eq!(normalize_token("'a.b.c'\n"), "a.b.c");
        assert_eq!(normalize_token("Bearer \"a.b.c\""), "a.b.c");
        assert_eq!(
            normalize_token("eyJh.eyJz\n dGF0.c2ln\r\nYXR1"),
            "eyJh.eyJzdGF0.c2lnYXR1"
        );
        assert_eq!(normalize_token("ab cd.ef gh.ij"), "abcd.efgh.ij");
        // Not a compact token: left alone.
        assert_eq!(normalize_token("{\"a\": 1}"), "{\"a\": 1}");
        assert_eq!(normalize_token("not a token"), "not a token");
        assert_eq!(normalize_token("\"a.b.c"), "\"a.b.c");
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
