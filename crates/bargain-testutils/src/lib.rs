//! Test and benchmark helpers for bargain, never a dependency of the program: large generated
//! tables ([`write_repository`], [`cached_repository`]), and small texts several test suites share.
//!
//! Large synthetic tables for benchmarks and load tests: many articles of realistic size and a
//! long history of passes and status changes, in the repository format v1.
//!
//! The history is written by streaming `git fast-import` (the git command line), which packs
//! twenty thousand commits in seconds, then repacked as git's documentation advises (as gc and
//! clones pack every real repository); bargain itself never writes this way. Output is fully
//! determined by the [`Spec`] (a seeded generator), so benchmark runs compare like with like.

use bargain_core::model::Date;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub articles: usize,
    /// Commits in all, the opening commit included.
    pub commits: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            articles: 1_000,
            commits: 20_000,
            seed: 2025,
        }
    }
}

const SIDES: [&str; 2] = ["union", "employer"];
const TOPICS: [(&str, &str); 8] = [
    ("ai", "AI & technology"),
    ("staffing", "Staffing & patient care"),
    ("partnership", "Labor-management partnership"),
    ("economics", "Economics"),
    ("benefits", "Benefits"),
    ("scheduling", "Scheduling & hours"),
    ("safety", "Health & safety"),
    ("education", "Education & training"),
];

const WORDS: &str = "the employer union shall employee employees agreement article may notice days within \
    written provide parties committee joint patient care staffing unit hours pay rate \
    schedule shift overtime leave technology training clinical judgment review process \
    request meet confer representative grievance procedure step manager department licensed \
    position seniority vacancy posting calendar business period reasonable effective date \
    following except provided that any all each other such under this section and or of to in \
    for with by on as not be a an will must no later than";

/// A small, fast, seeded generator (SplitMix64): the same spec always gives the same table.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        let list = LIST.get_or_init(|| WORDS.split(' ').collect());
        list[self.below(list.len())]
    }
}

/// One article's text as sections of sentences, so passes can edit it like people do.
#[derive(Clone)]
struct Text {
    number: usize,
    sections: Vec<Vec<String>>,
}

impl Text {
    fn new(dice: &mut Dice, number: usize) -> Text {
        // Mostly 300–1,500 words, a few long ones, like a real agreement.
        let words = match dice.below(20) {
            0 => 3_000 + dice.below(4_000),
            1..=4 => 1_200 + dice.below(1_500),
            _ => 250 + dice.below(1_000),
        };
        let mut sections = Vec::new();
        let mut written = 0;
        while written < words {
            let sentences = 2 + dice.below(5);
            let mut section = Vec::new();
            for _ in 0..sentences {
                let len = 8 + dice.below(22);
                section.push(sentence(dice, len));
                written += len;
            }
            sections.push(section);
        }
        Text { number, sections }
    }

    /// A pass: a few edits to the text on the table.
    fn edit(&mut self, dice: &mut Dice) {
        for _ in 0..1 + dice.below(4) {
            let s = dice.below(self.sections.len());
            let section = &mut self.sections[s];
            match dice.below(4) {
                0 => {
                    let len = 10 + dice.below(15);
                    section.push(sentence(dice, len));
                }
                1 if section.len() > 1 => {
                    section.remove(dice.below(section.len()));
                }
                _ => {
                    let i = dice.below(section.len());
                    let mut words: Vec<String> =
                        section[i].split(' ').map(str::to_string).collect();
                    let at = dice.below(words.len());
                    words[at] = dice.word().to_string();
                    section[i] = words.join(" ");
                }
            }
        }
    }

    fn render(&self) -> String {
        let mut out = format!("# Article {}\n", self.number);
        for (i, section) in self.sections.iter().enumerate() {
            let _ = writeln!(out, "\n{}.{} {}", self.number, i + 1, section.join(" "));
        }
        out
    }
}

