//! The one `--lines` loop, shared by `verify` and `decrypt`: batches from
//! the reader ([`crate::io::lines`]) are checked on every core by a small
//! pool of threads, reported in input order, and tallied into one exit
//! status.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use jose::fs::AtomicFile;
use jose::{Error, Rejection, Result};

use crate::cli::OutputArgs;
use crate::io::lines::Lines;
use crate::io::{self, Emit, Io};

/// Tokens a thread claims at a time: small, so the threads finish a batch
/// within a few tokens of each other (benches/README.md has the figures);
/// one atomic add per 4 tokens costs nothing.
const CHUNK: usize = 4;
/// More threads than this only adds scheduling.
const MAX_THREADS: usize = 256;

/// What checking one line gave: its report line (empty with `-q`), its
/// rejection if any, and warnings worth one line on standard error.
pub struct Outcome {
    pub report: Vec<u8>,
    pub rejection: Option<Rejection>,
    pub warnings: Vec<String>,
}

/// Run `check` over every line of `input`, on `threads` threads, writing
/// the reports to `sink` in input order. Exit 0 only if every line passed
/// ([`Tally`]); each distinct warning is printed once, at the end.
/// `check` gets the line's 1-based number in the input (blank lines
/// count, so report N can be matched to its line) and its token, `None`
/// for a line longer than the input limit.
pub fn run_stream(
    io: &mut Io<'_>,
    input: Lines,
    sink: Sink<'_>,
    threads: Option<u16>,
    check: &(dyn Fn(usize, Option<&str>) -> Outcome + Sync),
) -> Result<()> {
    let into = |no: usize, token: Option<&str>, out: &mut Vec<u8>| {
        let mut r = check(no, token);
        out.append(&mut r.report);
        r
    };
    run_stream_into(io, input, sink, threads, &into)
}

/// A line check that appends its report to the buffer it is given.
pub type CheckInto<'a> = dyn Fn(usize, Option<&str>, &mut Vec<u8>) -> Outcome + Sync + 'a;

/// [`run_stream`] with each report appended by `check` to the buffer it is
/// given (its [`Outcome::report`] is not read): each thread writes a
/// batch's reports side by side in a buffer kept for the whole stream,
/// instead of allocating one per line on the checking thread and freeing it
/// on the writing one (glibc's arenas make such a free cost a lock).
pub fn run_stream_into(
    io: &mut Io<'_>,
    mut input: Lines,
    mut sink: Sink<'_>,
    threads: Option<u16>,
    check: &CheckInto<'_>,
) -> Result<()> {
    let mut tally = Tally::default();
    let mut warned: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut bufs = Vec::new();
    with_pool(self::threads(threads), |pool| {
        let mut batch = Arc::new(input.next_batch(io)?);
        while !batch.is_empty() {
            let b = batch.clone();
            let job: Job<'_, Outcome> =
                Arc::new(move |i, buf: &mut Vec<u8>| check(b.line_no(i), b.token(i), buf));
            let (results, next) = pool.map(batch.len(), job, &mut bufs, || input.next_batch(io))?;
            out.clear();
            for (i, (r, (part, range))) in results.into_iter().enumerate() {
                for w in r.warnings {
                    if !warned.contains(&w) {
                        warned.push(w);
                    }
                }
                tally.add(batch.line_no(i), r.rejection.as_ref());
                let report = bufs.get(part).and_then(|b: &Vec<u8>| b.get(range));
                out.extend_from_slice(report.expect("a report within its thread's buffer"));
            }
            sink.write(io, &out)?;
            input.advance(&mut batch, next)?;
        }
        Ok::<_, Error>(())
    })?;
    for w in warned {
        io.warn(w);
    }
    sink.finish()?;
    tally.finish()
}

/// `--threads`, or every core.
fn threads(arg: Option<u16>) -> usize {
    arg.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    )
    .clamp(1, MAX_THREADS)
}

/// The work of one batch: the result for line `i`, with whatever it
/// writes appended to the buffer it is given. It owns (through `Arc`s)
/// the batch and keys it reads, so it can be handed to the pool's threads.
type Job<'env, T> = Arc<dyn Fn(usize, &mut Vec<u8>) -> T + Send + Sync + 'env>;

/// One batch as a thread sees it: the job, the line count, the shared
/// counter the threads claim chunks from, and this thread's buffer.
struct Task<'env, T> {
    f: Job<'env, T>,
    n: usize,
    next: Arc<AtomicUsize>,
    buf: Vec<u8>,
}

/// What one thread did of a batch: each line's index, result and the
/// range of its bytes in `buf`, in increasing line order.
struct Part<T> {
    items: Vec<(usize, T, Range<usize>)>,
    buf: Vec<u8>,
}

impl<T> Task<'_, T> {
    /// Claim chunks of the lines until none are left.
    fn run(self) -> Part<T> {
        let Task {
            f,
            n,
            next,
            mut buf,
        } = self;
        let mut items = Vec::new();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= n {
                // The job lets go of its batch before the caller hears back.
                drop(f);
                return Part { items, buf };
            }
            for i in start..(start + CHUNK).min(n) {
                let from = buf.len();
                let t = f(i, &mut buf);
                items.push((i, t, from..buf.len()));
            }
        }
    }
}

/// A line's result and where its bytes are: which thread's buffer, and
/// the range of it.
type Placed<T> = (T, (usize, Range<usize>));

/// The checking threads of a stream: the calling thread and `threads - 1`
/// helpers that live as long as the stream. The calling thread reads the
/// next batch and then checks lines with the helpers, so there are never
/// more busy threads than `--threads`. (Helpers spawned per batch, next to
/// a reader of their own, cost 3-7 % of two cores: with three threads on
/// two cores the scheduler left one core idle for milliseconds at a time.)
struct Pool<'env, T> {
    tasks: Vec<Sender<Task<'env, T>>>,
    done: Receiver<Part<T>>,
}

