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
//! load time (see README, "Speed: the history index"). The names that recur (authors, emails,
//! article ids, sides) are written once, in a table of words the records point into; a commit's
//! trailers are kept field by field as [`crate::events::Trailers::parse`] read them from the
//! message (statuses and changes by their place in `Status::ALL` and `Change::ALL`, days checked
//! again on load), so loading parses no message.

use super::history::{CommitInfo, Event, FileKind, History};
use super::{Repo, StoreError};
use crate::events::{Change, Trailers};
use crate::model::{Date, Status};
use git2::Oid;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::PathBuf;

/// The first bytes of the file.
const MAGIC: &[u8; 16] = b"bargain-index\0\0\0";
/// Bumped whenever the encoding or what the walk records changes: an older file is rebuilt.
pub const FORMAT: u32 = 3;
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
    let mut words = Words::default();
    let mut body = Vec::with_capacity(64 * history.commits.len());
    let mut w = Writer(&mut body);
    w.oid(history.head.unwrap_or(Oid::ZERO_SHA1));
    w.bytes(shallow);
    w.u8(u8::from(history.shallow));
    w.u32(u32::try_from(history.commits.len()).ok()?);
    for c in &history.commits {
        w.oid(c.id);
        w.u32(words.of(&c.author));
        w.u32(words.of(&c.email));
        w.u64(c.time as u64);
        w.u32(c.offset as u32);
        w.u8(u8::from(c.undated));
        w.str(&c.summary);
        match &c.trailers {
            None => w.u8(0),
            Some(t) => {
                w.u8(1);
                w.trailers(t, &mut words);
            }
        }
    }
    w.u32(u32::try_from(history.articles.len()).ok()?);
    for (article, events) in &history.articles {
        w.u32(words.of(article));
        w.u32(u32::try_from(events.len()).ok()?);
        for e in events {
            w.u32(e.commit as u32);
            match &e.kind {
                FileKind::Pass { side, number } => {
                    w.u8(0);
                    w.u32(words.of(side));
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
    w.u32(u32::try_from(proposals.len()).ok()?);
    // Sorted, so the same index always makes the same bytes.
    let mut pairs: Vec<(&Oid, &Oid)> = proposals.iter().collect();
    pairs.sort_unstable();
    for (commit, tree) in pairs {
        w.oid(*commit);
        w.oid(*tree);
    }
    // The words come first in the file, so a reader has them before the records that point in.
    let mut table = Vec::with_capacity(16 * words.list.len());
    let mut t = Writer(&mut table);
    t.u32(u32::try_from(words.list.len()).ok()?);
    for word in &words.list {
        t.str(word);
    }
    Some(framed(&[&table, &body]))
}

/// A whole file around `parts`, its body: magic, format, the body's SHA-256 and length. (The
/// fuzz target frames arbitrary bodies with it, so that they reach the body's reader.)
pub fn framed(parts: &[&[u8]]) -> Vec<u8> {
    let length: usize = parts.iter().map(|p| p.len()).sum();
    let mut sum = Sha256::new();
    for part in parts {
        sum.update(part);
    }
    let mut out = Vec::with_capacity(HEADER + length);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&sum.finalize());
    out.extend_from_slice(&(length as u64).to_le_bytes());
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// The names written once, in the order first met; records hold their place.
#[derive(Default)]
struct Words<'a> {
    list: Vec<&'a str>,
    places: HashMap<&'a str, u32>,
}

impl<'a> Words<'a> {
    fn of(&mut self, word: &'a str) -> u32 {
        let next = self.list.len() as u32;
        *self.places.entry(word).or_insert_with(|| {
            self.list.push(word);
            next
        })
    }
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
    let words_n = r.count(4)?;
    let mut words = Vec::with_capacity(words_n);
    for _ in 0..words_n {
        words.push(r.string()?);
    }
    let word = |r: &mut Reader<'_>| -> Result<String, Stale> {
        words.get(r.u32()? as usize).cloned().ok_or(Stale::Corrupt)
    };
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
        let author = word(&mut r)?;
        let email = word(&mut r)?;
        let time = r.u64()? as i64;
        let offset = r.u32()? as i32;
        let undated = r.flag()?;
        let summary = r.string()?;
        let trailers = match r.u8()? {
            0 => None,
            1 => Some(r.trailers(&word)?),
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
        let article = word(&mut r)?;
        let events_n = r.count(6)?;
        let mut events = Vec::with_capacity(events_n);
        for _ in 0..events_n {
            let commit = r.u32()? as usize;
            if commit >= commits.len() {
                return Err(Stale::Corrupt);
            }
            let kind = match r.u8()? {
                0 => FileKind::Pass {
                    side: word(&mut r)?,
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
    /// 0 for none, else 1 + the value's place in `all`.
    fn place<T: PartialEq>(&mut self, value: Option<T>, all: &[T]) {
        let place = value.and_then(|v| all.iter().position(|a| *a == v));
        self.u8(place.map_or(0, |p| p as u8 + 1));
    }
    fn date(&mut self, date: Option<Date>) {
        match date {
            None => self.u8(0),
            Some(d) => {
                self.u8(1);
                self.u32(d.year as u32);
                self.u8(d.month);
                self.u8(d.day);
            }
        }
    }
    fn word<'w>(&mut self, word: Option<&'w str>, words: &mut Words<'w>) {
        match word {
            None => self.u8(0),
            Some(w) => {
                self.u8(1);
                self.u32(words.of(w));
            }
        }
    }
    fn trailers<'w>(&mut self, t: &'w Trailers, words: &mut Words<'w>) {
        self.word(t.article.as_deref(), words);
        self.word(t.side.as_deref(), words);
        self.date(t.session);
        self.place(t.status, &Status::ALL);
        self.u8(u8::from(t.received));
        self.place(t.change, &Change::ALL);
        self.date(t.date);
        self.u32(t.reopened_by.len() as u32);
        for side in &t.reopened_by {
            self.u32(words.of(side));
        }
        self.u8(u8::from(t.forced));
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
    fn flag(&mut self) -> Result<bool, Stale> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Stale::Corrupt),
        }
    }
    fn place<T: Copy>(&mut self, all: &[T]) -> Result<Option<T>, Stale> {
        match self.u8()? {
            0 => Ok(None),
            p => all
                .get(usize::from(p) - 1)
                .copied()
                .map(Some)
                .ok_or(Stale::Corrupt),
        }
    }
    fn date(&mut self) -> Result<Option<Date>, Stale> {
        if !self.flag()? {
            return Ok(None);
        }
        let year = self.u32()? as i32;
        let (month, day) = (self.u8()?, self.u8()?);
        Date::new(year, month, day).map(Some).ok_or(Stale::Corrupt)
    }
    fn trailers(
        &mut self,
        word: &impl Fn(&mut Reader<'a>) -> Result<String, Stale>,
    ) -> Result<Trailers, Stale> {
        let optional = |r: &mut Reader<'a>| match r.flag()? {
            false => Ok(None),
            true => word(r).map(Some),
        };
        let article = optional(self)?;
        let side = optional(self)?;
        let session = self.date()?;
        let status = self.place(&Status::ALL)?;
        let received = self.flag()?;
        let change = self.place(&Change::ALL)?;
        let date = self.date()?;
        let reopened_n = self.count(4)?;
        let mut reopened_by = Vec::with_capacity(reopened_n);
        for _ in 0..reopened_n {
            reopened_by.push(word(self)?);
        }
        let forced = self.flag()?;
        Ok(Trailers {
            article,
            side,
            session,
            status,
            received,
            change,
            date,
            reopened_by,
            forced,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(n: u8, trailers: Option<Trailers>) -> CommitInfo {
        CommitInfo {
            id: Oid::from_bytes(&[n; 20]).unwrap(),
            author: format!("Lead {}", n % 2),
            email: format!("lead-{}@union.example", n % 2),
            time: 1_750_000_000 + i64::from(n),
            offset: -420,
            summary: format!("Pass {n}"),
            trailers,
            undated: n == 3,
        }
    }

    /// Every field of the trailers, each value of each kept by its place, comes back as it went.
    #[test]
    fn every_trailer_field_and_value_reads_back_as_written() {
        let day = |d| Date::new(2025, 6, d);
        let mut commits = vec![commit(1, None)];
        for (i, status) in Status::ALL.iter().enumerate() {
            let i = i as u8;
            commits.push(commit(
                10 + i,
                Some(Trailers {
                    article: Some(format!("{i}-article")),
                    side: Some(["union", "employer"][usize::from(i % 2)].to_string()),
                    session: day(1 + i),
                    status: Some(*status),
                    received: i.is_multiple_of(2),
                    change: Change::ALL.get(usize::from(i)).copied(),
                    date: day(10 + i),
                    reopened_by: (0..i).map(|k| format!("side-{k}")).collect(),
                    forced: i.is_multiple_of(3),
                }),
            ));
        }
        for (i, change) in Change::ALL.iter().enumerate() {
            commits.push(commit(
                40 + i as u8,
                Some(Trailers {
                    change: Some(*change),
                    ..Trailers::default()
                }),
            ));
        }
        commits.push(commit(3, Some(Trailers::default())));
        let events = vec![
            Event {
                commit: 1,
                kind: FileKind::Pass {
                    side: "union".into(),
                    number: 1,
                },
                blob: Some(Oid::from_bytes(&[7; 20]).unwrap()),
            },
            Event {
                commit: 2,
                kind: FileKind::Other("notes.txt".into()),
                blob: None,
            },
        ];
        let head = commits.last().unwrap().id;
        let history = History::from_parts(
            commits,
            BTreeMap::from([("1-article".to_string(), events)]),
            head,
            false,
            HashMap::new(),
        );
        let shallow = [0; 32];
        let bytes = encode(&history, &shallow).expect("encodes");
        let back = decode(&bytes, &shallow).expect("decodes");
        assert_eq!(back.commits, history.commits);
        assert_eq!(back.articles, history.articles);
        assert_eq!(back.head, history.head);
        // A written file is its body framed: what the fuzz target frames reaches the reader.
        let framed = framed(&[&bytes[HEADER..]]);
        assert_eq!(framed, bytes);
        // The recurring names are written once.
        let names = bytes.windows(b"lead-1@union.example".len());
        assert_eq!(names.filter(|w| w == b"lead-1@union.example").count(), 1);
    }
}
