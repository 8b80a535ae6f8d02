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
