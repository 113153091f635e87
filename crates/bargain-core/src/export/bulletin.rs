//! A bulletin for members: what moved at one session, topic by topic, in plain words — passes
//! each side handed across, tentative agreements reached (with the running count per topic
//! and in all), withdrawals, impasses — and when the table meets next.
//!
//! Owns: gathering that from the history index (which session an event belongs to is
//! [`session_of`]'s rule, what an event is [`What::of`]'s) and the bulletin's words, in Markdown
//! and HTML. Never does: reading the repository itself, or markers of any kind; the bulletin is
//! written for people who never saw a redline.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::events::{Change, What, session_of};
use crate::export::redline_text::{HTML_STYLE, html_escape};
use crate::model::{Session, Status, Table};
use crate::store::{History, Snapshot};

/// One topic's news.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicNews {
    pub topic: String,
    pub title: String,
    /// (side id, article titles) of the passes each side handed across, in table order.
    pub passes: Vec<(String, Vec<String>)>,
    pub agreed: Vec<String>,
    /// Tentative agreements of the topic reached by the end of the session.
    pub agreed_so_far: usize,
    pub articles: usize,
    /// (article title, side id that withdrew it, if recorded)
    pub withdrawn: Vec<(String, Option<String>)>,
    pub impasse: Vec<String>,
}

/// What moved at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    pub table: String,
    pub session: Session,
    /// Topics where something moved, in table order.
    pub topics: Vec<TopicNews>,
    pub agreed_so_far: usize,
    pub articles: usize,
    pub next: Option<Session>,
}

/// The session a bulletin is about by default: the latest one at which something was recorded.
pub fn latest_session<'t>(table: &'t Table, history: &History) -> Option<&'t Session> {
    history
        .commits
        .iter()
        .filter_map(|c| session_of(table, c))
        .max_by_key(|s| s.start)
}

/// Gathers what moved at `session`.
pub fn gather(snapshot: &Snapshot, history: &History, session: &Session) -> Bulletin {
    let table = &snapshot.table;
    let in_session = |commit: usize| {
        session_of(table, &history.commits[commit])
            .is_some_and(|s| s.start == session.start && s.name == session.name)
    };
    let mut topics: Vec<TopicNews> = table
        .topics
        .iter()
        .map(|t| TopicNews {
            topic: t.id.clone(),
            title: t.title.clone(),
            passes: table
                .sides
                .iter()
                .map(|s| (s.id.clone(), Vec::new()))
                .collect(),
            ..TopicNews::default()
        })
        .collect();
    let (mut agreed_so_far, mut articles) = (0, 0);
    for entry in &snapshot.articles {
        let Some(article) = &entry.article else {
            continue;
        };
        let title = match entry.number() {
            Some(n) => format!("Article {n}: {}", article.title),
            None => article.title.clone(),
        };
        let Some(news) = topics.iter_mut().find(|t| t.topic == article.topic) else {
            continue;
        };
        news.articles += 1;
        articles += 1;
        let events = history.events(&entry.id);
        let mut agreed_by_end = false;
        let mut passed: BTreeSet<String> = BTreeSet::new();
        for (n, event) in events.iter().enumerate() {
            let commit = &history.commits[event.commit];
            let what = What::of(events, n, commit);
            let reached = matches!(
                what,
                What::Status(Status::TentativelyAgreed)
                    | What::Change(Change::TaCountersigned | Change::TaAttested)
            );
            if commit.event_date() <= session.end || in_session(event.commit) {
                match what {
                    _ if reached => agreed_by_end = true,
                    What::Status(Status::Open) => agreed_by_end = false,
                    _ => {}
                }
            }
            if !in_session(event.commit) {
                continue;
            }
            match what {
                What::Pass { ref side, .. } if passed.insert(side.clone()) => {
                    if let Some((_, list)) = news.passes.iter_mut().find(|(s, _)| s == side) {
                        list.push(title.clone());
                    }
                }
                _ if reached && !news.agreed.contains(&title) => news.agreed.push(title.clone()),
                What::Status(Status::Withdrawn) => news
                    .withdrawn
                    .push((title.clone(), article.withdrawn_by.clone())),
                What::Status(Status::Impasse) => news.impasse.push(title.clone()),
                _ => {}
            }
        }
        if agreed_by_end {
            news.agreed_so_far += 1;
            agreed_so_far += 1;
        }
    }
    let next = table
        .sessions
        .iter()
        .filter(|s| s.start > session.end)
        .min_by_key(|s| s.start)
        .cloned();
    Bulletin {
        table: table.name.clone(),
        session: session.clone(),
        topics,
        agreed_so_far,
        articles,
        next,
    }
}

