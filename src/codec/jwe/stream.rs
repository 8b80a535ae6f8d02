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
    Parsed(Result<Box<Jwe>, Rejection>),
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

/// Where the decoded ciphertext goes: the buffer sized from the input's
/// length (the plaintext will be decrypted in place there), then, for an
/// input that outgrew its length or had none, a vector grown as needed.
struct Sink<'a> {
    cur: &'a mut [u8],
    /// Bytes written into the sized buffer, all at its start.
    at: usize,
    extra: Vec<u8>,
    staging: Vec<u8>,
}

impl Sink<'_> {
    /// Decode whole groups from the start of `src` (a multiple of 4
    /// bytes); returns how many bytes of `src` were decoded: all, or up to
    /// a group with a byte outside the alphabet.
    fn decode_groups(&mut self, src: &[u8]) -> usize {
        let room = (self.cur.len() - self.at) / 3;
        let groups = (src.len() / 4).min(room);
        let part = &src[..groups * 4];
        let Some(n) = b64::decode_groups_into(part, &mut self.cur[self.at..]) else {
            return 0;
        };
        self.at += n;
        if part.len() == src.len() {
            return part.len();
        }
        part.len() + self.decode_extra(&src[part.len()..])
    }

    /// Past the sized buffer: decoded into a reused staging buffer and
    /// appended, so the growing vector holds only what was decoded.
    fn decode_extra(&mut self, src: &[u8]) -> usize {
        let mut done = 0;
        for part in src.chunks(4 * 16 * 1024) {
            self.staging.resize(part.len() / 4 * 3, 0);
            match b64::decode_groups_into(part, &mut self.staging) {
                Some(n) => self.extra.extend_from_slice(&self.staging[..n]),
                None => return done,
            }
            done += part.len();
        }
        done
    }
}

/// How reading stopped.
enum End {
    /// At the end of the input.
    Eof,
    /// Read whole from here on: these bytes follow what was taken.
    Whole(Vec<u8>),
    /// Over the limit.
    TooLarge,
}

struct Reader {
    part: Part,
    head: Vec<u8>,
    dots: usize,
    /// The last, incomplete group of the ciphertext part.
    carry: [u8; 4],
    carry_len: usize,
    tail: Vec<u8>,
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

impl Reader {
    /// Decode the base64url bytes at the start of `data` (the ciphertext
    /// part); returns how many were taken: all of `data`, or up to the
    /// first byte outside the alphabet.
    fn feed_body(&mut self, sink: &mut Sink<'_>, data: &[u8]) -> usize {
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
            let n = sink.decode_groups(&group);
            debug_assert_eq!(n, 4, "four alphabet bytes decode");
        }
        let rest = &data[i..];
        let full = rest.len() / 4 * 4;
        let mut end = rest.len();
        let mut groups = sink.decode_groups(&rest[..full]);
        if groups < full {
            // Once per stream, at the ciphertext's end: where it stops.
            end = groups
                + rest[groups..]
                    .iter()
                    .position(|&c| !is_b64url(c))
                    .expect("a failed decoding has a byte outside the alphabet");
            let whole = end / 4 * 4;
            let n = sink.decode_groups(&rest[groups..whole]);
            debug_assert_eq!(n, whole - groups, "alphabet bytes decode");
            groups = whole;
        }
        for (k, &c) in rest[groups..end].iter().enumerate() {
            if !is_b64url(c) {
                return i + groups + k;
            }
            self.carry[self.carry_len] = c;
            self.carry_len += 1;
        }
        i + end
    }

