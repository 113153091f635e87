//! The tracker: one row per article (status, passes per side, whose move, last movement) and the
//! totals per topic. Computed once from a snapshot and the history index; the CLI's `status`,
//! the exports and the TUI's article list all read these rows.

use crate::model::{Article, Date, Progress, SignatureKind, Status, Table, whose_move};
use crate::store::{History, Snapshot};
use git2::Oid;

/// One article as the tracker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerRow {
    /// Index into `Snapshot::articles`.
    pub index: usize,
    pub id: String,
    pub number: Option<u32>,
    pub title: String,
    /// Topic id (empty when the article could not be read).
    pub topic: String,
    /// `None` when `article.yaml` could not be read.
    pub status: Option<Status>,
    pub progress: Progress,
    /// Side id whose move it is.
    pub whose_move: Option<String>,
    pub last_movement: Option<Date>,
    /// The session the last movement's day falls in (`None` between sessions).
    pub last_session: Option<String>,
    /// The tentative agreement: its date and who signed for each side, and how.
    pub agreement: Option<Agreement>,
    /// A TA proposed and signed by some sides, awaiting these (a table kept jointly).
    pub awaiting: Vec<String>,
    /// The note recorded with the article's status.
    pub note: Option<String>,
    /// How many problems the article has (0 for a clean one).
    pub problems: usize,
}

/// A TA as the tracker prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub date: Date,
    /// In the table's side order.
    pub signatures: Vec<Signed>,
}

/// One side's signature of a TA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub side: String,
    pub email: String,
    /// `None` for a TA recorded before signatures had kinds (both named in one recording).
    pub kind: Option<SignatureKind>,
}

impl Agreement {
    fn of(table: &Table, article: &Article) -> Option<Agreement> {
        let ta = article.ta.as_ref()?;
        let mut signatures: Vec<Signed> = table
            .sides
            .iter()
            .filter_map(|side| {
                ta.signatories.get(&side.id).map(|email| Signed {
                    side: side.id.clone(),
                    email: email.clone(),
                    kind: ta.signatures.get(&side.id).map(|s| s.kind),
                })
            })
            .collect();
        // Sides no longer in the table still count: keep what was signed.
        for (side, email) in &ta.signatories {
            if !signatures.iter().any(|s| &s.side == side) {
                signatures.push(Signed {
                    side: side.clone(),
                    email: email.clone(),
                    kind: ta.signatures.get(side).map(|s| s.kind),
                });
            }
        }
        Some(Agreement {
            date: ta.date,
            signatures,
        })
    }
}

impl TrackerRow {
    /// How many passes `side` has made on the article.
    pub fn passes_of(&self, side: &str) -> u32 {
        self.progress.passes.get(side).copied().unwrap_or(0)
    }
}

/// Articles and tentative agreements (ratified ones included) of one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTotal {
    pub topic: String,
    pub title: String,
    pub articles: usize,
    pub tas: usize,
}

/// Rows for every article of the snapshot, in article order; `topic` keeps one topic only.
pub fn rows(snapshot: &Snapshot, history: &History, topic: Option<&str>) -> Vec<TrackerRow> {
    let sides = &snapshot.table.sides;
    snapshot
        .articles
        .iter()
        .enumerate()
        .filter(|(_, a)| topic.is_none_or(|t| a.article.as_ref().is_some_and(|art| art.topic == t)))
        .map(|(index, entry)| {
            let uncounted: Vec<Oid> = entry
                .not_text
                .iter()
                .filter_map(|side| entry.passes.get(side).copied())
                .collect();
            let progress = history.progress_without(&entry.id, sides, &uncounted);
            let status = entry.article.as_ref().map(|a| a.status);
            let whose = status
                .and_then(|s| whose_move(s, sides, &progress))
                .map(|s| s.id.clone());
            let article = entry.article.as_ref();
            TrackerRow {
                last_session: progress
                    .last_movement
                    .and_then(|d| snapshot.table.session_on(d))
                    .map(|s| s.name.clone()),
                agreement: article.and_then(|a| Agreement::of(&snapshot.table, a)),
                awaiting: article
                    .and_then(|a| a.proposal.as_ref())
                    .map(|p| {
                        sides
                            .iter()
                            .filter(|s| !p.signatories.contains_key(&s.id))
                            .map(|s| s.id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                note: article.and_then(|a| a.note.clone()),
                index,
                id: entry.id.clone(),
                number: entry.number(),
                title: entry.title().to_string(),
                topic: entry
                    .article
                    .as_ref()
                    .map_or_else(String::new, |a| a.topic.clone()),
                status,
                whose_move: whose,
                last_movement: progress.last_movement,
                progress,
                problems: entry.problems.len(),
            }
        })
        .collect()
}

/// Totals per topic, in the table's topic order, for the rows given.
pub fn totals(snapshot: &Snapshot, rows: &[TrackerRow]) -> Vec<TopicTotal> {
    snapshot
        .table
        .topics
        .iter()
        .map(|t| {
            let of_topic = rows.iter().filter(|r| r.topic == t.id);
            let (articles, tas) = of_topic.fold((0, 0), |(n, a), r| {
                (
                    n + 1,
                    a + usize::from(r.status.is_some_and(Status::is_agreed)),
                )
            });
            TopicTotal {
                topic: t.id.clone(),
                title: t.title.clone(),
                articles,
                tas,
            }
        })
        .filter(|t| t.articles > 0)
        .collect()
}
