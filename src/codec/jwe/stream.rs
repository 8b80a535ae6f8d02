//! A large compact JWE read from a stream: its ciphertext part is
//! base64url-decoded chunk by chunk, as it is read, into the one buffer that
//! will hold the plaintext, so the token is never held whole (a 16 MiB
//! plaintext is a 21 MiB token).
//!
//! The rules stay those of [`token::normalize_token`] and
//! [`super::parse_owned`], applied to the token with its ciphertext part
//! taken out (the "skeleton": everything up to the third dot, then
//! everything from the fourth). That is the same judgement as on the whole
//! text because every rule there but two reads only the text's ends up to
//! the first and from the last dot (white space, quotes, `Authorization:`,
//! `Bearer `: none of them holds a dot), and the two that read it all are
//! told apart by what the ciphertext part cannot hold: a URL needs a `?` or
//! `#`, and joining folded lines needs white space. Whatever the stream does
//! not settle that way (no third dot early, any byte outside base64url
//! before the last dot, a long or dotted last part, non-ASCII text, a `?`
//! or `#`, a JSON text) is handed back whole, exactly as read, for the
//! one-buffer reader.

use std::io::{ErrorKind, Read};

use super::Jwe;
use super::parse::parse_skeleton;
use crate::codec::{b64, token};
use crate::model::error::Rejection;

/// Bytes read at a time. Input that ends within the first chunk is handed
/// back whole: a small token gains nothing from streaming.
pub const CHUNK: usize = 256 * 1024;

/// Most bytes before the ciphertext part: the header, the encrypted key,
/// the IV and whatever was pasted before them.
const HEAD_MAX: usize = 64 * 1024;

/// Most bytes from the last dot on: the tag and whatever follows it.
const TAIL_MAX: usize = 4 * 1024;

/// What [`read_compact`] read.
#[derive(Debug)]
pub enum Streamed {
    /// A compact JWE judged as [`token::normalize_token`] and
    /// [`super::parse_owned`] judge the whole text, its ciphertext decoded
    /// as it was read.
    Parsed(Result<Jwe, Rejection>),
    /// The input, byte for byte, for the one-buffer reader: small, not a
    /// compact JWE, or shaped so that only the whole text decides.
    Whole(Vec<u8>),
    /// More than the limit's bytes.
    TooLarge,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Up to and including the third dot.
    Head,
    /// The ciphertext part, decoded as it comes.
    Body,
    /// From the next dot on.
    Tail,
}

struct Reader {
    part: Part,
    head: Vec<u8>,
    dots: usize,
    /// The decoded ciphertext is `out[..written]`; the rest is spare room,
    /// allocated zeroed and so not faulted in before it is written.
    out: Vec<u8>,
    written: usize,
    /// The last, incomplete group of the ciphertext part.
    carry: [u8; 4],
    carry_len: usize,
    tail: Vec<u8>,
    size_hint: usize,
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

impl Reader {
    /// Make room for `n` more decoded bytes.
    fn reserve(&mut self, n: usize) {
        let need = self.written + n;
        if need > self.out.len() {
            let grown = need.max(self.out.len().saturating_mul(2));
            self.out.resize(grown, 0);
        }
    }

    fn decode_groups(&mut self, src: &[u8]) -> bool {
        self.reserve(src.len() / 4 * 3);
        match b64::decode_groups_into(src, &mut self.out[self.written..]) {
            Some(n) => {
                self.written += n;
                true
            }
            None => false,
        }
    }

    /// Decode the base64url bytes at the start of `data` (the ciphertext
    /// part); returns how many were taken: all of `data`, or up to the
    /// first byte outside the alphabet.
    fn feed_body(&mut self, data: &[u8]) -> usize {
        let mut i = 0;
        if self.carry_len > 0 {
            while self.carry_len < 4 && i < data.len() {
                if !is_b64url(data[i]) {
                    return i;
                }
                self.carry[self.carry_len] = data[i];
                self.carry_len += 1;
                i += 1;
            }
            if self.carry_len < 4 {
                return i;
            }
            self.carry_len = 0;
            let group = self.carry;
            let ok = self.decode_groups(&group);
            debug_assert!(ok, "four alphabet bytes decode");
        }
        let rest = &data[i..];
        let full = rest.len() / 4 * 4;
        let (groups, tail_end) = if self.decode_groups(&rest[..full]) {
            (full, rest.len())
        } else {
            // Once per stream, at the ciphertext's end: where it stops.
            let stop = rest
                .iter()
                .position(|&c| !is_b64url(c))
                .expect("a failed decoding has a byte outside the alphabet");
            let groups = stop / 4 * 4;
            let ok = self.decode_groups(&rest[..groups]);
            debug_assert!(ok, "alphabet bytes decode");
            (groups, stop)
        };
        for (k, &c) in rest[groups..tail_end].iter().enumerate() {
            if !is_b64url(c) {
                return i + groups + k;
            }
            self.carry[self.carry_len] = c;
            self.carry_len += 1;
        }
        i + tail_end
    }

