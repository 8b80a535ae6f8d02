//! `--lines`, shared by `verify` and `decrypt`: a stream of tokens, one per
//! line, read in batches, checked on every core and reported in input order.
//!
//! The stream as a whole is unbounded. Each line is held to `--max-input`
//! and each batch to a line count and a byte budget, so memory stays at two
//! batches (the one being checked and the next, read meanwhile) however long
//! the stream is.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cli::OutputArgs;
use crate::error::{Error, RejectCode, Rejection, Result};
use crate::io::{self, AtomicFile, Emit, Io};

/// Lines per batch: enough to keep every thread busy, few enough that the
/// first reports come out early.
const BATCH_LINES: usize = 8192;
/// Token bytes per batch; a batch always takes at least one line.
const BATCH_BYTES: usize = 16 << 20;
/// Tokens a thread claims at a time: small, so the threads finish a batch
/// together even when RSA and HMAC tokens are mixed.
const CHUNK: usize = 16;
/// More threads than this only adds scheduling.
const MAX_THREADS: usize = 256;

/// One non-blank input line: its number, and its token or `None` when the
/// line was longer than the input limit.
pub struct Line {
    pub no: usize,
    pub token: Option<String>,
}

/// Where the lines come from: standard input, `@FILE`, or the literal
/// argument.
enum Source {
    Stdin,
    File(std::fs::File),
    Literal(std::io::Cursor<Vec<u8>>),
}

pub struct Lines {
    src: Source,
    limit: usize,
    /// Token bytes per batch (`BATCH_BYTES`; smaller in tests).
    budget: usize,
    /// Bytes read but not yet split into lines, from `start` on: lines are
    /// consumed by moving `start`, since shifting the buffer per line cost as
    /// much as parsing the token's JSON.
    carry: Vec<u8>,
    start: usize,
    chunk: Vec<u8>,
    line_no: usize,
    /// The current line has already outgrown the limit and is being skipped.
    overlong: bool,
    eof: bool,
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
            Some(a) => Source::Literal(std::io::Cursor::new(a.as_bytes().to_vec())),
        };
        Ok(Lines {
            src,
            limit,
            budget: BATCH_BYTES,
            carry: Vec::new(),
            start: 0,
            chunk: vec![0u8; 1 << 16],
            line_no: 0,
            overlong: false,
            eof: false,
        })
    }

    fn read(&mut self, io: &mut Io<'_>) -> Result<usize> {
        use std::io::Read;
        let buf = &mut self.chunk;
        let r = match &mut self.src {
            Source::Stdin => io.stdin_stream("the tokens")?.read(buf),
            Source::File(f) => f.read(buf),
            Source::Literal(c) => c.read(buf),
        };
        r.map_err(|e| Error::local_with("cannot read the tokens", e))
    }

    /// The next batch of non-blank lines; empty at the end of the input.
    pub fn next_batch(&mut self, io: &mut Io<'_>) -> Result<Vec<Line>> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        while out.len() < BATCH_LINES && bytes < self.budget {
            let pending = self.carry.get(self.start..).unwrap_or_default();
            if let Some(rel) = pending.iter().position(|b| *b == b'\n') {
                let end = self.start + rel;
                let start = std::mem::replace(&mut self.start, end + 1);
                self.line_no += 1;
                let line = self.carry.get(start..end).unwrap_or_default();
                bytes += line.len();
                push_line(&mut out, self.line_no, line, self.limit, &mut self.overlong);
                continue;
            }
            self.carry.drain(..self.start);
            self.start = 0;
            if self.eof {
                if !self.carry.is_empty() || self.overlong {
                    self.line_no += 1;
                    let line = std::mem::take(&mut self.carry);
                    push_line(
                        &mut out,
                        self.line_no,
                        &line,
                        self.limit,
                        &mut self.overlong,
                    );
                }
                break;
            }
            let n = self.read(io)?;
            if n == 0 {
                self.eof = true;
                continue;
            }
            self.carry
                .extend_from_slice(self.chunk.get(..n).unwrap_or_default());
            // A line that outgrows the limit is dropped up to its newline.
            if !self.carry.contains(&b'\n') && self.carry.len() > self.limit {
                self.carry.clear();
                self.overlong = true;
            }
        }
        Ok(out)
    }
}

fn push_line(out: &mut Vec<Line>, no: usize, line: &[u8], limit: usize, overlong: &mut bool) {
    if std::mem::take(overlong) || line.len() > limit {
        out.push(Line { no, token: None });
        return;
    }
    // `from_utf8` has an ASCII fast path that the lossy decoder lacks;
    // tokens are ASCII, so the lossy one only runs for garbage lines.
    let text = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(line),
    };
    if !text.trim().is_empty() {
        out.push(Line {
            no,
            token: Some(io::input::normalize_token(&text)),
        });
    }
}

/// The rejection of a line longer than `--max-input`.
pub fn too_large(limit: usize) -> Rejection {
    Rejection::new(
        RejectCode::TooLarge,
        format!("the token is larger than the input limit of {limit} bytes (--max-input)"),
    )
}

