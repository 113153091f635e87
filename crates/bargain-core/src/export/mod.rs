//! What leaves the program as a document: the tracker (text, Markdown, CSV, JSON, HTML),
//! redlines (plain markers, ANSI, HTML, Markdown, Word with tracked changes), agreed texts with
//! their signatures, a packet to print and a bulletin for members. Exports return strings; the caller decides where they go.

pub mod agreed;
pub mod blocks;
pub mod bulletin;
pub mod docx;
pub mod packet;
pub mod redline_doc;
pub mod redline_text;
pub mod tracker_doc;
