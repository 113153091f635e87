//! The one key table. `update` maps a key to an action through [`action_for`], the key bar
//! shows [`bar`], and the `?` overlay lists [`BINDINGS`] — one list, so the three never drift.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Back,
    Open,
    Up,
    Down,
    Top,
    Bottom,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    /// `0` is All, `1`… the table's topics in order.
    Topic(u8),
    NextComparison,
    PrevComparison,
    ToggleLayout,
    ToggleMarkers,
    NextChange,
    PrevChange,
    Search,
    NextMatch,
    PrevMatch,
    FilterStatus,
    FilterMove,
    Sort,
    /// In the history: mark the selected version as the old side of a comparison.
    Mark,
    // Recording (the form in `recording`).
    /// Open the recording form on the article: a pass or a status change.
    Record,
    /// Open the recording form at the pass.
    RecordPass,
    /// Open the recording form at the status picker.
    RecordStatus,
    /// In the form: back to the previous step.
    PrevStep,
    /// In the form: the previous or next choice of a picker.
    PickPrev,
    PickNext,
    /// In the form: write the pass in `$EDITOR`.
    Editor,
    /// Sync with the shared remote: fetch, send the local recordings, receive the others'.
    Sync,
    /// Add an article to the table (the form in `recording`).
    AddArticle,
    /// Import a whole contract from a file (the import screen in `import`).
    Import,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Anywhere (unless a pane binds the same key).
    Global,
    List,
    Redline,
    History,
    /// While a search is typed (other keys are text).
    Search,
    /// While the recording form is open (other keys are text where there is a field).
    Record,
    /// While the import screen is open (other keys are the file's path while it is typed).
    Import,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::List => "Article list",
            Scope::Redline => "Redline",
            Scope::History => "History",
            Scope::Search => "Typing a search",
            Scope::Record => "Recording form",
            Scope::Import => "Import screen",
        }
    }

    /// Whether the global keys apply too: not while typing, where other keys are text.
    pub fn inherits_global(self) -> bool {
        !matches!(self, Scope::Search | Scope::Record | Scope::Import)
    }
}

/// A key as the table writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
    /// Any digit 0–9 (its value goes into the action).
    Digit,
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [K],
    /// How the keys are written on screen.
    pub label: &'static str,
    pub action: Action,
    /// Short word for the key bar.
    pub short: &'static str,
    /// Sentence for the help overlay.
    pub help: &'static str,
    /// Shown in the key bar (the rest only in `?`).
    pub bar: bool,
}

const fn b(
    scope: Scope,
    keys: &'static [K],
    label: &'static str,
    action: Action,
    short: &'static str,
    help: &'static str,
    bar: bool,
) -> Binding {
    Binding {
        scope,
        keys,
        label,
        action,
        short,
        help,
        bar,
    }
}

use Action as A;
use K::{Char, Code, Ctrl};
use Scope::{
    Global as G, History as H, Import as I, List as L, Record as F, Redline as R, Search as S,
};

