//! The layout of an index directory: one tantivy index per generation, and a pointer to the
//! one in use.
//!
//! ```text
//! <index dir>/index.lock   held by the process that owns the index (std file lock)
//! <index dir>/CURRENT      the name of the generation in use, e.g. `g000004`
//! <index dir>/g000004/     a complete tantivy index
//! ```
//!
//! A rebuild writes a new generation beside the one in use, which goes on answering
//! searches; only when the new one is complete is `CURRENT` replaced (write and rename, so
//! it always names a complete generation) and the old one removed. A rebuild cut short by a
//! crash leaves a generation that `CURRENT` does not name; it is removed at the next start.
//! Index files directly in the directory are the layout before generations: they are
//! removed once the first generation is in use.

use std::fs::{File, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::SearchError;

const LOCK_FILE: &str = "index.lock";
const CURRENT_FILE: &str = "CURRENT";

/// An index directory this process owns (its lock is held while the value lives).
#[derive(Debug)]
pub struct IndexRoot {
    path: PathBuf,
    _lock: File,
}

impl IndexRoot {
    /// Creates the directory if needed and takes its lock; another process holding it is
    /// [`SearchError::Locked`].
    pub fn acquire(path: &Path) -> Result<IndexRoot, SearchError> {
        std::fs::create_dir_all(path).map_err(|e| SearchError::Io(path.to_owned(), e))?;
        let lock_path = path.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| SearchError::Io(lock_path.clone(), e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(SearchError::Locked(path.to_owned())),
            Err(TryLockError::Error(e)) => return Err(SearchError::Io(lock_path, e)),
        }
        Ok(IndexRoot {
            path: path.to_owned(),
            _lock: lock,
        })
    }

    /// The index directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The generation in use, if `CURRENT` names one whose directory exists.
    pub fn current(&self) -> Option<PathBuf> {
        let name = std::fs::read_to_string(self.path.join(CURRENT_FILE)).ok()?;
        let name = name.trim();
        if !is_generation(name) {
            return None;
        }
        let dir = self.path.join(name);
        dir.is_dir().then_some(dir)
    }

    /// A new, empty directory for the next generation.
    pub fn next(&self) -> Result<PathBuf, SearchError> {
        let highest = self
            .generations()?
            .iter()
            .filter_map(|dir| dir.file_name()?.to_str()?.get(1..)?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let dir = self.path.join(format!("g{:06}", highest + 1));
        std::fs::create_dir(&dir).map_err(|e| SearchError::Io(dir.clone(), e))?;
        Ok(dir)
    }

    /// Makes `dir` the generation in use (atomically: a crash leaves the old or the new one).
    pub fn make_current(&self, dir: &Path) -> Result<(), SearchError> {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| is_generation(n))
            .ok_or_else(|| SearchError::Internal(format!("not a generation: {}", dir.display())))?;
        let temp = self.path.join(format!("{CURRENT_FILE}.new"));
        let io = |e| SearchError::Io(temp.clone(), e);
        let mut file = File::create(&temp).map_err(io)?;
        file.write_all(name.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&temp, self.path.join(CURRENT_FILE)).map_err(io)?;
        if let Ok(root) = File::open(&self.path) {
            let _ = root.sync_all();
        }
        Ok(())
    }

    /// Removes every generation except `keep`, and index files of the old flat layout.
    pub fn remove_others(&self, keep: Option<&Path>) -> Result<(), SearchError> {
        for dir in self.generations()? {
            if Some(dir.as_path()) != keep {
                remove(&dir)?;
            }
        }
        super::clear_dir(&self.path)
    }

    fn generations(&self) -> Result<Vec<PathBuf>, SearchError> {
        let entries =
            std::fs::read_dir(&self.path).map_err(|e| SearchError::Io(self.path.clone(), e))?;
        Ok(entries
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(is_generation) && e.path().is_dir())
            .map(|e| e.path())
            .collect())
    }
}

/// Removes a generation directory (gone already is fine).
pub fn remove(dir: &Path) -> Result<(), SearchError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SearchError::Io(dir.to_owned(), e)),
    }
}

/// `g` and six or more digits.
fn is_generation(name: &str) -> bool {
    name.strip_prefix('g')
        .is_some_and(|n| n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_becomes_current_and_the_others_go() {
        let temp = tempfile::tempdir().unwrap();
        let root = IndexRoot::acquire(temp.path()).unwrap();
        assert_eq!(root.current(), None);
        std::fs::write(temp.path().join("meta.json"), "{}").unwrap();
        let first = root.next().unwrap();
        let second = root.next().unwrap();
        assert!(second.ends_with("g000002"), "{}", second.display());
        root.make_current(&second).unwrap();
        assert_eq!(root.current().as_deref(), Some(second.as_path()));
        root.remove_others(Some(&second)).unwrap();
        assert!(!first.exists() && second.exists());
        assert!(
            !temp.path().join("meta.json").exists(),
            "old flat layout is cleared"
        );
        assert!(matches!(
            IndexRoot::acquire(temp.path()),
            Err(SearchError::Locked(_))
        ));
        drop(root);
        assert!(IndexRoot::acquire(temp.path()).is_ok());
    }

    #[test]
    fn only_generation_names_count() {
        assert!(is_generation("g000001") && is_generation("g1234567"));
        assert!(!is_generation("g12") && !is_generation("CURRENT") && !is_generation("gabcdef"));
    }
}
