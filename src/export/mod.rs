//! What leaves the program as a document: the tracker (text, Markdown, CSV, JSON) and redlines.
//! Exports return strings; the caller decides where they go.

pub mod tracker;
