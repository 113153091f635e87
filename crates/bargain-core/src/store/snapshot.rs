//! The table as committed at one commit: `bargaining.yaml` and every article folder.
//!
//! Texts are not read here, only located (blob ids), so a 10 MB article costs nothing until it is
//! shown; the one exception is a standing TA's `ta.md`, read to check its recorded hash. A broken article is listed with its problems; it never stops the others from loading.

use super::{PROPOSALS, Repo, StoreError, TABLE_FILE};
use crate::model::{Article, Table, is_id};
use crate::text::{MAX_YAML_BYTES, Problem, check_size};
use git2::{ObjectType, Oid, Tree};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};

/// The table at one commit.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub commit: Oid,
    pub table: Table,
    /// Sorted by article number, then id.
    pub articles: Vec<ArticleEntry>,
    /// Problems of the table file itself and of `proposals/` as a whole (per-article problems
    /// are on the article).
    pub problems: Vec<Problem>,
}

/// One article folder.
#[derive(Debug, Clone)]
pub struct ArticleEntry {
    /// The folder name, e.g. `12-ai-technology`.
    pub id: String,
    /// `None` when `article.yaml` is missing or malformed (see `problems`).
    pub article: Option<Article>,
    /// The title of a malformed `article.yaml`, where it could still be read.
    pub title_hint: Option<String>,
    /// Side id → blob of that side's latest pass (`<side>.md`).
    pub passes: BTreeMap<String, Oid>,
    /// Sides whose latest `<side>.md` is not text (not UTF-8, a NUL byte): a problem, and no
    /// pass — it never decides whose move it is.
    pub not_text: std::collections::BTreeSet<String>,
    pub current: Option<Oid>,
    pub ta: Option<Oid>,
    pub problems: Vec<Problem>,
}

impl ArticleEntry {
    /// The folder `id` with nothing read from it yet.
    fn named(id: String) -> ArticleEntry {
        ArticleEntry {
            id,
            article: None,
            title_hint: None,
            passes: BTreeMap::new(),
            not_text: Default::default(),
            current: None,
            ta: None,
            problems: Vec::new(),
        }
    }

