//! Files written whole or not at all: a temporary file in the destination's
//! folder, then a hard link (which fails if the destination exists, so there
//! is no check-then-write race) or, when replacing is allowed, a rename.
//! Secrets get mode 0600. Used for outputs and for the remote key cache.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{Error, Result};

fn temp_path(dest: &Path) -> PathBuf {
    // The name need not be secret: the file is created with `create_new`
    // (O_EXCL), so a name someone planted fails instead of being followed.
    // It need only differ between concurrent writers, which a per-process
    // randomly keyed hash of the time and a counter gives.
    use std::hash::{BuildHasher, Hasher};
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u64(COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = format!(".{name}.{:016x}.tmp", h.finish());
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

    /// Append `data`. Fails with [`Error::Local`] when the write fails.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.file.write_all(data).map_err(|e| {
            let shown = self.tmp.as_deref().unwrap_or(&self.path);
            Error::local_with(format!("cannot write {}", shown.display()), e)
        })
    }

    /// Sync the temporary file and put it at `path` (a device or pipe written
    /// in place needs nothing more). Fails with [`Error::Usage`] if `path`
    /// appeared since [`AtomicFile::create`] (without `force`), or
    /// [`Error::Local`] if syncing or renaming fails; the temporary file is
    /// removed either way.
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
