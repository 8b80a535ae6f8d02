//! The one `--lines` loop, shared by `verify` and `decrypt`: batches from
//! the reader ([`crate::io::lines`]) are checked on every core by a small
//! pool of threads, reported in input order, and tallied into one exit
//! status.

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
    mut input: Lines,
    mut sink: Sink<'_>,
    threads: Option<u16>,
    check: &(dyn Fn(usize, Option<&str>) -> Outcome + Sync),
) -> Result<()> {
    let mut tally = Tally::default();
    let mut warned: Vec<String> = Vec::new();
    with_pool(self::threads(threads), |pool| {
        let mut batch = Arc::new(input.next_batch(io)?);
        while !batch.is_empty() {
            let b = batch.clone();
            let job: Job<'_, Outcome> = Arc::new(move |i| check(b.line_no(i), b.token(i)));
            let (results, next) = pool.map(batch.len(), job, || input.next_batch(io))?;
            let mut out = Vec::with_capacity(results.iter().map(|r| r.report.len()).sum());
            for (i, r) in results.into_iter().enumerate() {
                for w in r.warnings {
                    if !warned.contains(&w) {
                        warned.push(w);
                    }
                }
                tally.add(batch.line_no(i), r.rejection.as_ref());
                out.extend_from_slice(&r.report);
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

/// The work of one batch: the result for line `i`. It owns (through `Arc`s)
/// the batch and keys it reads, so it can be handed to the pool's threads.
type Job<'env, T> = Arc<dyn Fn(usize) -> T + Send + Sync + 'env>;

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
struct Pool<'env, T> {
    tasks: Vec<Sender<Task<'env, T>>>,
    done: Receiver<Vec<(usize, T)>>,
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
    fn map<U>(
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
