//! Where everything goes on the screen, as a pure function of the state. `view` draws into these
//! areas; `update` uses them to wrap the redline for its width, to page by the visible height and
//! to hit-test the mouse.

use super::state::{Pane, State};
use bargain_core::model::Table;
use ratatui::layout::Rect;

/// Rows the redline pane spends above its text at least: title, old label, new label, legend.
pub const REDLINE_HEAD: u16 = 4;
/// Rows the list spends above its rows: title, column heads.
pub const LIST_HEAD: u16 = 2;
/// Rows the history spends above its rows: title.
pub const HISTORY_HEAD: u16 = 1;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub tabs: Rect,
    pub list: Option<Rect>,
    pub redline: Option<Rect>,
    pub history: Option<Rect>,
    /// The column between the list and the right-hand panes.
    pub divider: Option<Rect>,
    /// Search input, messages, progress.
    pub status: Rect,
    pub keybar: Rect,
}

impl Areas {
    /// The pane under a screen cell.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        let hit = |r: Option<Rect>| r.is_some_and(|r| r.contains((x, y).into()));
        if hit(self.list) {
            Some(Pane::List)
        } else if hit(self.redline) {
            Some(Pane::Redline)
        } else if hit(self.history) {
            Some(Pane::History)
        } else {
            None
        }
    }
}

pub fn areas(state: &State) -> Areas {
    let (w, h) = state.size;
    let full = Rect::new(0, 0, w, h);
    let row = |y: u16| Rect::new(0, y.min(h.saturating_sub(1)), w, u16::from(h > y));
    let body_height = h.saturating_sub(4);
    let body = Rect::new(0, 2.min(h), w, body_height).intersection(full);
    let mut areas = Areas {
        header: row(0),
        tabs: row(1),
        status: row(h.saturating_sub(2)),
        keybar: row(h.saturating_sub(1)),
        ..Areas::default()
    };
    if state.wide() {
        let list_w = (w * 2 / 5).clamp(40, 72);
        areas.list = Some(Rect::new(0, body.y, list_w, body.height));
        areas.divider = Some(Rect::new(list_w, body.y, 1, body.height));
        let right_x = list_w + 1;
        let right_w = w.saturating_sub(right_x);
        let history_h = (body.height / 3).max(4).min(body.height);
        let top_h = body.height - history_h;
        areas.redline = Some(Rect::new(right_x, body.y, right_w, top_h));
        // A list that fits above the history leaves the history the whole width below it: the
        // rows where the list would stand empty are where a long history row gets its room.
        let list_needs = LIST_HEAD + u16::try_from(state.visible.len().max(1)).unwrap_or(u16::MAX);
        if state.table.is_some() && list_needs <= top_h {
            areas.list = Some(Rect::new(0, body.y, list_w, top_h));
            areas.divider = Some(Rect::new(list_w, body.y, 1, top_h));
            areas.history = Some(Rect::new(0, body.y + top_h, w, history_h));
        } else {
            areas.history = Some(Rect::new(right_x, body.y + top_h, right_w, history_h));
        }
    } else {
        let pane = match (state.focus, &state.article) {
            (Pane::Redline, Some(_)) => &mut areas.redline,
            (Pane::History, Some(_)) => &mut areas.history,
            _ => &mut areas.list,
        };
        *pane = Some(body);
    }
    areas
}

/// Rows the redline pane spends above its text: title, old label, a row for each new label (one
/// per side in a three-way comparison), legend.
pub fn redline_head(state: &State) -> u16 {
    let news = state.article.as_ref().map_or(1, |a| a.new.len().max(1));
    REDLINE_HEAD + u16::try_from(news - 1).unwrap_or(0).min(8)
}

/// The redline's text area (below its labels and legend).
pub fn redline_text(state: &State) -> Option<Rect> {
    let r = areas(state).redline?;
    let head = redline_head(state).min(r.height);
    Some(Rect::new(r.x, r.y + head, r.width, r.height - head))
}

/// Rows available to list rows.
pub fn list_rows(state: &State) -> usize {
    areas(state)
        .list
        .map_or(0, |r| usize::from(r.height.saturating_sub(LIST_HEAD)))
}

