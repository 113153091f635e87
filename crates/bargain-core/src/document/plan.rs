//! What importing a split contract into a table would do, as data: the article folders it
//! creates, each `article.yaml` and `current.md`, and where it meets articles the table already
//! has. The command line's `--dry-run`, the terminal UI's confirm screen and the commit all
//! read the same [`ImportPlan`]; nothing here writes.
//!
//! Numbers: the repository format numbers articles with whole numbers. When every article of
//! the document has one (`12`, `XII`), articles keep it and the other units (letters,
//! appendices, memoranda, parts) are numbered on after the highest, in document order. When
//! the document numbers its articles otherwise (`1.1` … `12.16`, `10.1M`), every unit is
//! numbered by its place, 1, 2, 3 …; either way the number as written leads the title and
//! names the folder (`1-1-parties-to-the-agreement`), and [`ImportPlan::notes`] says so.

use super::UnitKind;
use super::split::{Split, Unit};
use crate::model::{Article, Table, Topic, is_id, slug};
use crate::store::{ArticleEntry, PROPOSALS, Snapshot};
use std::collections::{BTreeSet, HashSet};

/// The topic new articles get when none is given.
pub const UNASSIGNED_TOPIC: &str = "unassigned";

#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// The topic of every new article (`--topic`); [`UNASSIGNED_TOPIC`] by default.
    pub topic: String,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            topic: UNASSIGNED_TOPIC.to_string(),
        }
    }
}

/// What an import would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// One per unit of the split, in document order.
    pub entries: Vec<PlanEntry>,
    /// A topic the import adds to `bargaining.yaml` first: the default topic, when the table
    /// has none of that name.
    pub add_topic: Option<Topic>,
    /// Why nothing can be written (an unknown topic was asked for), as sentences.
    pub blocked: Vec<String>,
    /// How numbers and titles were made, and what the table has that the document does not.
    pub notes: Vec<String>,
}

/// One unit of the document as an article of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// Index into [`Split::units`].
    pub unit: usize,
    /// The article folder under `proposals/`.
    pub folder: String,
    /// `article.yaml` as it would be written (for a new article).
    pub article: Article,
    pub article_yaml: String,
    /// `current.md` as it would be written.
    pub current_md: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new article folder with `article.yaml` and `current.md`.
    Create,
    /// The table has this article with this very current language: nothing to write.
    Unchanged,
    /// The table has an article with this number: its `current.md` would be replaced (its
    /// `article.yaml`, passes and status stay). Only with the user's confirmation (`--replace`).
    Replace {
        /// `current.md` exists now (otherwise it would be added).
        had_current: bool,
    },
    /// Cannot be imported as planned; the sentence says why.
    Conflict(String),
}

impl ImportPlan {
    /// Whether any entry replaces an existing article's current language (so the fronts must
    /// ask, or see `--replace`).
    pub fn replaces(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.action, Action::Replace { .. }))
    }

    pub fn conflicts(&self) -> impl Iterator<Item = (&PlanEntry, &str)> {
        self.entries.iter().filter_map(|e| match &e.action {
            Action::Conflict(why) => Some((e, why.as_str())),
            _ => None,
        })
    }

    /// The files the import writes (path in the repository, content), given whether replacing
    /// was confirmed. Empty when the plan is blocked or has conflicts.
    pub fn files(&self, replace: bool) -> Vec<(String, String)> {
        if !self.blocked.is_empty() || self.conflicts().next().is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for e in &self.entries {
            match e.action {
                Action::Create => {
                    out.push((
                        format!("{PROPOSALS}/{}/article.yaml", e.folder),
                        e.article_yaml.clone(),
                    ));
                    out.push((
                        format!("{PROPOSALS}/{}/current.md", e.folder),
                        e.current_md.clone(),
                    ));
                }
                Action::Replace { .. } if replace => out.push((
                    format!("{PROPOSALS}/{}/current.md", e.folder),
                    e.current_md.clone(),
                )),
                _ => {}
            }
        }
        out
    }
}