/// Navigation keys shared by every pane (listed once, under "Everywhere").
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    b(L, &[Code(KeyCode::Enter)], "Enter", A::Open, "open", "open the article: its redline and history", true),
    b(L, &[Char('s')], "s", A::FilterStatus, "status", "filter by status (cycles: all, open, TA, …)", true),
    b(L, &[Char('w')], "w", A::FilterMove, "move", "filter by whose move it is", true),
    b(L, &[Char('o')], "o", A::Sort, "sort", "sort by number, last movement, status or whose move", true),
    b(R, &[Char(']')], "]", A::NextChange, "next change", "next change", true),
    b(R, &[Char('[')], "[", A::PrevChange, "prev", "previous change", true),
    b(H, &[Char(' ')], "Space", A::Mark, "mark old", "mark this version as the old text", true),
    b(H, &[Code(KeyCode::Enter)], "Enter", A::Open, "compare", "compare the marked version (or the one before) with this one", true),
    b(S, &[Code(KeyCode::Enter)], "Enter", A::Open, "search", "search for what is typed", true),
    b(S, &[Code(KeyCode::Esc)], "Esc", A::Back, "cancel", "cancel the search", true),
    b(F, &[Code(KeyCode::Enter)], "Enter", A::Open, "next", "go on to the next step; on the confirmation, record it", true),
    b(F, &[Code(KeyCode::Esc), Ctrl('c')], "Esc", A::Back, "cancel", "close the form; nothing is written (also Ctrl-c)", true),
    b(F, &[Code(KeyCode::BackTab)], "S-Tab", A::PrevStep, "back", "back to the previous step", true),
    b(F, &[Code(KeyCode::Down), Code(KeyCode::Tab)], "↓/Tab", A::Down, "", "next choice or field", false),
    b(F, &[Code(KeyCode::Up)], "↑", A::Up, "", "previous choice or field", false),
    b(F, &[Code(KeyCode::Left)], "←", A::PickPrev, "", "previous option of a picker (a person, a side)", false),
    b(F, &[Code(KeyCode::Right)], "→", A::PickNext, "", "next option of a picker", false),
    b(F, &[Ctrl('e')], "C-e", A::Editor, "editor", "write the pass in $EDITOR, starting from the side's latest text", true),
    b(I, &[Code(KeyCode::Enter)], "Enter", A::Open, "next", "read the file and show what would be imported; on that list, import it in one commit", true),
    b(I, &[Code(KeyCode::Esc), Ctrl('c')], "Esc", A::Back, "cancel", "close the import screen; nothing is written (also Ctrl-c)", true),
    b(I, &[Code(KeyCode::BackTab)], "S-Tab", A::PrevStep, "back", "back to the file's path", true),
    b(I, &[Char('j'), Code(KeyCode::Down)], "j/↓", A::Down, "", "scroll the list down", false),
    b(I, &[Char('k'), Code(KeyCode::Up)], "k/↑", A::Up, "", "scroll the list up", false),
    b(I, &[Code(KeyCode::PageDown)], "PgDn", A::PageDown, "", "a page down", false),
    b(I, &[Code(KeyCode::PageUp)], "PgUp", A::PageUp, "", "a page up", false),
    b(I, &[Char('g'), Code(KeyCode::Home)], "g/Home", A::Top, "", "to the top", false),
    b(I, &[Char('G'), Code(KeyCode::End)], "G/End", A::Bottom, "", "to the bottom", false),
    b(G, &[Char('r')], "r", A::Record, "record", "record on the article: a pass, or a status change (TA, withdraw, reopen, …)", true),
    b(G, &[Char('p')], "p", A::RecordPass, "", "record a pass on the article (from a file or $EDITOR)", false),
    b(G, &[Char('S')], "S", A::RecordStatus, "", "set the article's status", false),
    b(G, &[Char('y')], "y", A::Sync, "sync", "sync with the remote: receive others' recordings, send yours", false),
    b(G, &[Char('c')], "c", A::NextComparison, "compare", "next comparison: sides, since last, vs current, TA, three-way", true),
    b(G, &[Char('C')], "C", A::PrevComparison, "", "previous comparison", false),
    b(G, &[Char('/')], "/", A::Search, "search", "search every article's text", true),
    b(G, &[Char('v')], "v", A::ToggleLayout, "side/inline", "redline inline or side by side", false),
    b(G, &[Char('m')], "m", A::ToggleMarkers, "markers", "bracket markers around changes on or off", false),
    b(G, &[Char('n')], "n", A::NextMatch, "", "next match", false),
    b(G, &[Char('N')], "N", A::PrevMatch, "", "previous match", false),
    b(G, &[K::Digit], "0-9", A::Topic(0), "", "topic: 0 all, 1… each topic in turn", false),
    b(G, &[Code(KeyCode::Tab)], "Tab", A::FocusNext, "pane", "next pane", true),
    b(G, &[Code(KeyCode::BackTab)], "S-Tab", A::FocusPrev, "", "previous pane", false),
    b(G, &[Code(KeyCode::Esc)], "Esc", A::Back, "back", "back out: close, clear the search, return to the list", true),
    b(G, &[Char('j'), Code(KeyCode::Down)], "j/↓", A::Down, "", "down", false),
    b(G, &[Char('k'), Code(KeyCode::Up)], "k/↑", A::Up, "", "up", false),
    b(G, &[Char('g'), Code(KeyCode::Home)], "g/Home", A::Top, "", "to the top", false),
    b(G, &[Char('G'), Code(KeyCode::End)], "G/End", A::Bottom, "", "to the bottom", false),
    b(G, &[Ctrl('d')], "C-d", A::HalfPageDown, "", "half a page down", false),
    b(G, &[Ctrl('u')], "C-u", A::HalfPageUp, "", "half a page up", false),
    b(G, &[Code(KeyCode::PageDown)], "PgDn", A::PageDown, "", "a page down", false),
    b(G, &[Code(KeyCode::PageUp)], "PgUp", A::PageUp, "", "a page up", false),
    b(G, &[Char('i')], "i", A::Import, "", "import a whole contract (.docx, .pdf, .md, .txt) into the table, after a preview", false),
    b(G, &[Char('?')], "?", A::Help, "help", "every key (this list)", true),
    b(G, &[Char('q'), Ctrl('c')], "q", A::Quit, "quit", "quit (also Ctrl-c)", true),
    b(G, &[Char('a')], "a", A::AddArticle, "add article", "add an article to the table: its number, title, topic and current language (one commit)", true),
];

fn matches(k: K, key: &KeyEvent) -> Option<Option<u8>> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if alt {
        return None;
    }
    match (k, key.code) {
        (Char(c), KeyCode::Char(got)) if !ctrl && c == got => Some(None),
        (Ctrl(c), KeyCode::Char(got)) if ctrl && c == got.to_ascii_lowercase() => Some(None),
        (Code(code), got) if !ctrl && code == got => Some(None),
        (K::Digit, KeyCode::Char(d)) if !ctrl && d.is_ascii_digit() => Some(Some(d as u8 - b'0')),
        _ => None,
    }
}

/// The action a key asks for where the focus is: the pane's own binding first, then a global one.
pub fn action_for(scope: Scope, key: &KeyEvent) -> Option<Action> {
    let fallback = scope.inherits_global().then_some(Scope::Global);
    std::iter::once(scope).chain(fallback).find_map(|s| {
        BINDINGS.iter().filter(|b| b.scope == s).find_map(|b| {
            b.keys
                .iter()
                .find_map(|&k| matches(k, key))
                .map(|digit| match (b.action, digit) {
                    (Action::Topic(_), Some(d)) => Action::Topic(d),
                    (a, _) => a,
                })
        })
    })
}

/// The key bar where the focus is: the pane's keys, then the global ones (a pane's binding hides
/// a global one on the same key).
pub fn bar(scope: Scope) -> Vec<&'static Binding> {
    let own: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.scope == scope && b.bar)
        .collect();
    let global = BINDINGS.iter().filter(|b| {
        scope.inherits_global()
            && b.scope == Scope::Global
            && b.bar
            && !own.iter().any(|o| o.keys == b.keys)
    });
    own.iter().copied().chain(global).collect()
}

/// The binding that opens the help overlay (the key bar always ends with it).
pub fn help_binding() -> &'static Binding {
    BINDINGS
        .iter()
        .find(|b| b.action == Action::Help)
        .expect("the key table has a help key")
}
