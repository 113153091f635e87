//! What a list of segments adds up to: the word counts of the summary line and the changes
//! that next/previous navigation steps through.

use super::split;
use super::{Change, Segment, SegmentKind, Summary};

pub(crate) fn changes(segments: &[Segment<'_>]) -> Vec<Change> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        if segments[i].kind == SegmentKind::Equal {
            i += 1;
            continue;
        }
        let start = i;
        let mut real = false;
        while i < segments.len() && segments[i].kind != SegmentKind::Equal {
            real |= !segments[i].layout;
            i += 1;
        }
        if real {
            out.push(Change {
                segments: start..i,
                old_paragraph: segments[start].old_paragraph,
                new_paragraph: segments[start].new_paragraph,
            });
        }
    }
    out
}

/// [`summarize`] given each segment's word count (`words`, one per segment).
pub(super) fn summarize_counted(segments: &[Segment<'_>], words: &[usize]) -> Summary {
    let mut summary = Summary::default();
    for (s, &w) in segments.iter().zip(words) {
        match s.kind {
            _ if s.layout => summary.layout_changes += 1,
            SegmentKind::Inserted => summary.inserted_words += w,
            SegmentKind::Deleted => summary.deleted_words += w,
            SegmentKind::MovedTo(_) => summary.moved_words += w,
            _ => {}
        }
    }
    summary
}

/// Word counts of a list of segments (`changed_paragraphs` is left at 0).
pub(crate) fn summarize(segments: &[Segment<'_>]) -> Summary {
    let mut summary = Summary::default();
    for s in segments {
        match s.kind {
            _ if s.layout => summary.layout_changes += 1,
            SegmentKind::Inserted => summary.inserted_words += split::word_count(s.text),
            SegmentKind::Deleted => summary.deleted_words += split::word_count(s.text),
            SegmentKind::MovedTo(_) => summary.moved_words += split::word_count(s.text),
            _ => {}
        }
    }
    summary
}