    /// The input read so far, byte for byte: the ciphertext part's groups
    /// are re-encoded, which gives back their text (a group has no spare
    /// bits, and only alphabet bytes were decoded).
    fn rebuild(&mut self, more: &[u8]) -> Vec<u8> {
        let mut text = String::new();
        b64::encode_into(&self.out[..self.written], &mut text);
        self.out = Vec::new();
        let mut raw = Vec::with_capacity(self.size_hint.max(
            self.head.len() + text.len() + self.carry_len + self.tail.len() + more.len(),
        ));
        raw.extend_from_slice(&self.head);
        raw.extend_from_slice(text.as_bytes());
        raw.extend_from_slice(&self.carry[..self.carry_len]);
        raw.extend_from_slice(&self.tail);
        raw.extend_from_slice(more);
        raw
    }

    /// Take one read's bytes; `Some(raw)` when the stream is to be read
    /// whole from here on (`raw` is everything read so far).
    fn take(&mut self, mut data: &[u8]) -> Option<Vec<u8>> {
        loop {
            match self.part {
                Part::Head => {
                    let mut at = 0;
                    while self.dots < 3 {
                        match memchr::memchr(b'.', &data[at..]) {
                            Some(p) => {
                                self.dots += 1;
                                at += p + 1;
                            }
                            None => break,
                        }
                    }
                    let taken = if self.dots == 3 { at } else { data.len() };
                    if self.head.len() + taken > HEAD_MAX {
                        return Some(self.rebuild(data));
                    }
                    self.head.extend_from_slice(&data[..taken]);
                    data = &data[taken..];
                    if self.dots < 3 {
                        return None;
                    }
                    self.part = Part::Body;
                }
                Part::Body => {
                    let n = self.feed_body(data);
                    data = &data[n..];
                    match data.first() {
                        None => return None,
                        Some(b'.') => self.part = Part::Tail,
                        Some(_) => return Some(self.rebuild(data)),
                    }
                }
                Part::Tail => {
                    let from = usize::from(self.tail.is_empty());
                    let dotted = data.get(from..).and_then(|d| memchr::memchr(b'.', d));
                    if dotted.is_some() || self.tail.len() + data.len() > TAIL_MAX {
                        return Some(self.rebuild(data));
                    }
                    self.tail.extend_from_slice(data);
                    return None;
                }
            }
        }
    }

    /// The end of the stream.
    fn finish(mut self) -> Streamed {
        if self.part != Part::Tail {
            return Streamed::Whole(self.rebuild(&[]));
        }
        let mut skeleton = self.head.clone();
        skeleton.extend_from_slice(&self.tail);
        if !skeleton.is_ascii() || memchr::memchr2(b'?', b'#', &skeleton).is_some() {
            return Streamed::Whole(self.rebuild(&[]));
        }
        let skeleton = String::from_utf8(skeleton).expect("ASCII is UTF-8");
        let parsed = parse_skeleton(&token::normalize_token(&skeleton), || {
            let mut ct = std::mem::take(&mut self.out);
            ct.truncate(self.written);
            if self.carry_len == 0 {
                return Some(ct);
            }
            let last = b64::decode(&self.carry[..self.carry_len])?;
            ct.extend_from_slice(&last);
            Some(ct)
        });
        match parsed {
            Some(r) => Streamed::Parsed(r),
            None => Streamed::Whole(self.rebuild(&[])),
        }
    }
}

fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Read a token of at most `limit` bytes from `r` (a file's length as
/// `size_hint` sizes the buffers). A large compact JWE comes back parsed,
/// its ciphertext decoded as it was read, under exactly the rules of
/// [`token::normalize_token_owned`] and [`super::parse_owned`] on the whole
/// text; anything else comes back whole.
pub fn read_compact(
    r: &mut dyn Read,
    limit: usize,
    size_hint: Option<u64>,
) -> std::io::Result<Streamed> {
    let mut r = r.take((limit as u64).saturating_add(1));
    let mut buf = vec![0u8; CHUNK];
    let mut n = 0;
    while n < CHUNK {
        match read_some(&mut r, &mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    if n < CHUNK {
        if n > limit {
            return Ok(Streamed::TooLarge);
        }
        buf.truncate(n);
        return Ok(Streamed::Whole(buf));
    }
    let hint = size_hint.map_or(0, |h| usize::try_from(h.min(limit as u64)).unwrap_or(0));
    let mut reader = Reader {
        part: Part::Head,
        head: Vec::new(),
        dots: 0,
        // Sized from the file when known: the decoded part is 3/4 of it.
        out: vec![0u8; hint / 4 * 3 + 3],
        written: 0,
        carry: [0; 4],
        carry_len: 0,
        tail: Vec::new(),
        size_hint: hint,
    };
    let mut total = n;
    if total > limit {
        return Ok(Streamed::TooLarge);
    }
    let mut whole = reader.take(&buf[..n]);
    while whole.is_none() {
        let k = read_some(&mut r, &mut buf)?;
        if k == 0 {
            break;
        }
        total += k;
        if total > limit {
            return Ok(Streamed::TooLarge);
        }
        whole = reader.take(&buf[..k]);
    }
    let Some(mut raw) = whole else {
        return Ok(reader.finish());
    };
    drop(buf);
    r.read_to_end(&mut raw)?;
    Ok(if raw.len() > limit {
        Streamed::TooLarge
    } else {
        Streamed::Whole(raw)
    })
}