    /// The article number, from `article.yaml` or else from the folder name's leading digits.
    pub fn number(&self) -> Option<u32> {
        self.article.as_ref().map(|a| a.number).or_else(|| {
            let digits: String = self.id.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
    }

    pub fn title(&self) -> &str {
        match (&self.article, &self.title_hint) {
            (Some(a), _) => a.title.as_str(),
            (None, Some(hint)) => hint.as_str(),
            (None, None) => "(unreadable article.yaml)",
        }
    }

    pub fn path(&self, file: &str) -> String {
        format!("{PROPOSALS}/{}/{file}", self.id)
    }
}

impl Snapshot {
    /// Finds an article by number (`12`) or folder id (`12-ai-technology`).
    pub fn find(&self, key: &str) -> Option<&ArticleEntry> {
        let key = key.trim();
        if let Some(a) = self.articles.iter().find(|a| a.id == key) {
            return Some(a);
        }
        let number: u32 = key.parse().ok()?;
        self.articles.iter().find(|a| a.number() == Some(number))
    }

    /// All problems, the table's first, then each article's.
    pub fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .chain(self.articles.iter().flat_map(|a| a.problems.iter()))
    }
}

/// Reads the table in `tree`; `None` when there is no `bargaining.yaml` at all.
pub(super) fn read(repo: &Repo, tree: &Tree<'_>) -> Option<Result<Snapshot, StoreError>> {
    let entry = tree.get_name(TABLE_FILE)?;
    if is_link(&entry) {
        // Its blob is the link's target path, not a table: never followed, never parsed.
        return Some(Err(StoreError::BadTable(Problem::new(
            TABLE_FILE,
            "is a symbolic link; the table must be a real file inside the repository",
        ))));
    }
    if entry.kind() != Some(ObjectType::Blob) {
        return Some(Err(StoreError::BadTable(Problem::new(
            TABLE_FILE,
            "is a folder; expected the table's YAML file",
        ))));
    }
    Some(read_table(repo, tree, entry.id(), None))
}

/// [`read`] of the table and only the article `key` names, for a command about one article
/// (`log ARTICLE`, `diff ARTICLE`) on a table of a thousand: the folder is picked by its name (the
/// id, or its leading number) and must then be what [`Snapshot::find`] finds among those read;
/// `None` when the names do not settle it (no such folder, or its `article.yaml` gives another
/// number), and the caller reads the whole table. (Where two folders claim one number — a
/// problem `status` names — this takes the one named by it.)
pub(super) fn read_one(repo: &Repo, tree: &Tree<'_>, key: &str) -> Option<Snapshot> {
    let entry = tree.get_name(TABLE_FILE)?;
    if is_link(&entry) || entry.kind() != Some(ObjectType::Blob) {
        return None;
    }
    let snapshot = read_table(repo, tree, entry.id(), Some(key.trim())).ok()?;
    snapshot.find(key)?;
    Some(snapshot)
}

/// A folder whose tree object is missing or corrupt: one damaged article, not a damaged table.
fn damaged(path: &str, err: &git2::Error) -> Problem {
    Problem::new(
        path,
        format!(
            "cannot be read ({}); the repository is damaged, `git fsck` shows what is missing",
            err.message()
        ),
    )
}

fn is_link(entry: &git2::TreeEntry<'_>) -> bool {
    entry.filemode() == i32::from(git2::FileMode::Link)
}

/// A gitlink: a commit of another repository mounted here.
fn is_submodule(entry: &git2::TreeEntry<'_>) -> bool {
    entry.filemode() == i32::from(git2::FileMode::Commit)
}

const SUBMODULE: &str = "is a submodule (a commit of another repository); the table keeps only its own files, never a link to another repository";

fn read_table(
    repo: &Repo,
    tree: &Tree<'_>,
    table_blob: Oid,
    only: Option<&str>,
) -> Result<Snapshot, StoreError> {
    let table: Table = match parse_yaml(repo, table_blob, TABLE_FILE) {
        Ok(t) => t,
        Err(problem) => return Err(StoreError::BadTable(problem)),
    };
    let mut problems: Vec<Problem> = table
        .check()
        .into_iter()
        .map(|m| Problem::new(TABLE_FILE, m))
        .collect();
    let mut articles = Vec::new();
    match tree.get_name(PROPOSALS) {
        None => {}
        Some(e) if is_link(&e) => {
            problems.push(Problem::new(
                PROPOSALS,
                "is a symbolic link; it is not followed (proposals/ must be a real folder inside the repository)",
            ));
        }
        Some(e) if e.kind() != Some(ObjectType::Tree) => {
            problems.push(Problem::new(PROPOSALS, "is not a folder"));
        }
        Some(e) => match repo.git.find_tree(e.id()) {
            Ok(proposals) => match only {
                None => read_folders(repo, &table, &proposals, &mut articles, &mut problems),
                Some(key) => {
                    for entry in proposals.iter() {
                        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
                        let digits: String =
                            name.chars().take_while(char::is_ascii_digit).collect();
                        let named = name == key || (!digits.is_empty() && digits == key);
                        if named
                            && entry.kind() == Some(ObjectType::Tree)
                            && !is_link(&entry)
                            && let Ok(folder) = repo.git.find_tree(entry.id())
                        {
                            articles.push(read_article(repo, &table, name, &folder));
                        }
                    }
                }
            },
            Err(err) => problems.push(damaged(PROPOSALS, &err)),
        },
    }
    articles.sort_by(|a, b| (a.number(), &a.id).cmp(&(b.number(), &b.id)));
    flag_duplicate_numbers(&mut articles);
    check_blobs(repo, &mut articles);
    Ok(Snapshot {
        commit: Oid::ZERO_SHA1,
        table,
        articles,
        problems,
    })
}

/// What the snapshot learns from the blobs themselves, with what is known of each blob kept
/// between runs ([`super::facts`]), so a warm start reads only the blobs it has not seen:
/// a latest pass that is not text (the rule every reader uses, [`crate::text::text_in`]) is a
/// problem and no pass; a standing TA whose `ta.md` is missing or not the text whose hash was
/// recorded is a problem, as `verify` would flag it. Passes are never read for their words here.
fn check_blobs(repo: &Repo, articles: &mut [ArticleEntry]) {
    let mut facts = super::facts::Facts::load(repo);
    for entry in articles.iter_mut() {
        if let Some(article) = &entry.article {
            let ta = entry.ta;
            if let Some(message) = ta_text_problem(article, || facts.sha256(repo, ta?)) {
                let problem = Problem::new(
                    entry.path("ta.md"),
                    format!("{message}; `bargain verify` names the commit"),
                );
                entry.problems.push(problem);
            }
        }
        for (side, &blob) in &entry.passes {
            let path = entry.path(&format!("{side}.md"));
            if facts.is_text(repo, blob, &path) == Some(false)
                && let Ok(b) = repo.git.find_blob(blob)
                && let Err(mut problem) = crate::text::text_in(b.content(), &path)
            {
                problem.message.push_str(
                    " — it cannot be read as a pass, so it is not counted as one (`bargain verify` flags it)",
                );
                entry.problems.push(problem);
                entry.not_text.insert(side.clone());
            }
        }
    }
    facts.save(repo);
}

/// Every article folder of `proposals/`; what is not one is a problem of the table.
fn read_folders(
    repo: &Repo,
    table: &Table,
    proposals: &Tree<'_>,
    articles: &mut Vec<ArticleEntry>,
    problems: &mut Vec<Problem>,
) {
    for entry in proposals.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let path = format!("{PROPOSALS}/{name}");
        // Links and submodules are findings whatever their name: a hidden one is still a way
        // out of the repository for a program that follows it.
        if is_link(&entry) {
            problems.push(Problem::new(
                path,
                "is a symbolic link; an article must be a real folder inside the repository",
            ));
            continue;
        }
        if is_submodule(&entry) {
            problems.push(Problem::new(path, SUBMODULE));
            continue;
        }
        if name.starts_with('.') || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        if entry.kind() != Some(ObjectType::Tree) {
            problems.push(Problem::new(path, "is not an article folder"));
            continue;
        }
        match repo.git.find_tree(entry.id()) {
            Ok(folder) => articles.push(read_article(repo, table, name, &folder)),
            Err(err) => articles.push(ArticleEntry {
                problems: vec![damaged(&path, &err)],
                ..ArticleEntry::named(name)
            }),
        }
    }
}

