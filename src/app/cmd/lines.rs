//! `--lines`, shared by `verify` and `decrypt`: a stream of tokens, one per
//! line, read in batches, checked on every core and reported in input order.
//!
//! The stream as a whole is unbounded. Each line is held to `--max-input`
//! and each batch to a line count and a byte budget, so memory stays at two
//! batches (the one being checked and the next, read meanwhile) however long
//! the stream is.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use crate::cli::OutputArgs;
use jose::fs::AtomicFile;
use jose::{Error, RejectCode, Rejection, Result};

use crate::io::{self, Emit, Io};

/// Lines per batch: enough to keep every thread busy, few enough that the
/// first reports come out early.
const BATCH_LINES: usize = 8192;
/// Lines in the first batch, which is read before any thread can start:
/// batches then double up to `BATCH_LINES`, so the threads wait for 1,024
/// lines (under a millisecond) rather than 8,192.
const FIRST_BATCH_LINES: usize = 1024;
/// Token bytes per batch; a batch always takes at least one line.
const BATCH_BYTES: usize = 16 << 20;
/// Tokens a thread claims at a time: small, so the threads finish a batch
/// within a few tokens of each other (at 16, the last RSA chunk left a core
/// idle for 0.3 ms per batch); one atomic add per 4 tokens costs nothing.
const CHUNK: usize = 4;
/// More threads than this only adds scheduling.
const MAX_THREADS: usize = 256;

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
        self.lines.get(i).map_or(0, |l| l.no)
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
            Some(a) => Source::Literal(std::io::Cursor::new(a.as_bytes().to_vec())),
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
        let buf = self.buf.get_mut(self.filled..).unwrap_or_default();
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

/// `--threads`, or every core.
pub fn threads(arg: Option<u16>) -> usize {
    arg.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    )
    .clamp(1, MAX_THREADS)
}

/// The work of one batch: the result for line `i`. It owns (through `Arc`s)
/// the batch and keys it reads, so it can be handed to the pool's threads.
pub type Job<'env, T> = Arc<dyn Fn(usize) -> T + Send + Sync + 'env>;

/// One batch as the threads see it: the job, the line count and the
/// shared counter they claim chunks from.
struct Task<'env, T> {
    f: Job<'env, T>,
    n: usize,
    next: Arc<AtomicUsize>,
}

// By hand: a derive would ask `T: Clone`, and only the `Arc`s are copied.
impl<T> Clone for Task<'_, T> {
    fn clone(&self) -> Self {
        Task {
            f: self.f.clone(),
            n: self.n,
            next: self.next.clone(),
        }
    }
}

impl<T> Task<'_, T> {
    /// Claim chunks of the lines until none are left; the results with
    /// their line indices, in increasing order.
    fn run(&self) -> Vec<(usize, T)> {
        let mut mine = Vec::new();
        loop {
            let start = self.next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= self.n {
                return mine;
            }
            for i in start..(start + CHUNK).min(self.n) {
                mine.push((i, (self.f)(i)));
            }
        }
    }
}

/// The checking threads of a stream: the calling thread and `threads - 1`
/// helpers that live as long as the stream. The calling thread reads the
/// next batch and then checks lines with the helpers, so there are never
/// more busy threads than `--threads`. (Helpers spawned per batch, next to
/// a reader of their own, cost 3-7 % of two cores: with three threads on
/// two cores the scheduler left one core idle for milliseconds at a time.)
pub struct Pool<'env, T> {
    tasks: Vec<Sender<Task<'env, T>>>,
    done: Receiver<Vec<(usize, T)>>,
}