impl TopicNews {
    fn is_quiet(&self) -> bool {
        self.passes.iter().all(|(_, l)| l.is_empty())
            && self.agreed.is_empty()
            && self.withdrawn.is_empty()
            && self.impasse.is_empty()
    }
}

/// A sentence, and the articles it is about (a list under it).
struct Para {
    text: String,
    items: Vec<String>,
}

fn say(text: impl Into<String>) -> Para {
    Para {
        text: text.into(),
        items: Vec::new(),
    }
}

fn about(text: impl Into<String>, items: &[String]) -> Para {
    Para {
        text: text.into(),
        items: items.to_vec(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The bulletin's paragraphs: (heading, sentences) per section, in reading order.
fn sections(b: &Bulletin, table: &Table) -> (String, Vec<(String, Vec<Para>)>) {
    let s = &b.session;
    let when = if s.start == s.end {
        format!("{}", s.start)
    } else {
        format!("{} to {}", s.start, s.end)
    };
    let title = format!("{}: {} ({when})", b.table, s.name);
    let mut out = Vec::new();
    let mut intro = vec![say(format!(
        "Tentative agreements so far: {} of {}.",
        b.agreed_so_far,
        plural(b.articles, "article", "articles")
    ))];
    if b.topics.iter().all(TopicNews::is_quiet) {
        intro.push(say("Nothing was recorded at this session."));
    }
    out.push(("Where things stand".to_string(), intro));
    for t in b.topics.iter().filter(|t| !t.is_quiet()) {
        let mut lines = Vec::new();
        for (side, titles) in &t.passes {
            if titles.is_empty() {
                continue;
            }
            let name = table.side_name(side);
            let verb = match table.kept_by.side() {
                Some(keeper) if keeper == side => format!("{name} gave proposals on:"),
                Some(_) => format!("{name} gave us proposals on:"),
                None => format!("{name} put forward proposals on:"),
            };
            lines.push(about(verb, titles));
        }
        if !t.agreed.is_empty() {
            lines.push(about(
                "Both sides reached a tentative agreement on:",
                &t.agreed,
            ));
        }
        for (title, by) in &t.withdrawn {
            lines.push(say(match by {
                Some(side) => format!("{} withdrew {title}.", table.side_name(side)),
                None => format!("{title} was withdrawn."),
            }));
        }
        if !t.impasse.is_empty() {
            lines.push(about("The sides are at an impasse on:", &t.impasse));
        }
        lines.push(say(format!(
            "Tentative agreements in {} so far: {} of {}.",
            t.title,
            t.agreed_so_far,
            plural(t.articles, "article", "articles")
        )));
        out.push((t.title.clone(), lines));
    }
    out.push((
        "Next session".to_string(),
        vec![say(match &b.next {
            Some(n) if n.start == n.end => format!("{}: {}.", n.name, n.start),
            Some(n) => format!("{}: {} to {}.", n.name, n.start, n.end),
            None => "No further session is scheduled yet.".to_string(),
        })],
    ));
    (title, out)
}

/// The bulletin in Markdown. Repository text is shown as text: Markdown markup in a title is
/// escaped, control characters made visible.
pub fn markdown(b: &Bulletin, table: &Table) -> String {
    let md = |s: &str| {
        let mut out = String::new();
        for c in crate::text::escape_line(s).chars() {
            if "\\`*_[]<>#|~".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    };
    let (title, sections) = sections(b, table);
    let mut out = format!("# {}\n", md(&title));
    for (heading, paras) in sections {
        let _ = write!(out, "\n## {}\n", md(&heading));
        for para in paras {
            let _ = write!(out, "\n{}\n", md(&para.text));
            if !para.items.is_empty() {
                out.push('\n');
            }
            for item in &para.items {
                let _ = writeln!(out, "- {}", md(item));
            }
        }
    }
    out
}

/// The bulletin as a self-contained HTML page.
pub fn html(b: &Bulletin, table: &Table) -> String {
    let (title, sections) = sections(b, table);
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    html_escape(&mut out, &title);
    out.push_str("</title>\n<style>");
    out.push_str(HTML_STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>");
    html_escape(&mut out, &title);
    out.push_str("</h1>\n");
    for (heading, lines) in sections {
        out.push_str("<h2>");
        html_escape(&mut out, &heading);
        out.push_str("</h2>\n");
        for para in lines {
            out.push_str("<p>");
            html_escape(&mut out, &para.text);
            out.push_str("</p>\n");
            if !para.items.is_empty() {
                out.push_str("<ul>");
                for item in &para.items {
                    out.push_str("<li>");
                    html_escape(&mut out, item);
                    out.push_str("</li>");
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
