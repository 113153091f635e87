//! The history index kept on disk, in `.git/bargain/index-v1`, so a start does not walk all of
//! history again: the file is loaded and extended by the commits made since
//! ([`History::extend_to`]).
//!
//! Promises:
//! 1. Never a wrong answer. The file names the commit it covers; it is used only when that commit
//!    is HEAD or an ancestor of HEAD (history not rewritten), the shallow boundary is the one it
//!    was built under, and its format version and SHA-256 checksum match. Anything else — a
//!    missing, truncated, corrupt, older or foreign file — is [`Stale`], and the caller builds
//!    the index from scratch as before.
//! 2. Never a half-written file read as whole: written to a temporary file beside it, then
//!    renamed; one damaged by a crash fails its checksum (1).
//! 3. Untrusted bytes: every count and length is checked against the bytes that remain before
//!    anything is allocated, every commit index against the commits read, every text is UTF-8;
//!    decoding never panics and allocates at most what the file holds.
//!
//! The encoding is hand-written, little-endian, length-prefixed: the index is a few flat lists,
//! so a serde format would add a dependency and a derive on the model's types for no gain in
//! load time (see README, "Speed: the history index"). A commit's trailers are kept as the lines
//! the tool writes ([`crate::events::Trailers::lines`]) and parsed again on load by the same
//! [`crate::events::Trailers::parse`] that read them from the message; an index holding trailers
//! that do not come back the same is not written at all.

use super::history::{CommitInfo, Event, FileKind, History};
use super::{Repo, StoreError};
use crate::events::Trailers;
use git2::Oid;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::PathBuf;

/// The first bytes of the file.
const MAGIC: &[u8; 16] = b"bargain-index\0\0\0";
/// Bumped whenever the encoding or what the walk records changes: an older file is rebuilt.
pub const FORMAT: u32 = 2;
/// Magic, format, checksum of the body, length of the body.
const HEADER: usize = MAGIC.len() + 4 + 32 + 8;

/// Why the index on disk was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// No index on disk yet.
    Missing,
    /// The file cannot be read (permissions, I/O).
    Unreadable(std::io::ErrorKind),
    /// Not an index file, or one cut short or damaged: the checksum or the structure is wrong.
    Corrupt,
    /// Written by another format version.
    OtherFormat(u32),
    /// The commit it covers is not HEAD or an ancestor of HEAD: history was rewritten (amend,
    /// reset to another branch), or the file came from another repository.
    Rewritten,
    /// The clone was deepened or made shallow since: the commits it starts from changed.
    ShallowChanged,
}

/// How [`History::load`] came by the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reuse {
    /// The index on disk covered HEAD.
    Loaded,
    /// The index on disk was extended by this many commits (and written back).
    Extended(usize),
    /// Built by a walk of all history, since the index on disk could not be used.
    Rebuilt(Stale),
}

impl History {
    /// The index of the history reachable from HEAD, from the index kept on disk where it can be
    /// used (extended by the commits since), else by a walk of all history; either way the index
    /// on disk then covers HEAD. Not being able to write it (a read-only repository) only costs
    /// the next start a walk.
    pub fn load(repo: &Repo) -> Result<(History, Reuse), StoreError> {
        let head = repo.head()?.commit;
        let (mut history, stale) = match load(repo, head) {
            Ok(history) => (history, None),
            Err(stale) => (History::default(), Some(stale)),
        };
        let before = history.head;
        let commits_before = history.proposals_of().len();
        history.extend_to(repo, head, &mut |_| ControlFlow::Continue(()))?;
        if history.head != before {
            let _ = save(repo, &history);
        }
        let reuse = match stale {
            Some(stale) => Reuse::Rebuilt(stale),
            None if history.head == before => Reuse::Loaded,
            None => Reuse::Extended(history.proposals_of().len() - commits_before),
        };
        Ok((history, reuse))
    }

    /// The index on disk, when it can be used, not yet extended to HEAD; for a front that shows
    /// progress while it extends ([`History::extend_to`]) and then keeps it ([`History::save`]).
    pub fn cached(repo: &Repo) -> Result<History, Stale> {
        let head = repo.head().map_err(|_| Stale::Missing)?.commit;
        load(repo, head)
    }