/// Run `body` with a pool of `threads` checking threads, counting the
/// calling one. The helpers end with `body`.
pub fn with_pool<'env, T: Send + 'env, R>(
    threads: usize,
    body: impl FnOnce(&Pool<'env, T>) -> R,
) -> R {
    std::thread::scope(|s| {
        let (done_tx, done) = mpsc::channel();
        let helpers = threads.saturating_sub(1);
        let mut tasks = Vec::with_capacity(helpers);
        for _ in 0..helpers {
            let (tx, rx) = mpsc::channel();
            let done_tx = done_tx.clone();
            s.spawn(move || help(&rx, &done_tx));
            tasks.push(tx);
        }
        let pool = Pool { tasks, done };
        body(&pool)
        // `pool` drops here: the task channels close and the helpers end.
    })
}

/// A panic is a bug; the lines of the thread that panicked are then
/// missing and `map` reports it, instead of a helper never answering.
fn run_guarded<T>(task: &Task<'_, T>) -> Vec<(usize, T)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.run())).unwrap_or_default()
}

/// A helper thread: run each task it is sent and hand the results back.
fn help<T>(tasks: &Receiver<Task<'_, T>>, done: &Sender<Vec<(usize, T)>>) {
    for task in tasks {
        let mine = run_guarded(&task);
        // The job lets go of its batch before the caller hears back.
        drop(task);
        if done.send(mine).is_err() {
            return;
        }
    }
}

impl<'env, T> Pool<'env, T> {
    /// `f(0..n)` on the pool's threads, results in index order. The calling
    /// thread first runs `meanwhile` (reading the next batch, while the
    /// helpers check this one) and then checks lines too. When this
    /// returns, no thread holds `f` any more.
    pub fn map<U>(
        &self,
        n: usize,
        f: Job<'env, T>,
        meanwhile: impl FnOnce() -> U,
    ) -> Result<(Vec<T>, U)> {
        let task = Task {
            f,
            n,
            next: Arc::new(AtomicUsize::new(0)),
        };
        let mut sent = 0;
        for tx in &self.tasks {
            if tx.send(task.clone()).is_ok() {
                sent += 1;
            }
        }
        let other = meanwhile();
        let own = run_guarded(&task);
        drop(task);
        let mut parts = vec![own];
        for _ in 0..sent {
            let Ok(part) = self.done.recv() else { break };
            parts.push(part);
        }
        // Each result goes to its slot: no sort of the batch.
        let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(n).collect();
        for (i, t) in parts.into_iter().flatten() {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(t);
            }
        }
        let all: Option<Vec<T>> = slots.into_iter().collect();
        let all = all.ok_or_else(|| Error::local("internal error: a checking thread failed"))?;
        Ok((all, other))
    }
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
    /// Reports that carry plaintexts are written as secrets (0600).
    secret: bool,
    file: Option<AtomicFile>,
}

impl<'a> Sink<'a> {
    pub fn new(out: &'a OutputArgs, quiet: bool, secret: bool) -> Result<Sink<'a>> {
        let file = match &out.output {
            Some(p) if p.as_os_str() != "-" && !quiet => {
                Some(AtomicFile::create(p, secret, out.force)?)
            }
            _ => None,
        };
        Ok(Sink {
            out,
            quiet,
            secret,
            file,
        })
    }

    pub fn write(&mut self, io: &mut Io<'_>, reports: &[u8]) -> Result<()> {
        match (&mut self.file, self.quiet) {
            (_, true) => Ok(()),
            (Some(f), false) => f.write(reports),
            (None, false) => io::emit(io, self.out, reports, Emit::Binary, self.secret),
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

    #[test]
    fn the_pool_keeps_order_runs_meanwhile_and_lets_go_of_the_job() {
        for threads in [1, 2, 7] {
            with_pool(threads, |pool| {
                for round in 0..3 {
                    let data = Arc::new(vec![round; 1000]);
                    let d = data.clone();
                    let (v, m) = pool
                        .map(1000, Arc::new(move |i| d[i] + i * 2), || "read")
                        .expect("map");
                    assert_eq!(m, "read");
                    assert!(v.iter().enumerate().all(|(i, x)| *x == round + i * 2));
                    assert_eq!(Arc::strong_count(&data), 1, "{threads} threads");
                }
                let (v, ()) = pool.map(0, Arc::new(|i| i), || ()).expect("empty");
                assert!(v.is_empty());
            });
        }
    }

    #[test]
    fn a_panicking_job_is_an_error_not_a_hang() {
        with_pool(2, |pool| {
            let r = pool.map(
                100,
                Arc::new(|i| {
                    assert!(i != 57, "a bug");
                    i
                }),
                || (),
            );
            assert!(r.is_err());
            // The pool still works after it.
            let (v, ()) = pool.map(10, Arc::new(|i| i), || ()).expect("map");
            assert_eq!(v, (0..10).collect::<Vec<_>>());
        });
    }
}