/// Plans the import of `split` into the table of `snapshot`. `current_of` reads an existing
/// article's `current.md` (the caller reads it from git), so unchanged articles are told from
/// changed ones.
pub fn plan(
    split: &Split,
    snapshot: &Snapshot,
    current_of: impl Fn(&ArticleEntry) -> Option<String>,
    options: &PlanOptions,
) -> ImportPlan {
    let mut notes = Vec::new();
    let mut blocked = Vec::new();
    let add_topic = topic_to_add(&snapshot.table, &options.topic, &mut blocked);

    let whole = split
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Article)
        .all(|u| u.number.as_ref().and_then(|n| n.whole()).is_some());
    let numbers = numbers(split, whole);
    if whole {
        let others = split
            .units
            .iter()
            .filter(|u| u.kind != UnitKind::Article)
            .count();
        if others > 0 {
            notes.push(format!(
                "{others} letters, appendices and other parts are numbered after the articles, in document order; their headings lead their titles"
            ));
        }
    } else {
        notes.push(
            "the document numbers its articles other than with whole numbers (e.g. 1.1, 10.1M), which the repository format cannot hold: every unit is numbered by its place (1, 2, 3, …) and its number as written leads its title and names its folder"
                .to_string(),
        );
    }

    let mut folders: HashSet<String> = snapshot.articles.iter().map(|a| a.id.clone()).collect();
    let mut planned_folders: HashSet<String> = HashSet::new();
    let mut entries = Vec::with_capacity(split.units.len());
    let mut seen_existing: BTreeSet<String> = BTreeSet::new();
    for (i, unit) in split.units.iter().enumerate() {
        let number = numbers[i];
        let title = title_for(unit, whole);
        let current_md = current_md(unit);
        let article = Article::open(number, title.clone(), options.topic.clone());
        let article_yaml = serde_yaml::to_string(&article).unwrap_or_default();
        let by_number = snapshot
            .articles
            .iter()
            .filter(|a| a.number() == Some(number))
            .collect::<Vec<_>>();
        let (folder, action) = match by_number.as_slice() {
            [] => {
                let mut folder = folder_for(unit, number, whole);
                if folders.contains(&folder) {
                    // The folder exists under another number: never written over.
                    (
                        folder.clone(),
                        Action::Conflict(format!(
                            "{PROPOSALS}/{folder} already exists with another number; rename it or the import's article"
                        )),
                    )
                } else {
                    let base = folder.clone();
                    let mut n = 2;
                    while planned_folders.contains(&folder) {
                        folder = format!("{base}-{n}");
                        n += 1;
                    }
                    (folder, Action::Create)
                }
            }
            [existing] => {
                seen_existing.insert(existing.id.clone());
                let now = current_of(existing);
                let action = match &now {
                    Some(text) if *text == current_md => Action::Unchanged,
                    _ => Action::Replace {
                        had_current: existing.current.is_some(),
                    },
                };
                (existing.id.clone(), action)
            }
            several => {
                let ids: Vec<&str> = several.iter().map(|a| a.id.as_str()).collect();
                (
                    ids[0].to_string(),
                    Action::Conflict(format!(
                        "number {number} is used by several articles ({}); fix the table first",
                        ids.join(", ")
                    )),
                )
            }
        };
        folders.insert(folder.clone());
        planned_folders.insert(folder.clone());
        entries.push(PlanEntry {
            unit: i,
            folder,
            article,
            article_yaml,
            current_md,
            action,
        });
    }
    let untouched: Vec<&str> = snapshot
        .articles
        .iter()
        .filter(|a| !seen_existing.contains(&a.id))
        .map(|a| a.id.as_str())
        .collect();
    if !untouched.is_empty() && !snapshot.articles.is_empty() {
        notes.push(format!(
            "{} article{} of the table {} not in the document and stay as they are",
            untouched.len(),
            if untouched.len() == 1 { "" } else { "s" },
            if untouched.len() == 1 { "is" } else { "are" }
        ));
    }
    ImportPlan {
        entries,
        add_topic,
        blocked,
        notes,
    }
}