    /// Keeps this index on disk for the next start (atomically; an index of one article is not
    /// kept).
    pub fn save(&self, repo: &Repo) -> Result<(), StoreError> {
        save(repo, self)
    }

    /// What one article's commands need: the index on disk when it can be used (extended to
    /// HEAD and kept), else [`History::of_article`] — never the walk of every article.
    pub fn for_article(repo: &Repo, article: &str) -> Result<History, StoreError> {
        let head = repo.head()?.commit;
        match load(repo, head) {
            Ok(mut history) => {
                let before = history.head;
                history.extend_to(repo, head, &mut |_| ControlFlow::Continue(()))?;
                if history.head != before {
                    let _ = save(repo, &history);
                }
                Ok(history)
            }
            Err(_) => History::of_article(repo, article),
        }
    }
}

/// Where the index of `repo` is kept (shared by all work trees of one repository).
pub fn path(repo: &Repo) -> PathBuf {
    repo.git.commondir().join("bargain").join("index-v1")
}

/// The index on disk, checked against the repository; it may still need extending to HEAD.
pub fn load(repo: &Repo, head: Oid) -> Result<History, Stale> {
    let bytes = match std::fs::read(path(repo)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Stale::Missing),
        Err(e) => return Err(Stale::Unreadable(e.kind())),
    };
    let history = decode(&bytes, &shallow_key(repo))?;
    let Some(covered) = history.head else {
        return Err(Stale::Corrupt);
    };
    // An object from another repository is simply not found here.
    let ancestor = covered == head
        || (repo.git.find_commit(covered).is_ok()
            && repo.git.graph_descendant_of(head, covered).unwrap_or(false));
    if !ancestor {
        return Err(Stale::Rewritten);
    }
    Ok(history)
}

/// Writes `history` (a whole-table index) atomically. An index of one article is never written.
pub fn save(repo: &Repo, history: &History) -> Result<(), StoreError> {
    if history.scope().is_some() || history.head.is_none() {
        return Ok(());
    }
    let Some(bytes) = encode(history, &shallow_key(repo)) else {
        return Ok(());
    };
    super::keep(&path(repo), &bytes)?;
    Ok(())
}

/// What the shallow boundary is: the hash of `.git/shallow`, zero when the clone is complete.
fn shallow_key(repo: &Repo) -> [u8; 32] {
    if !repo.git.is_shallow() {
        return [0; 32];
    }
    let listed = std::fs::read(repo.git.commondir().join("shallow")).unwrap_or_default();
    Sha256::digest(&listed).into()
}

/// The file's bytes for `history`; `None` when some commit's trailers would not read back the
/// same (then no index is kept, and every start walks history as before).
pub fn encode(history: &History, shallow: &[u8; 32]) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(64 * history.commits.len());
    let mut w = Writer(&mut body);
    w.oid(history.head.unwrap_or(Oid::ZERO_SHA1));
    w.bytes(shallow);
    w.u8(u8::from(history.shallow));
    w.u32(history.commits.len() as u32);
    for c in &history.commits {
        w.oid(c.id);
        w.str(&c.author);
        w.str(&c.email);
        w.u64(c.time as u64);
        w.u32(c.offset as u32);
        w.u8(u8::from(c.undated));
        w.str(&c.summary);
        match &c.trailers {
            None => w.u8(0),
            Some(t) => {
                let lines = t.lines().join("\n");
                if Trailers::parse(&lines).as_ref() != Some(t) {
                    return None;
                }
                w.u8(1);
                w.str(&lines);
            }
        }
    }
    w.u32(history.articles.len() as u32);
    for (article, events) in &history.articles {
        w.str(article);
        w.u32(events.len() as u32);
        for e in events {
            w.u32(e.commit as u32);
            match &e.kind {
                FileKind::Pass { side, number } => {
                    w.u8(0);
                    w.str(side);
                    w.u32(*number);
                }
                FileKind::Article => w.u8(1),
                FileKind::Current => w.u8(2),
                FileKind::Ta => w.u8(3),
                FileKind::Other(name) => {
                    w.u8(4);
                    w.str(name);
                }
            }
            match e.blob {
                Some(b) => {
                    w.u8(1);
                    w.oid(b);
                }
                None => w.u8(0),
            }
        }
    }
    let proposals = history.proposals_of();
    w.u32(proposals.len() as u32);
    // Sorted, so the same index always makes the same bytes.
    let mut pairs: Vec<(&Oid, &Oid)> = proposals.iter().collect();
    pairs.sort_unstable();
    for (commit, tree) in pairs {
        w.oid(*commit);
        w.oid(*tree);
    }
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&Sha256::digest(&body));
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

