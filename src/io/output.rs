//! Writing the primary result: standard output, or a file written atomically
//! (temp file, then link/rename), 0600 for secrets, never writing to an
//! existing path without `--force` (a character device excepted).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Io;
use crate::cli::OutputArgs;
use crate::error::{Error, Result};

/// What kind of result is written, which decides the final newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    /// A token or other text line: always followed by one newline.
    Line,
    /// A payload or plaintext: exact bytes; a newline only on a terminal.
    Bytes,
    /// Binary data (DER): exact bytes, never a newline.
    Binary,
}

/// Write the primary result to `-o PATH` or standard output.
pub fn emit(
    io: &mut Io<'_>,
    out: &OutputArgs,
    data: &[u8],
    kind: Emit,
    secret: bool,
) -> Result<()> {
    match &out.output {
        Some(path) if path.as_os_str() != "-" => {
            let mut buf = data.to_vec();
            if kind == Emit::Line && !buf.ends_with(b"\n") {
                buf.push(b'\n');
            }
            write_file(path, &buf, secret, out.force)
        }
        _ => {
            let w = &mut io.stdout;
            let newline = match kind {
                Emit::Line => !data.ends_with(b"\n"),
                Emit::Bytes => io.stdout_is_tty && !data.ends_with(b"\n"),
                Emit::Binary => false,
            };
            w.write_all(data)
                .and_then(|_| if newline { w.write_all(b"\n") } else { Ok(()) })
                .and_then(|_| w.flush())
                .map_err(|e| Error::local_with("cannot write to standard output", e))
        }
    }
}

/// `text` with every terminal control character (C0, DEL, C1) but those in
/// `keep` written as a `\u{..}` escape: text taken from an input (a
/// certificate name, a key id) must not move the cursor, retitle the
/// window or forge a line of our output.
pub fn escape_controls<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    escape_with(
        text,
        |c| !keep.contains(&c),
        |out, c| write!(out, "\\u{{{c:x}}}"),
    )
}

/// A compact JSON text (no line breaks) with DEL and the C1 controls, which
/// JSON allows raw inside strings, written as `\uXXXX` escapes (serde_json
/// already escapes C0): the same JSON value, safe to show on a terminal.
pub fn escape_json_controls(json: String) -> String {
    match escape_with(&json, |_| true, |out, c| write!(out, "\\u{c:04x}")) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    }
}

