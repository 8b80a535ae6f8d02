//! The `--lines` reader: a stream of tokens, one per line, from standard
//! input, `@FILE` or the argument, read in batches.
//!
//! The stream as a whole is unbounded. Each line is held to `--max-input`
//! and each batch to a line count and a byte budget, so memory stays at two
//! batches (the one being checked and the next, read meanwhile) however long
//! the stream is. Each line is normalized like a single TOKEN argument
//! (`jose::token::normalize_token`).

use std::sync::Arc;

use jose::{Error, RejectCode, Rejection, Result};

use super::Io;

/// Lines per batch: enough to keep every thread busy, few enough that the
/// first reports come out early.
pub const BATCH_LINES: usize = 8192;
/// Lines in the first batch, which is read before any thread can start:
/// batches then double up to `BATCH_LINES`, so the threads wait for 1,024
/// lines (under a millisecond) rather than 8,192.
const FIRST_BATCH_LINES: usize = 1024;
/// Token bytes per batch; a batch always takes at least one line.
pub const BATCH_BYTES: usize = 16 << 20;

/// Bytes asked of the source per read: large, so a batch is a few reads.
const READ: usize = 1 << 20;

/// One non-blank input line: its number, and where its token is in the
/// batch's text (`None` when the line was longer than the input limit).
struct Line {
    no: usize,
    token: Option<std::ops::Range<usize>>,
}

/// Lines read together: their tokens, normalized, side by side in one
/// string, so a line costs no allocation of its own.
pub struct Batch {
    text: String,
    lines: Vec<Line>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line `i`'s number in the input.
    pub fn line_no(&self, i: usize) -> usize {
        // The callers count up to `len()`: another index is a bug, and a
        // report numbered 0 would hide it.
        self.lines
            .get(i)
            .map(|l| l.no)
            .expect("a line index within the batch")
    }

    /// Line `i`'s token; `None` when the line was over the input limit.
    pub fn token(&self, i: usize) -> Option<&str> {
        let r = self.lines.get(i)?.token.clone()?;
        self.text.get(r)
    }

    fn push(&mut self, no: usize, line: &[u8], limit: usize, overlong: &mut bool) {
        if std::mem::take(overlong) || line.len() > limit {
            self.lines.push(Line { no, token: None });
            return;
        }
        // `from_utf8` has an ASCII fast path that the lossy decoder lacks;
        // tokens are ASCII, so the lossy one only runs for garbage lines.
        let text = match std::str::from_utf8(line) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(line),
        };
        let token = jose::token::normalize_token(&text);
        if !token.is_empty() {
            let start = self.text.len();
            self.text.push_str(&token);
            self.lines.push(Line {
                no,
                token: Some(start..self.text.len()),
            });
        }
    }
}

/// Where the lines come from: standard input, `@FILE`, or the literal
/// argument.
enum Source {
    Stdin,
    File(std::fs::File),
    Literal(std::io::Cursor<Vec<u8>>),
}

/// A stream of tokens, one per line, read in batches.
pub struct Lines {
    src: Source,
    limit: usize,
    /// Token bytes per batch (`BATCH_BYTES`; smaller in tests).
    budget: usize,
    /// Lines in the next batch: `FIRST_BATCH_LINES`, doubling to `BATCH_LINES`.
    max_lines: usize,
    /// Bytes are read straight into `buf`; `buf[start..filled]` is what has
    /// not been split into lines yet. Its capacity is kept initialized so a
    /// read needs no zeroing; it grows only for a line longer than it.
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    line_no: usize,
    /// The current line has already outgrown the limit and is being skipped.
    overlong: bool,
    eof: bool,
    /// A checked batch handed back for its memory: the next batch fills it
    /// instead of touching fresh pages.
    spare: Option<Batch>,
}

impl Lines {
    pub fn open(arg: Option<&str>, limit: usize) -> Result<Lines> {
        let src = match arg {
            None | Some("-") => Source::Stdin,
            Some(a) if a.starts_with('@') => {
                let path = a.get(1..).unwrap_or_default();
                Source::File(std::fs::File::open(path).map_err(|e| {
                    Error::local_with(format!("cannot read the tokens from {path}"), e)
                })?)
            }
            Some(a) => {
                super::input::check_not_a_file_name(a)?;
                Source::Literal(std::io::Cursor::new(a.as_bytes().to_vec()))
            }
        };
        Ok(Lines {
            src,
            limit,
            budget: BATCH_BYTES,
            max_lines: FIRST_BATCH_LINES,
            buf: Vec::new(),
            start: 0,
            filled: 0,
            line_no: 0,
            overlong: false,
            eof: false,
            spare: None,
        })
    }

    /// Move on to the batch read meanwhile, keeping the memory of the one
    /// just reported for the batch after. A read error surfaces here, after
    /// the lines read before it were reported.
    pub fn advance(&mut self, batch: &mut Arc<Batch>, next: Result<Batch>) -> Result<()> {
        let done = std::mem::replace(batch, Arc::new(next?));
        // The jobs have let go of it by now (`Pool::map`); if not, it is
        // simply dropped.
        if let Ok(done) = Arc::try_unwrap(done) {
            self.spare = Some(done);
        }
        Ok(())
    }