pub fn history_rows(state: &State) -> usize {
    areas(state)
        .history
        .map_or(0, |r| usize::from(r.height.saturating_sub(HISTORY_HEAD)))
}

/// Where each topic tab is drawn: (first column, width, topic index, text). Titles are shortened
/// until all tabs fit.
pub fn tabs(state: &State) -> Vec<(u16, u16, usize, String)> {
    let Some(table) = &state.table else {
        return Vec::new();
    };
    // (full title, short name, count)
    let mut entries: Vec<(String, String, String)> = Vec::new();
    let agreed = |topic: Option<&str>| {
        let rows = table
            .rows
            .iter()
            .filter(|r| topic.is_none_or(|t| r.topic == t));
        let (n, tas) = rows.fold((0, 0), |(n, a), r| {
            (
                n + 1,
                a + usize::from(r.status.is_some_and(|s| s.is_agreed())),
            )
        });
        format!("{tas}/{n}")
    };
    entries.push(("All".into(), "All".into(), agreed(None)));
    for t in &table.snapshot.table.topics {
        let title = bargain_core::text::escape_line(&t.title).into_owned();
        let id = bargain_core::text::escape_line(&t.id).into_owned();
        entries.push((title, id, agreed(Some(&t.id))));
    }
    let width = usize::from(state.size.0);
    // Full titles; else the selected one full and the others by id; else ids; then shortened.
    let render = |full: &dyn Fn(usize) -> bool, max_title: usize| -> Vec<String> {
        entries
            .iter()
            .enumerate()
            .map(|(i, (title, id, count))| {
                let name = if full(i) {
                    title.clone()
                } else {
                    shorten(id, max_title)
                };
                format!(" {i} {name} {count} ")
            })
            .collect()
    };
    let fits =
        |texts: &[String]| texts.iter().map(|t| t.chars().count() + 1).sum::<usize>() <= width;
    let selected = state.topic;
    let mut texts = render(&|_| true, usize::MAX);
    if !fits(&texts) {
        texts = render(&|i| i == selected, usize::MAX);
    }
    let mut max_title = 24;
    while !fits(&texts) && max_title >= 3 {
        texts = render(&|i| i == selected, max_title);
        max_title -= 1;
    }
    if !fits(&texts) {
        texts = render(&|_| false, 3);
    }
    let mut x = 0u16;
    let mut out = Vec::new();
    for (i, text) in texts.into_iter().enumerate() {
        let w =
            u16::try_from(unicode_width::UnicodeWidthStr::width(text.as_str())).unwrap_or(u16::MAX);
        out.push((x, w, i, text));
        x = x.saturating_add(w + 1);
    }
    out
}

/// Cuts text to `max` characters, ending in `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A side's name short enough for a column or a crowded line: the name when it is short, else
/// the side's id ("union" for "Coalition of Health Care Unions").
pub fn short_side<'a>(table: &'a Table, id: &'a str) -> &'a str {
    let name = table.side_name(id);
    if name.chars().count() <= 9 { name } else { id }
}

/// `text` with each side's full name put in its short form ([`short_side`]): the same line,
/// abbreviated where it does not fit.
pub fn abbreviate_sides(text: &str, table: &Table) -> String {
    let mut out = text.to_string();
    // Longest names first, so a name inside another is not replaced in it.
    let mut sides: Vec<&bargain_core::model::Side> = table.sides.iter().collect();
    sides.sort_by_key(|s| std::cmp::Reverse(s.name.chars().count()));
    for side in sides {
        let short = short_side(table, &side.id);
        if !side.name.is_empty() && short != side.name {
            out = out.replace(side.name.as_str(), short);
        }
    }
    out
}

/// Display width of a line of text.
pub fn width_of(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The first of `candidates` (each shorter than the one before) that fits `width` columns; the
/// last one cut with `…` when none does.
pub fn fit(candidates: impl IntoIterator<Item = String>, width: usize) -> String {
    let mut last = String::new();
    for c in candidates {
        if width_of(&c) <= width {
            return c;
        }
        last = c;
    }
    shorten(&last, width)
}