fn read_article(repo: &Repo, table: &Table, id: String, folder: &Tree<'_>) -> ArticleEntry {
    let mut entry = ArticleEntry::named(id);
    if !is_id(&entry.id) {
        entry.problems.push(Problem::new(
            entry.path(""),
            "folder name must be lowercase letters, digits and dashes, e.g. 12-ai-technology",
        ));
    }
    let mut article_yaml = None;
    for file in folder.iter() {
        let name = String::from_utf8_lossy(file.name_bytes()).into_owned();
        let path = entry.path(&name);
        if is_link(&file) {
            entry.problems.push(Problem::new(
                path,
                "is a symbolic link; it is not read (files must live inside the repository)",
            ));
            continue;
        }
        if is_submodule(&file) {
            entry.problems.push(Problem::new(path, SUBMODULE));
            continue;
        }
        if file.kind() != Some(ObjectType::Blob) {
            entry.problems.push(Problem::new(
                path,
                "is a folder; an article folder holds files only",
            ));
            continue;
        }
        match name.as_str() {
            "article.yaml" => article_yaml = Some(file.id()),
            "current.md" => entry.current = Some(file.id()),
            "ta.md" => entry.ta = Some(file.id()),
            other => match other.strip_suffix(".md") {
                Some(side) if table.side(side).is_some() => {
                    entry.passes.insert(side.to_string(), file.id());
                }
                Some(side) => entry.problems.push(Problem::new(
                    path,
                    format!(
                        "is a pass of side `{side}`, which the table does not have (sides: {})",
                        side_list(table)
                    ),
                )),
                None if other.starts_with('.') => {}
                None => entry.problems.push(Problem::new(
                    path,
                    "is not part of an article (expected article.yaml, current.md, ta.md or <side>.md)",
                )),
            },
        }
    }
    let Some(blob) = article_yaml else {
        entry
            .problems
            .push(Problem::new(entry.path("article.yaml"), "is missing"));
        return entry;
    };
    let path = entry.path("article.yaml");
    match parse_yaml::<Article>(repo, blob, &path) {
        Ok(article) => {
            entry.problems.extend(check_article(table, &article, &path));
            entry.article = Some(article);
        }
        Err(problem) => {
            entry.title_hint = title_hint(repo, blob);
            entry.problems.push(problem);
        }
    }
    entry
}

/// The title of an `article.yaml` that does not parse as an article, when its YAML is readable
/// at all: a list of articles is easier to scan with the broken one's title in it.
fn title_hint(repo: &Repo, blob: Oid) -> Option<String> {
    let text = repo.text_capped(blob, "", MAX_YAML_BYTES).ok()?;
    let value: serde_yaml::Value = parse_yaml_str(&text, "").ok()?;
    value.get("title")?.as_str().map(str::to_string)
}