fn sentence(dice: &mut Dice, len: usize) -> String {
    let mut s = String::new();
    for i in 0..len {
        let w = dice.word();
        if i == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                s.extend(first.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn table_yaml(spec: &Spec) -> String {
    let mut y = format!(
        "format: 1\nname: Generated table ({} articles, {} commits)\nsides:\n  - {{ id: union, name: The Union }}\n  - {{ id: employer, name: The Employer }}\ntopics:\n",
        spec.articles, spec.commits
    );
    for (id, title) in TOPICS {
        let _ = writeln!(
            y,
            "  - id: {id}\n    title: {title}\n    leads: {{ union: [{id}-lead@union.example], employer: [{id}-lead@employer.example] }}"
        );
    }
    y.push_str("people:\n");
    for side in SIDES {
        let _ = writeln!(
            y,
            "  - {{ name: {side} chief, email: chief@{side}.example, side: {side}, roles: [chief-negotiator] }}"
        );
        for (id, _) in TOPICS {
            let _ = writeln!(
                y,
                "  - {{ name: {side} {id} lead, email: {id}-lead@{side}.example, side: {side}, roles: [member] }}"
            );
        }
    }
    y.push_str("sessions:\n");
    let start = Date::new(2025, 1, 6).unwrap_or(Date::from_days(0));
    for week in 0..52 {
        let d = start.add_days(week * 7);
        let _ = writeln!(
            y,
            "  - {{ name: Week {}, start: {d}, end: {} }}",
            week + 1,
            d.add_days(2)
        );
    }
    y
}

fn article_yaml(number: usize, status: &str) -> String {
    let topic = TOPICS[number % TOPICS.len()].0;
    let mut y = format!(
        "number: {number}\ntitle: Generated article {number}\ntopic: {topic}\nstatus: {status}\n"
    );
    if status == "tentatively-agreed" {
        y.push_str(
            "ta:\n  date: 2025-06-03\n  signatories: { union: chief@union.example, employer: chief@employer.example }\n",
        );
    }
    y
}

fn article_id(number: usize) -> String {
    format!("{number}-generated-article")
}

impl Spec {
    /// The default spec, resized by `BARGAIN_BENCH_ARTICLES` and `BARGAIN_BENCH_COMMITS` where
    /// set: how the benchmarks are run at other sizes.
    pub fn from_env() -> Spec {
        let number = |key: &str, default: usize| {
            std::env::var(key)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let default = Spec::default();
        Spec {
            articles: number("BARGAIN_BENCH_ARTICLES", default.articles),
            commits: number("BARGAIN_BENCH_COMMITS", default.commits),
            seed: default.seed,
        }
    }
}

/// The generated table for `spec` under `root`, generated on first use and kept (benchmarks
/// share it across runs: generating 20,000 commits takes about a minute).
pub fn cached_repository(root: &Path, spec: &Spec) -> io::Result<std::path::PathBuf> {
    let dir = root.join(format!(
        "{}-articles-{}-commits-seed-{}",
        spec.articles, spec.commits, spec.seed
    ));
    if !dir.join(".git").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        write_repository(&dir, spec)?;
    }
    Ok(dir)
}

/// Writes the fast-import stream of the whole table to `out`.
pub fn stream(spec: &Spec, out: &mut impl Write) -> io::Result<()> {
    let mut dice = Dice(spec.seed);
    let start = Date::new(2025, 1, 6)
        .unwrap_or(Date::from_days(0))
        .to_days()
        * 86_400
        + 9 * 3600;
    let mut texts: Vec<Text> = (1..=spec.articles)
        .map(|n| Text::new(&mut dice, n))
        .collect();
    let mut last_side = vec![1usize; spec.articles];
    let mut status: Vec<&str> = vec!["open"; spec.articles];

    let data = |out: &mut dyn Write, bytes: &[u8]| -> io::Result<()> {
        writeln!(out, "data {}", bytes.len())?;
        out.write_all(bytes)?;
        out.write_all(b"\n")
    };
    let header = |out: &mut dyn Write, who: &str, when: i64, message: &str| -> io::Result<()> {
        writeln!(out, "commit refs/heads/main")?;
        writeln!(out, "author {who} <{who}> {when} +0000")?;
        writeln!(out, "committer {who} <{who}> {when} +0000")?;
        data(out, message.as_bytes())
    };

    header(
        out,
        "chief@union.example",
        start,
        "Open the generated table\n",
    )?;
    writeln!(out, "M 100644 inline bargaining.yaml")?;
    data(out, table_yaml(spec).as_bytes())?;
    for (i, text) in texts.iter().enumerate() {
        let id = article_id(i + 1);
        writeln!(out, "M 100644 inline proposals/{id}/article.yaml")?;
        data(out, article_yaml(i + 1, "open").as_bytes())?;
        writeln!(out, "M 100644 inline proposals/{id}/current.md")?;
        data(out, text.render().as_bytes())?;
    }
    let span = 300 * 86_400 / spec.commits.max(1) as i64;
    for c in 1..spec.commits {
        let when = start + c as i64 * span.max(1);
        // A few articles see most of the movement, as at a real table.
        let a = if dice.below(3) == 0 {
            dice.below(spec.articles.min(50))
        } else {
            dice.below(spec.articles)
        };
        let id = article_id(a + 1);
        let topic = TOPICS[(a + 1) % TOPICS.len()].0;
        if dice.below(25) == 0 && status[a] == "open" {
            status[a] = "tentatively-agreed";
            let message = format!(
                "Tentative agreement on article {}\n\nBargain-Article: {id}\nBargain-Status: tentatively-agreed\n",
                a + 1
            );
            header(out, "chief@union.example", when, &message)?;
            writeln!(out, "M 100644 inline proposals/{id}/article.yaml")?;
            data(out, article_yaml(a + 1, status[a]).as_bytes())?;
            writeln!(out, "M 100644 inline proposals/{id}/ta.md")?;
            data(out, texts[a].render().as_bytes())?;
            continue;
        }
        // A pass after a TA reopens the article in the same commit.
        let reopened = status[a] != "open";
        status[a] = "open";
        let side = 1 - last_side[a];
        last_side[a] = side;
        texts[a].edit(&mut dice);
        let who = format!("{topic}-lead@{}.example", SIDES[side]);
        let message = format!(
            "{} pass on article {}\n\nBargain-Article: {id}\nBargain-Side: {}\n",
            SIDES[side],
            a + 1,
            SIDES[side]
        );
        header(out, &who, when, &message)?;
        writeln!(out, "M 100644 inline proposals/{id}/{}.md", SIDES[side])?;
        data(out, texts[a].render().as_bytes())?;
        if reopened || dice.below(50) == 0 {
            writeln!(out, "M 100644 inline proposals/{id}/article.yaml")?;
            data(out, article_yaml(a + 1, "open").as_bytes())?;
        }
    }
    writeln!(out, "done")
}

/// Creates `dir` as a git repository holding the generated table, checked out on `main`.
pub fn write_repository(dir: &Path, spec: &Spec) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let git = |args: &[&str]| -> io::Result<()> {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("git {} failed", args.join(" "))))
        }
    };
    git(&["init", "-q", "-b", "main"])?;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet", "--done"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()?;
    {
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin for git fast-import"))?;
        let mut buffered = io::BufWriter::with_capacity(1 << 20, stdin);
        stream(spec, &mut buffered)?;
        buffered.flush()?;
    }
    if !child.wait()?.success() {
        return Err(io::Error::other("git fast-import failed"));
    }
    // fast-import writes objects in stream order; git's documentation says to repack afterwards,
    // and every real repository is packed by gc or a clone, in recency order.
    git(&["repack", "-a", "-d", "-q"])?;
    git(&["checkout", "-q", "-f", "main"])
}

/// The units of a real agreement's text — articles, letters of agreement, appendices — as the
/// importer splits it (`bargain_core::document`), by their id (`12`, `1.1`, `letter-3`,
/// `appendix-a`), each with its text as the file has it, heading first. For benchmarks comparing
/// two agreements unit by unit: pair them by id.
pub fn agreement_articles(text: &str) -> Vec<(String, String)> {
    use bargain_core::document::{self, Kind, Limits};
    match document::read(text.as_bytes(), Kind::Text, &Limits::default()) {
        Ok(doc) => document::split(&doc)
            .units
            .into_iter()
            .map(|u| (u.id, u.text))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Test texts (old, new): a paragraph moved to the end, its "shall" turned into "may" on
/// the way, with a heading after the place it left.
pub fn moved_with_an_edit() -> (String, String) {
    let moved = "The Employer shall provide written notice to the Union at least thirty days \
                 before any change to staffing levels in a unit.";
    let rest = "Article 2. Hours.\n\nNurses work twelve hour shifts unless agreed otherwise.\n";
    (
        format!("Article 1. Scope.\n\n{moved}\n\n{rest}"),
        format!(
            "Article 1. Scope.\n\n{rest}\n{}\n",
            moved.replace("shall", "may")
        ),
    )
}