fn topic_to_add(table: &Table, topic: &str, blocked: &mut Vec<String>) -> Option<Topic> {
    if table.topic(topic).is_some() {
        return None;
    }
    if topic == UNASSIGNED_TOPIC {
        return Some(Topic {
            id: UNASSIGNED_TOPIC.to_string(),
            title: "Unassigned".to_string(),
            leads: Default::default(),
        });
    }
    let topics: Vec<&str> = table.topics.iter().map(|t| t.id.as_str()).collect();
    blocked.push(format!(
        "the table has no topic `{}`; its topics are: {}",
        crate::text::escape_line(topic),
        if topics.is_empty() {
            "(none)".to_string()
        } else {
            topics.join(", ")
        }
    ));
    None
}

fn numbers(split: &Split, whole: bool) -> Vec<u32> {
    if !whole {
        return (1..=split.units.len() as u32).collect();
    }
    let top = split
        .units
        .iter()
        .filter_map(|u| {
            u.number
                .as_ref()
                .and_then(|n| n.whole())
                .filter(|_| u.kind == UnitKind::Article)
        })
        .max()
        .unwrap_or(0);
    let mut next = top;
    split
        .units
        .iter()
        .map(
            |u| match (u.kind, u.number.as_ref().and_then(|n| n.whole())) {
                (UnitKind::Article, Some(n)) => n,
                _ => {
                    next += 1;
                    next
                }
            },
        )
        .collect()
}

/// The title for `article.yaml`: the body's title, led by the number as written where the
/// folder number is not it, and the whole heading for letters, appendices and parts.
fn title_for(unit: &Unit, whole: bool) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match unit.kind {
        UnitKind::Article => match &unit.number {
            Some(n) if !whole || n.whole().is_none() || n.written != n.canonical() => {
                clean(&format!("{} {}", n.written, unit.title))
            }
            _ if unit.title.is_empty() => clean(&unit.heading),
            _ => clean(&unit.title),
        },
        _ => {
            // The heading names the kind ("LETTER OF AGREEMENT – …"); a title run on to the next
            // line is in `title` only, so the heading's words are kept and the title's rest added.
            let heading = clean(&unit.heading);
            let title = clean(&unit.title);
            if title.is_empty() || heading.contains(&title) {
                heading
            } else if let Some(rest) = title.strip_prefix(heading_title(&heading, &title)) {
                clean(&format!("{heading} {rest}"))
            } else {
                heading
            }
        }
    }
}

/// The part of `title` that the heading line already holds.
fn heading_title<'t>(heading: &str, title: &'t str) -> &'t str {
    let mut end = 0;
    for (i, _) in title
        .char_indices()
        .chain(std::iter::once((title.len(), ' ')))
    {
        if heading.contains(&title[..i]) {
            end = i;
        } else {
            break;
        }
    }
    &title[..end]
}

fn folder_for(unit: &Unit, number: u32, whole: bool) -> String {
    let written = unit
        .number
        .as_ref()
        .map(|n| n.canonical().to_ascii_lowercase().replace('.', "-"));
    let title_slug = slug(&unit.title, 40);
    let head = match (unit.kind, written) {
        (UnitKind::Article, Some(w)) if whole => w,
        (UnitKind::Article, Some(w)) => w,
        (UnitKind::Article, None) => number.to_string(),
        (kind, Some(w)) => format!("{}-{w}", short(kind)),
        (kind, None) => short(kind).to_string(),
    };
    let mut folder = if title_slug.is_empty() {
        head
    } else {
        format!("{head}-{title_slug}")
    };
    folder.truncate(100);
    while folder.ends_with('-') {
        folder.pop();
    }
    if !is_id(&folder) {
        folder = format!("{number}");
    }
    folder
}

fn short(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Article => "article",
        UnitKind::Appendix => "appendix",
        UnitKind::Letter => "loa",
        UnitKind::Memorandum => "mou",
        UnitKind::Part => "part",
    }
}

/// `current.md`: the heading as a Markdown heading, then the unit's lines as the document has
/// them, less form feeds and trailing spaces, without blank lines at either end.
pub fn current_md(unit: &Unit) -> String {
    let mut lines = unit.text.lines();
    let _ = lines.next();
    let heading = unit
        .heading
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    let mut out = format!("# {}\n", heading.trim());
    let body: Vec<String> = lines
        .map(|l| l.replace('\u{c}', "").trim_end().to_string())
        .collect();
    let start = body
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(body.len());
    let end = body
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |p| p + 1);
    if start < end {
        out.push('\n');
        for line in &body[start..end] {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