/// The index in `bytes`, if they are a whole, undamaged file of this format built under the
/// shallow boundary `shallow`.
pub fn decode(bytes: &[u8], shallow: &[u8; 32]) -> Result<History, Stale> {
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Stale::Corrupt);
    }
    let mut r = Reader(&bytes[MAGIC.len()..]);
    let format = r.u32()?;
    if format != FORMAT {
        return Err(Stale::OtherFormat(format));
    }
    let sum = r.take(32)?;
    let length = r.u64()?;
    let body = r.0;
    if length != body.len() as u64 || Sha256::digest(body).as_slice() != sum {
        return Err(Stale::Corrupt);
    }
    let mut r = Reader(body);
    let head = r.oid()?;
    if r.take(32)? != shallow {
        return Err(Stale::ShallowChanged);
    }
    let is_shallow = r.u8()? != 0;
    // Each record takes at least this many bytes, so a count is checked before allocating.
    let commits_n = r.count(20 + 3 * 4 + 8 + 4 + 1 + 1)?;
    let mut commits = Vec::with_capacity(commits_n);
    for _ in 0..commits_n {
        let id = r.oid()?;
        let author = r.string()?;
        let email = r.string()?;
        let time = r.u64()? as i64;
        let offset = r.u32()? as i32;
        let undated = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(Stale::Corrupt),
        };
        let summary = r.string()?;
        let trailers = match r.u8()? {
            0 => None,
            // Written only for lines that parse back the same: anything else is damage.
            1 => Some(Trailers::parse(&r.string()?).ok_or(Stale::Corrupt)?),
            _ => return Err(Stale::Corrupt),
        };
        commits.push(CommitInfo {
            id,
            author,
            email,
            time,
            offset,
            summary,
            trailers,
            undated,
        });
    }
    let articles_n = r.count(8)?;
    let mut articles = BTreeMap::new();
    for _ in 0..articles_n {
        let article = r.string()?;
        let events_n = r.count(6)?;
        let mut events = Vec::with_capacity(events_n);
        for _ in 0..events_n {
            let commit = r.u32()? as usize;
            if commit >= commits.len() {
                return Err(Stale::Corrupt);
            }
            let kind = match r.u8()? {
                0 => FileKind::Pass {
                    side: r.string()?,
                    number: r.u32()?,
                },
                1 => FileKind::Article,
                2 => FileKind::Current,
                3 => FileKind::Ta,
                4 => FileKind::Other(r.string()?),
                _ => return Err(Stale::Corrupt),
            };
            let blob = match r.u8()? {
                0 => None,
                1 => Some(r.oid()?),
                _ => return Err(Stale::Corrupt),
            };
            events.push(Event { commit, kind, blob });
        }
        if articles.insert(article, events).is_some() {
            return Err(Stale::Corrupt);
        }
    }
    let pairs = r.count(40)?;
    let mut proposals_of = HashMap::with_capacity(pairs);
    for _ in 0..pairs {
        let commit = r.oid()?;
        let tree = r.oid()?;
        proposals_of.insert(commit, tree);
    }
    if !r.0.is_empty() || head.is_zero() {
        return Err(Stale::Corrupt);
    }
    Ok(History::from_parts(
        commits,
        articles,
        head,
        is_shallow,
        proposals_of,
    ))
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    fn oid(&mut self, id: Oid) {
        self.bytes(id.as_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes(s.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Stale> {
        if self.0.len() < n {
            return Err(Stale::Corrupt);
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(taken)
    }
    fn u8(&mut self) -> Result<u8, Stale> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, Stale> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, Stale> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn oid(&mut self) -> Result<Oid, Stale> {
        Oid::from_bytes(self.take(20)?).map_err(|_| Stale::Corrupt)
    }
    fn string(&mut self) -> Result<String, Stale> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| Stale::Corrupt)
    }
    /// A count of records of at least `min` bytes each, checked against what is left.
    fn count(&mut self, min: usize) -> Result<usize, Stale> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.0.len() {
            return Err(Stale::Corrupt);
        }
        Ok(n)
    }
}
