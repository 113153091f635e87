//! `bargain export packet`: the tracker and each article's redline in one HTML file to print,
//! and with `--pdf` that file printed by a headless Chromium. The page is the library's
//! (`bargain_core::export::packet`); which articles, the file and Chromium are here.

use super::error::{CliError, Outcome};
use super::open;
use super::output::write_file;
use bargain_core::comparison::Resolved;
use bargain_core::events::session_of;
use bargain_core::export::packet::{self, Page};
use bargain_core::export::redline_doc::Marked;
use bargain_core::export::tracker_doc;
use bargain_core::model::Date;
use bargain_core::store::History;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Only this topic's articles (its id, e.g. `ai`).
    #[arg(long)]
    pub topic: Option<String>,
    /// Only the articles that moved at this session (its name in bargaining.yaml).
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// The HTML file to write.
    #[arg(long, short, value_name = "FILE.html")]
    pub output: PathBuf,
    /// Also print it to FILE.pdf beside it, through a headless Chromium.
    #[arg(long)]
    pub pdf: bool,
}

/// How long Chromium may take to print a packet.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

pub fn run(repo: Option<&Path>, args: Args) -> Outcome {
    let repo = open(repo)?;
    let snapshot = repo.snapshot()?;
    let table = &snapshot.table;
    let history = History::load(&repo)?.0;
    if let Some(t) = &args.topic
        && table.topic(t).is_none()
    {
        return Err(CliError::unusable(format!("unknown topic `{t}`")));
    }
    let session = match &args.session {
        Some(name) => Some(super::session(table, name)?),
        None => None,
    };
    let sides: Vec<String> = table.sides.iter().map(|s| s.id.clone()).collect();
    let mut chosen = Vec::new();
    for entry in &snapshot.articles {
        if let Some(t) = &args.topic
            && entry.article.as_ref().is_none_or(|a| &a.topic != t)
        {
            continue;
        }
        if let Some(s) = session {
            let moved = history.events(&entry.id).iter().any(|e| {
                session_of(table, &history.commits[e.commit])
                    .is_some_and(|o| o.start == s.start && o.name == s.name)
            });
            if !moved {
                continue;
            }
        }
        let Some(comparison) = packet::comparison_for(entry, &sides) else {
            continue;
        };
        let heading = match entry.number() {
            Some(n) => format!("Article {n} — {}", entry.title()),
            None => entry.title().to_string(),
        };
        let resolved = Resolved::of(&repo, &snapshot, &history, &entry.id, &comparison)?;
        chosen.push((entry.id.clone(), heading, resolved));
    }
    let marks: Vec<_> = chosen.iter().map(|(_, _, r)| r.redline()).collect();
    let names: Vec<(String, String)> = table
        .sides
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let pages: Vec<Page<'_>> = chosen
        .iter()
        .zip(&marks)
        .map(|((_, heading, resolved), marks)| Page {
            heading: heading.clone(),
            versions: resolved
                .labels()
                .iter()
                .map(|(role, l)| format!("{role}: {}", l.line()))
                .collect(),
            marked: Marked::from(marks).with_names(names.clone()),
        })
        .collect();
    let topic_rows = bargain_core::tracker::rows(&snapshot, &history, args.topic.as_deref());
    let rows: Vec<_> = topic_rows
        .into_iter()
        .filter(|r| chosen.iter().any(|(id, _, _)| *id == r.id))
        .collect();
    let totals = bargain_core::tracker::totals(&snapshot, &rows);
    let title = match session {
        Some(s) => format!("{} — {}", table.name, s.name),
        None => table.name.clone(),
    };
    let page = packet::html(
        &title,
        &format!("printed {}", Date::today()),
        &tracker_doc::html_fragment(table, &rows, &totals),
        &pages,
    );
    write_file(&args.output, |f| f.write_all(page.as_bytes()))?;
    eprintln!(
        "wrote {} ({} article{})",
        args.output.display(),
        pages.len(),
        if pages.len() == 1 { "" } else { "s" }
    );
    if args.pdf {
        let pdf = args.output.with_extension("pdf");
        print_pdf(&args.output, &pdf)?;
        eprintln!("wrote {}", pdf.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The first Chromium on the PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// Prints `html` to `pdf` through a headless Chromium, within [`PRINT_TIMEOUT`].
pub fn print_pdf(html: &Path, pdf: &Path) -> Result<(), CliError> {
    let Some(chromium) = chromium() else {
        return Err(CliError::unusable(format!(
            "--pdf prints through Chromium, which is not installed (Debian/Ubuntu: apt-get install chromium); {} is written and prints from any browser",
            html.display()
        )));
    };
    let absolute = std::fs::canonicalize(html)
        .map_err(|e| CliError::unusable(format!("{}: {e}", html.display())))?;
    let dir = match pdf.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .suffix(".pdf")
        .tempfile_in(&dir)
        .map_err(|e| CliError::unusable(format!("{}: {e}", dir.display())))?;
    let profile = tempfile::tempdir().map_err(|e| CliError::unusable(e.to_string()))?;
    // Chromium's complaints go to a file: a pipe nobody reads while waiting could fill.
    let errors = tempfile::NamedTempFile::new().map_err(|e| CliError::unusable(e.to_string()))?;
    let mut child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", tmp.path().display()))
        .arg(format!("file://{}", absolute.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            errors
                .reopen()
                .map_err(|e| CliError::unusable(e.to_string()))?,
        )
        .spawn()
        .map_err(|e| CliError::unusable(format!("{}: {e}", chromium.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CliError::unusable(format!(
                    "{} did not print {} within {} s",
                    chromium.display(),
                    html.display(),
                    PRINT_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(CliError::unusable(e.to_string())),
        }
    };
    let printed = std::fs::metadata(tmp.path()).map(|m| m.len()).unwrap_or(0);
    if !status.success() || printed == 0 {
        let err = std::fs::read_to_string(errors.path()).unwrap_or_default();
        let last = err.lines().last().unwrap_or("").to_string();
        return Err(CliError::unusable(format!(
            "{} could not print {} ({status}): {}",
            chromium.display(),
            html.display(),
            bargain_core::text::escape_line(&last)
        )));
    }
    super::output::publish(tmp, pdf)
}