/// What an `article.yaml` can get wrong that serde cannot see.
fn check_article(table: &Table, article: &Article, path: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if table.topic(&article.topic).is_none() {
        let topics: Vec<&str> = table.topics.iter().map(|t| t.id.as_str()).collect();
        problems.push(Problem::new(
            path,
            format!(
                "unknown topic `{}`; the table's topics are: {}",
                article.topic,
                topics.join(", ")
            ),
        ));
    }
    if let Some(side) = &article.withdrawn_by
        && table.side(side).is_none()
    {
        problems.push(Problem::new(
            path,
            format!(
                "withdrawn_by names unknown side `{side}` (sides: {})",
                side_list(table)
            ),
        ));
    }
    if article.status.is_agreed() {
        match &article.ta {
            None => problems.push(Problem::new(
                path,
                format!(
                    "status is {} but there is no `ta:` with its date and signatories",
                    article.status
                ),
            )),
            Some(ta) => {
                for side in &table.sides {
                    if !ta.signatories.contains_key(&side.id) {
                        problems.push(Problem::new(
                            path,
                            format!("the TA has no signatory for `{}`", side.id),
                        ));
                    }
                }
            }
        }
    }
    if let Some(ta) = &article.ta {
        for (side, email) in &ta.signatories {
            if table.side(side).is_none() {
                problems.push(Problem::new(
                    path,
                    format!(
                        "TA signatory for unknown side `{side}` (sides: {})",
                        side_list(table)
                    ),
                ));
                continue;
            }
            match table.person(email) {
                None => problems.push(Problem::new(
                    path,
                    format!(
                        "TA signatory {email} for `{side}` is not among the people of {TABLE_FILE}"
                    ),
                )),
                Some(person) if person.side != *side => problems.push(Problem::new(
                    path,
                    format!(
                        "TA signatory {email} signs for `{side}` but belongs to `{}`",
                        person.side
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

/// Whether a standing TA's text is the one agreed: `ta.md` present, and its SHA-256 the one
/// recorded in `article.yaml`. `ta_hash` gives the hash of `ta.md`, `None` when there is none
/// (or it cannot be read); it is asked only of an article that stands agreed. The one place
/// this rule lives (the snapshot's problems, `verify`).
pub fn ta_text_problem(
    article: &Article,
    ta_hash: impl FnOnce() -> Option<String>,
) -> Option<String> {
    let agreement = article.ta.as_ref().filter(|_| article.status.is_agreed())?;
    let Some(actual) = ta_hash() else {
        return Some("the article stands agreed but has no ta.md".to_string());
    };
    let recorded = agreement.sha256.as_ref()?;
    (!actual.eq_ignore_ascii_case(recorded)).then(|| {
        let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
        format!(
            "ta.md does not match the hash recorded in article.yaml (recorded {}, ta.md has {})",
            short(recorded),
            short(&actual)
        )
    })
}

fn side_list(table: &Table) -> String {
    table
        .sides
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn flag_duplicate_numbers(articles: &mut [ArticleEntry]) {
    let mut by_number: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        if let Some(article) = &a.article {
            by_number.entry(article.number).or_default().push(i);
        }
    }
    for (number, indexes) in by_number {
        if indexes.len() < 2 {
            continue;
        }
        let ids: Vec<String> = indexes.iter().map(|&i| articles[i].id.clone()).collect();
        for &i in &indexes {
            let others: Vec<&str> = ids
                .iter()
                .filter(|id| **id != articles[i].id)
                .map(String::as_str)
                .collect();
            let path = articles[i].path("article.yaml");
            articles[i].problems.push(Problem::new(
                path,
                format!("number {number} is also used by {}", others.join(", ")),
            ));
        }
    }
}

/// Parses one YAML blob; the problem names the file, line and column.
/// Files over [`MAX_YAML_BYTES`] are refused unread.
pub fn parse_yaml<T: DeserializeOwned>(repo: &Repo, blob: Oid, path: &str) -> Result<T, Problem> {
    let text = repo.text_capped(blob, path, MAX_YAML_BYTES)?;
    parse_yaml_str(&text, path)
}

/// Deeper flow nesting (`[`, `{`) than any table file needs. The YAML parser slows down with the
/// square of the depth (a 200 KB line of `[` took over a minute), so one hostile file would freeze
/// the whole table: such text is refused before it is parsed.
pub const MAX_NESTING: usize = 64;

/// Parses YAML text; the problem names `path`, line and column, and what was expected.
pub fn parse_yaml_str<T: DeserializeOwned>(text: &str, path: &str) -> Result<T, Problem> {
    check_size(text.len() as u64, MAX_YAML_BYTES, path)?;
    if let Some((line, column)) = too_deeply_nested(text) {
        return Err(Problem::new(
            path,
            format!("nests brackets deeper than {MAX_NESTING} levels; expected plain YAML fields"),
        )
        .at(line, column));
    }
    serde_yaml::from_str(text).map_err(|e| {
        let mut message = e.to_string();
        // The message ends with " at line L column C"; the location is reported separately.
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        let problem = Problem::new(path, message);
        match e.location() {
            Some(l) => problem.at(l.line(), l.column()),
            None => problem,
        }
    })
}

/// Where `[`/`{` first nest deeper than [`MAX_NESTING`] (1-based line and column). Brackets inside
/// quotes or comments count too: a false alarm needs 64 unclosed brackets in one value.
fn too_deeply_nested(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    for c in text.chars() {
        column += 1;
        match c {
            '\n' => (line, column) = (line + 1, 0),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