    /// Take one read's bytes; `Some(rest)` when the stream is to be read
    /// whole from here on (`rest`: the bytes of `data` not taken).
    fn take(&mut self, sink: &mut Sink<'_>, mut data: &[u8]) -> Option<Vec<u8>> {
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
                        return Some(data.to_vec());
                    }
                    self.head.extend_from_slice(&data[..taken]);
                    data = &data[taken..];
                    if self.dots < 3 {
                        return None;
                    }
                    self.part = Part::Body;
                }
                Part::Body => {
                    let n = self.feed_body(sink, data);
                    data = &data[n..];
                    match data.first() {
                        None => return None,
                        Some(b'.') => self.part = Part::Tail,
                        Some(_) => return Some(data.to_vec()),
                    }
                }
                Part::Tail => {
                    let from = usize::from(self.tail.is_empty());
                    let dotted = data.get(from..).and_then(|d| memchr::memchr(b'.', d));
                    if dotted.is_some() || self.tail.len() + data.len() > TAIL_MAX {
                        return Some(data.to_vec());
                    }
                    self.tail.extend_from_slice(data);
                    return None;
                }
            }
        }
    }

    /// The input taken so far, byte for byte, then `more`: the ciphertext
    /// part's groups are re-encoded, which gives back their text (a group
    /// has no spare bits, and only alphabet bytes were decoded).
    fn rebuild(&self, decoded: Vec<u8>, more: &[u8], size_hint: usize) -> Vec<u8> {
        let mut text = String::new();
        b64::encode_into(&decoded, &mut text);
        drop(decoded);
        let mut raw = Vec::with_capacity(
            size_hint
                .max(self.head.len() + text.len() + self.carry_len + self.tail.len() + more.len()),
        );
        raw.extend_from_slice(&self.head);
        raw.extend_from_slice(text.as_bytes());
        raw.extend_from_slice(&self.carry[..self.carry_len]);
        raw.extend_from_slice(&self.tail);
        raw.extend_from_slice(more);
        raw
    }

    /// The end of the stream: the verdict on the skeleton, or `None` when
    /// the whole text must decide.
    fn finish(&self, decoded: &mut Option<Vec<u8>>) -> Option<Result<Jwe, Rejection>> {
        if self.part != Part::Tail {
            return None;
        }
        let mut skeleton = self.head.clone();
        skeleton.extend_from_slice(&self.tail);
        if !skeleton.is_ascii() || memchr::memchr2(b'?', b'#', &skeleton).is_some() {
            return None;
        }
        let skeleton = String::from_utf8(skeleton).expect("ASCII is UTF-8");
        parse_skeleton(&token::normalize_token(&skeleton), || {
            let mut ct = decoded.take().expect("decoded once");
            if self.carry_len > 0 {
                ct.extend_from_slice(&b64::decode(&self.carry[..self.carry_len])?);
            }
            Some(ct)
        })
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
    // The first chunk read as the whole-text reader reads a small input:
    // a small token costs no chunk-sized buffer.
    let first = size_hint.map_or(0, |h| usize::try_from(h).unwrap_or(CHUNK).min(CHUNK));
    let mut buf = Vec::with_capacity(first);
    (&mut r).take(CHUNK as u64).read_to_end(&mut buf)?;
    let n = buf.len();
    if n > limit {
        return Ok(Streamed::TooLarge);
    }
    if n < CHUNK {
        return Ok(Streamed::Whole(buf));
    }
    let hint = size_hint.map_or(0, |h| usize::try_from(h.min(limit as u64)).unwrap_or(0));
    // The decoded ciphertext is 3/4 of the input; allocated zeroed, so its
    // pages are mapped only as the decoder writes them.
    let mut out = vec![0u8; if hint > 0 { hint / 4 * 3 + 3 } else { 0 }];
    let mut reader = Reader {
        part: Part::Head,
        head: Vec::new(),
        dots: 0,
        carry: [0; 4],
        carry_len: 0,
        tail: Vec::new(),
    };
    let mut sink = Sink {
        cur: &mut out,
        at: 0,
        extra: Vec::new(),
        staging: Vec::new(),
    };
    let mut total = n;
    let mut end = match reader.take(&mut sink, &buf[..n]) {
        Some(rest) => End::Whole(rest),
        None => End::Eof,
    };
    while matches!(end, End::Eof) {
        let k = read_some(&mut r, &mut buf)?;
        if k == 0 {
            break;
        }
        total += k;
        if total > limit {
            end = End::TooLarge;
            break;
        }
        if let Some(rest) = reader.take(&mut sink, &buf[..k]) {
            end = End::Whole(rest);
        }
    }
    let (in_buf, extra) = (sink.at, sink.extra);
    drop(buf);
    let out = if in_buf == 0 {
        // No length to size by (a pipe): all of it is in `extra`, not copied.
        extra
    } else {
        out.truncate(in_buf);
        out.extend_from_slice(&extra);
        out
    };
    let mut raw = match end {
        End::TooLarge => return Ok(Streamed::TooLarge),
        End::Eof => {
            let mut decoded = Some(out);
            if let Some(verdict) = reader.finish(&mut decoded) {
                return Ok(Streamed::Parsed(verdict.map(Box::new)));
            }
            let decoded = decoded.expect("not taken when the skeleton is not judged");
            return Ok(Streamed::Whole(reader.rebuild(decoded, &[], hint)));
        }
        End::Whole(rest) => reader.rebuild(out, &rest, hint),
    };
    r.read_to_end(&mut raw)?;
    Ok(if raw.len() > limit {
        Streamed::TooLarge
    } else {
        Streamed::Whole(raw)
    })
}
