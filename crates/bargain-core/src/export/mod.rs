//! What leaves the program as a document: the tracker (text, Markdown, CSV, JSON) and redlines
//! (plain markers, ANSI, HTML, Markdown). Exports return strings; the caller decides where they go.

pub mod redline_doc;
pub mod redline_text;
pub mod tracker;