/// `--threads`, or every core.
pub fn threads(arg: Option<u16>) -> usize {
    arg.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    )
    .clamp(1, MAX_THREADS)
}

/// `f(0..n)` on `threads` threads, results in index order, while `meanwhile`
/// runs on the calling thread: the next batch is read while this one is
/// checked, so no core waits for the input.
pub fn par_map<T: Send, U>(
    n: usize,
    threads: usize,
    f: &(dyn Fn(usize) -> T + Sync),
    meanwhile: impl FnOnce() -> U,
) -> Result<(Vec<T>, U)> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        let results = (0..n).map(f).collect();
        return Ok((results, meanwhile()));
    }
    let next = AtomicUsize::new(0);
    let (parts, other) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                        if start >= n {
                            break;
                        }
                        for i in start..(start + CHUNK).min(n) {
                            mine.push((i, f(i)));
                        }
                    }
                    mine
                })
            })
            .collect();
        let other = meanwhile();
        // A worker can only panic on a bug; its share is then missing and
        // the length check below reports it.
        let parts: Vec<Vec<(usize, T)>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect();
        (parts, other)
    });
    let mut all: Vec<(usize, T)> = parts.into_iter().flatten().collect();
    if all.len() != n {
        return Err(Error::local("internal error: a checking thread failed"));
    }
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok((all.into_iter().map(|(_, t)| t).collect(), other))
}

/// How many lines were checked and rejected, and the first rejection.
#[derive(Default)]
pub struct Tally {
    total: usize,
    rejected: usize,
    first: Option<(usize, Rejection)>,
}

impl Tally {
    pub fn add(&mut self, no: usize, rejection: Option<&Rejection>) {
        self.total += 1;
        if let Some(e) = rejection {
            self.rejected += 1;
            if self.first.is_none() {
                self.first = Some((no, e.clone()));
            }
        }
    }

    /// Exit 0 only if every line passed; otherwise the first rejection's
    /// code, with the count.
    pub fn finish(self) -> Result<()> {
        match self.first {
            None => Ok(()),
            Some((no, e)) => Err(Error::Rejected(Rejection::new(
                e.code,
                format!(
                    "{} of {} tokens rejected; the first on line {no} ({}: {})",
                    self.rejected, self.total, e.code, e.detail
                ),
            ))),
        }
    }
}

/// Where the reports go, batch by batch: standard output, or `-o FILE`
/// streamed to a temporary file that replaces FILE only when the stream
/// is done (an existing FILE is refused before any work, as everywhere).
pub struct Sink<'a> {
    out: &'a OutputArgs,
    quiet: bool,
    file: Option<AtomicFile>,
}

impl<'a> Sink<'a> {
    pub fn new(out: &'a OutputArgs, quiet: bool) -> Result<Sink<'a>> {
        let file = match &out.output {
            Some(p) if p.as_os_str() != "-" && !quiet => {
                Some(AtomicFile::create(p, false, out.force)?)
            }
            _ => None,
        };
        Ok(Sink { out, quiet, file })
    }

    pub fn write(&mut self, io: &mut Io<'_>, reports: &[u8]) -> Result<()> {
        match (&mut self.file, self.quiet) {
            (_, true) => Ok(()),
            (Some(f), false) => f.write(reports),
            (None, false) => io::emit(io, self.out, reports, Emit::Binary, false),
        }
    }

    pub fn finish(self) -> Result<()> {
        self.file.map_or(Ok(()), AtomicFile::commit)
    }
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
                b.iter()
                    .map(|l| (l.no, l.token.as_ref().map(String::len)))
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
    fn a_batch_stops_at_its_line_count_and_numbers_run_on() {
        let input = "t\n\n".repeat(BATCH_LINES + 5);
        let got = batches(input.as_bytes(), 100, BATCH_BYTES);
        let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
        assert_eq!(sizes, [BATCH_LINES, 5]);
        // Blank lines are skipped but counted.
        assert_eq!(got[1][0].0, 2 * BATCH_LINES + 1);
    }

    #[test]
    fn overlong_lines_are_kept_as_numbered_rejections() {
        // Longer than the 64 KiB read chunk, so it is dropped while read.
        let long = "B".repeat(200_000);
        let input = format!("ok\n{long}\nok\n{long}");
        let got = batches(input.as_bytes(), 1000, BATCH_BYTES);
        assert_eq!(
            got,
            [vec![(1, Some(2)), (2, None), (3, Some(2)), (4, None)]]
        );
    }

    #[test]
    fn par_map_keeps_order_and_runs_meanwhile() {
        for threads in [1, 2, 7] {
            let (v, m) = par_map(1000, threads, &|i| i * 2, || "read").expect("map");
            assert_eq!(m, "read");
            assert!(v.iter().enumerate().all(|(i, x)| *x == i * 2), "{threads}");
        }
        let (v, ()) = par_map(0, 4, &|i| i, || ()).expect("empty");
        assert!(v.is_empty());
    }
}