/// Run `body` with a pool of `threads` checking threads, counting the
/// calling one. The helpers end with `body`.
fn with_pool<'env, T: Send + 'env, R>(threads: usize, body: impl FnOnce(&Pool<'env, T>) -> R) -> R {
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
fn run_guarded<T>(task: Task<'_, T>) -> Part<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.run())).unwrap_or(Part {
        items: Vec::new(),
        buf: Vec::new(),
    })
}

/// A helper thread: run each task it is sent and hand the results back.
fn help<T>(tasks: &Receiver<Task<'_, T>>, done: &Sender<Part<T>>) {
    for task in tasks {
        if done.send(run_guarded(task)).is_err() {
            return;
        }
    }
}

impl<'env, T> Pool<'env, T> {
    /// `f(0..n)` on the pool's threads, results in index order, each with
    /// where its bytes are: an index into `bufs` and a range of it. `bufs`
    /// holds the threads' buffers of the last call and is refilled: each
    /// thread gets one back, emptied, so their memory is reused from batch
    /// to batch. The calling thread first runs `meanwhile` (reading the
    /// next batch, while the helpers check this one) and then checks lines
    /// too. When this returns, no thread holds `f` any more.
    fn map<U>(
        &self,
        n: usize,
        f: Job<'env, T>,
        bufs: &mut Vec<Vec<u8>>,
        meanwhile: impl FnOnce() -> U,
    ) -> Result<(Vec<Placed<T>>, U)> {
        let next = Arc::new(AtomicUsize::new(0));
        let task = |mut buf: Vec<u8>| {
            buf.clear();
            Task {
                f: f.clone(),
                n,
                next: next.clone(),
                buf,
            }
        };
        let mut sent = 0;
        for tx in &self.tasks {
            if tx.send(task(bufs.pop().unwrap_or_default())).is_ok() {
                sent += 1;
            }
        }
        let own = task(bufs.pop().unwrap_or_default());
        drop(f);
        let other = meanwhile();
        let mut parts = vec![run_guarded(own)];
        for _ in 0..sent {
            let Ok(part) = self.done.recv() else { break };
            parts.push(part);
        }
        // Each result goes to its slot: no sort of the batch.
        let mut slots: Vec<Option<Placed<T>>> = std::iter::repeat_with(|| None).take(n).collect();
        bufs.clear();
        for (p, part) in parts.into_iter().enumerate() {
            for (i, t, range) in part.items {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some((t, (p, range)));
                }
            }
            bufs.push(part.buf);
        }
        let all: Option<Vec<_>> = slots.into_iter().collect();
        let all = all.ok_or_else(|| Error::local("internal error: a checking thread failed"))?;
        Ok((all, other))
    }
}

/// How many lines were checked and rejected, and the first rejection.
#[derive(Default)]
struct Tally {
    total: usize,
    rejected: usize,
    first: Option<(usize, Rejection)>,
}

impl Tally {
    fn add(&mut self, no: usize, rejection: Option<&Rejection>) {
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
    fn finish(self) -> Result<()> {
        match self.first {
            None => Ok(()),
            Some((no, e)) => Err(Error::Rejected(Rejection::new(
                e.code,
                // The code is added once, by the rejection's own display.
                format!(
                    "{} of {} tokens rejected; the first, on line {no}: {}",
                    self.rejected, self.total, e.detail
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
            (None, false) => io::emit(io, self.out, reports, Emit::Exact, self.secret),
        }
    }

    pub fn finish(self) -> Result<()> {
        self.file.map_or(Ok(()), AtomicFile::commit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_keeps_order_runs_meanwhile_and_lets_go_of_the_job() {
        for threads in [1, 2, 7] {
            with_pool(threads, |pool| {
                let mut bufs = Vec::new();
                for round in 0..3 {
                    let data = Arc::new(vec![round; 1000]);
                    let d = data.clone();
                    let job = move |i: usize, buf: &mut Vec<u8>| {
                        buf.extend_from_slice(i.to_string().as_bytes());
                        d[i] + i * 2
                    };
                    let (v, m) = pool
                        .map(1000, Arc::new(job), &mut bufs, || "read")
                        .expect("map");
                    assert_eq!(m, "read");
                    assert_eq!(bufs.len(), threads);
                    for (i, (x, (p, r))) in v.iter().enumerate() {
                        assert_eq!(*x, round + i * 2);
                        assert_eq!(bufs[*p][r.clone()], *i.to_string().as_bytes());
                    }
                    assert_eq!(Arc::strong_count(&data), 1, "{threads} threads");
                }
                let (v, ()) = pool
                    .map(0, Arc::new(|i, _: &mut Vec<u8>| i), &mut bufs, || ())
                    .expect("empty");
                assert!(v.is_empty());
            });
        }
    }

    #[test]
    fn a_panicking_job_is_an_error_not_a_hang() {
        with_pool(2, |pool| {
            let mut bufs = Vec::new();
            let r = pool.map(
                100,
                Arc::new(|i, _: &mut Vec<u8>| {
                    assert!(i != 57, "a bug");
                    i
                }),
                &mut bufs,
                || (),
            );
            assert!(r.is_err());
            // The pool still works after it.
            let (v, ()) = pool
                .map(10, Arc::new(|i, _: &mut Vec<u8>| i), &mut bufs, || ())
                .expect("map");
            assert_eq!(
                v.into_iter().map(|(i, _)| i).collect::<Vec<_>>(),
                (0..10).collect::<Vec<_>>()
            );
        });
    }
}