    /// Read more after `filled`, first moving the unsplit rest to the front
    /// (at most one partial line) and growing the buffer if a line fills it.
    fn fill(&mut self, io: &mut Io<'_>) -> Result<usize> {
        use std::io::Read;
        self.buf.copy_within(self.start..self.filled, 0);
        self.filled -= self.start;
        self.start = 0;
        if self.buf.len() - self.filled < READ {
            self.buf.resize(self.filled + READ, 0);
        }
        // `resize` above left room after `filled`; reading into an empty
        // slice would return 0 and end the stream early, silently.
        let buf = self
            .buf
            .get_mut(self.filled..)
            .expect("the buffer has room after `filled`");
        let r = match &mut self.src {
            Source::Stdin => io.stdin_stream("the tokens")?.read(buf),
            Source::File(f) => f.read(buf),
            Source::Literal(c) => c.read(buf),
        };
        let n = r.map_err(|e| Error::local_with("cannot read the tokens", e))?;
        self.filled += n;
        Ok(n)
    }

    /// The next batch of non-blank lines; empty at the end of the input.
    pub fn next_batch(&mut self, io: &mut Io<'_>) -> Result<Batch> {
        let mut out = match self.spare.take() {
            Some(mut b) => {
                b.text.clear();
                b.lines.clear();
                b
            }
            // Room for a full batch of ID-token-sized (1 KiB) lines.
            None => Batch {
                text: String::with_capacity(self.budget.min(BATCH_LINES * 1024)),
                lines: Vec::with_capacity(BATCH_LINES),
            },
        };
        let max_lines = self.max_lines;
        self.max_lines = (max_lines * 2).min(BATCH_LINES);
        while out.lines.len() < max_lines && out.text.len() < self.budget {
            let pending = self.buf.get(self.start..self.filled).unwrap_or_default();
            // The dispatching memchr (AVX2 here): its one CPU detection is
            // paid once per stream, unlike in the one-token path.
            if let Some(rel) = memchr::memchr(b'\n', pending) {
                self.line_no += 1;
                let line = pending.get(..rel).unwrap_or_default();
                out.push(self.line_no, line, self.limit, &mut self.overlong);
                self.start += rel + 1;
                continue;
            }
            if self.eof {
                if !pending.is_empty() || self.overlong {
                    self.line_no += 1;
                    out.push(self.line_no, pending, self.limit, &mut self.overlong);
                }
                self.start = self.filled;
                break;
            }
            // A line that outgrows the limit is dropped up to its newline.
            if pending.len() > self.limit {
                self.start = self.filled;
                self.overlong = true;
            }
            if self.fill(io)? == 0 {
                self.eof = true;
            }
        }
        Ok(out)
    }
}

/// The rejection of a line longer than `--max-input`.
pub fn too_large(limit: usize) -> Rejection {
    Rejection::new(
        RejectCode::TooLarge,
        format!("the token is larger than the input limit of {limit} bytes (--max-input)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches(input: &[u8], limit: usize, budget: usize) -> Vec<Vec<(usize, Option<usize>)>> {
        let mut stdin = input;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = Io::new(&mut stdin, &mut out, &mut err, false);
        let mut lines = Lines::open(None, limit).expect("stdin");
        lines.budget = budget;
        let mut all = Vec::new();
        loop {
            let b = lines.next_batch(&mut io).expect("read");
            if b.is_empty() {
                return all;
            }
            all.push(
                (0..b.len())
                    .map(|i| (b.line_no(i), b.token(i).map(str::len)))
                    .collect(),
            );
        }
    }

    #[test]
    fn a_batch_stops_at_its_byte_budget() {
        // 7 KiB lines, 16 KiB budget: the third crosses it and ends the
        // batch, so a batch holds at most the budget plus one line.
        let line = "A".repeat(7 << 10);
        let input = format!("{line}\n").repeat(5);
        let got = batches(input.as_bytes(), 8 << 10, 16 << 10);
        let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 2]);
        assert_eq!(got[1][1], (5, Some(7 << 10)));
    }

    #[test]
    fn batches_grow_to_their_line_count_and_numbers_run_on() {
        let lines = 1024 + 2048 + 4096 + 2 * BATCH_LINES + 5;
        let input = "t\n\n".repeat(lines);
        let got = batches(input.as_bytes(), 100, BATCH_BYTES);
        let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1024, 2048, 4096, BATCH_LINES, BATCH_LINES, 5]);
        // Blank lines are skipped but counted.
        assert_eq!(got[5][0].0, 2 * (lines - 5) + 1);
    }

    #[test]
    fn overlong_lines_are_kept_as_numbered_rejections() {
        // Longer than one read, so it is dropped while read.
        let long = "B".repeat(READ * 2 + 7);
        let input = format!("ok\n{long}\nok\n{long}");
        let got = batches(input.as_bytes(), 1000, BATCH_BYTES);
        assert_eq!(
            got,
            [vec![(1, Some(2)), (2, None), (3, Some(2)), (4, None)]]
        );
    }
}