/// `text` with each control character `c` for which `escape(c)` holds
/// replaced by what `write` writes for its code point.
fn escape_with(
    text: &str,
    escape: impl Fn(char) -> bool,
    write: impl Fn(&mut String, u32) -> std::fmt::Result,
) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && escape(c);
    if !text.contains(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            // Writing to a String cannot fail.
            let _ = write(&mut out, u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn temp_path(dest: &Path) -> PathBuf {
    let mut rnd = [0u8; 6];
    crate::crypto::random(&mut rnd);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = format!(".{name}.{}.tmp", crate::jose::b64::encode(rnd));
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

/// Write `data` to `path` atomically: a temporary file in the same folder,
/// then a hard link (which fails if `path` exists, so no check-then-write
/// race) or, with `force`, a rename over it. Secrets get mode 0600.
pub fn write_file(path: &Path, data: &[u8], secret: bool, force: bool) -> Result<()> {
    let mut f = AtomicFile::create(path, secret, force)?;
    f.write(data)?;
    f.commit()
}

/// A file written in pieces and put in place whole by [`AtomicFile::commit`],
/// with the rules of [`write_file`]; dropped uncommitted, it leaves nothing
/// behind. `--lines` streams its reports through one, so memory does not
/// grow with the stream and a failed run leaves no half-written file.
pub struct AtomicFile {
    file: fs::File,
    path: PathBuf,
    /// The temporary file, or `None` when `path` is a device written in place.
    tmp: Option<PathBuf>,
    force: bool,
}

impl AtomicFile {
    /// Refuses an existing `path` (without `force`) now, before any work
    /// is done for it.
    pub fn create(path: &Path, secret: bool, force: bool) -> Result<AtomicFile> {
        match Existing::of(path) {
            Existing::Nothing => {}
            // A character device (`-o /dev/null`, a terminal) is written in
            // place: renaming over it would replace the device itself, and
            // writing to it destroys no data, so `--force` is not needed.
            Existing::CharDevice => return AtomicFile::in_place(path, force),
            // Anything else already there (a file, a FIFO or socket someone
            // may have planted to read a secret, a symlink to one) is
            // another's until the user says otherwise.
            _ if !force => return Err(exists(path)),
            // Asked for by name with `--force`, a pipe is written into, not
            // replaced: that is the only way to mean it.
            Existing::Pipe => return AtomicFile::in_place(path, force),
            Existing::Other => {}
        }
        let tmp = temp_path(path);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(if secret { 0o600 } else { 0o644 });
        }
        let file = opts
            .open(&tmp)
            .map_err(|e| Error::local_with(format!("cannot create {}", tmp.display()), e))?;
        Ok(AtomicFile {
            file,
            path: path.to_owned(),
            tmp: Some(tmp),
            force,
        })
    }

    fn in_place(path: &Path, force: bool) -> Result<AtomicFile> {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::local_with(format!("cannot write {}", path.display()), e))?;
        Ok(AtomicFile {
            file,
            path: path.to_owned(),
            tmp: None,
            force,
        })
    }

    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.file.write_all(data).map_err(|e| {
            let shown = self.tmp.as_deref().unwrap_or(&self.path);
            Error::local_with(format!("cannot write {}", shown.display()), e)
        })
    }

    pub fn commit(mut self) -> Result<()> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let result = self.put_in_place(&tmp);
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn put_in_place(&self, tmp: &Path) -> Result<()> {
        let path = &self.path;
        self.file
            .sync_all()
            .map_err(|e| Error::local_with(format!("cannot write {}", tmp.display()), e))?;
        if self.force {
            return fs::rename(tmp, path)
                .map_err(|e| Error::local_with(format!("cannot write {}", path.display()), e));
        }
        match fs::hard_link(tmp, path) {
            Ok(()) => {
                let _ = fs::remove_file(tmp);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(path)),
            // File systems without hard links: the check in `create` is all
            // we have.
            Err(_) => fs::rename(tmp, path)
                .map_err(|e| Error::local_with(format!("cannot write {}", path.display()), e)),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// What an output path already names, through symlinks; a dangling
/// symlink counts as something there (`Other`).
enum Existing {
    Nothing,
    CharDevice,
    Pipe,
    Other,
}

impl Existing {
    fn of(path: &Path) -> Existing {
        if fs::symlink_metadata(path).is_err() {
            return Existing::Nothing;
        }
        let Ok(meta) = fs::metadata(path) else {
            return Existing::Other;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_char_device() {
                return Existing::CharDevice;
            }
            if t.is_fifo() {
                return Existing::Pipe;
            }
        }
        let _ = meta;
        Existing::Other
    }
}

fn exists(path: &Path) -> Error {
    Error::usage(format!(
        "{} already exists: not overwritten (use --force to replace it)",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_file_appears_whole_on_commit_and_not_at_all_without() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out.jsonl");
        let mut f = AtomicFile::create(&path, false, false).expect("create");
        f.write(b"one\n").expect("write");
        assert!(!path.exists(), "visible before commit");
        f.write(b"two\n").expect("write");
        f.commit().expect("commit");
        assert_eq!(fs::read(&path).expect("read"), b"one\ntwo\n");
        assert_eq!(names(dir.path()), ["out.jsonl"]);

        // Existing: refused at create, before any work.
        assert!(AtomicFile::create(&path, false, false).is_err());
        // Dropped uncommitted (a failed run): no trace, the old file kept.
        let mut f = AtomicFile::create(&path, false, true).expect("create");
        f.write(b"partial").expect("write");
        drop(f);
        assert_eq!(names(dir.path()), ["out.jsonl"]);
        assert_eq!(fs::read(&path).expect("read"), b"one\ntwo\n");
    }
}
