//! One article's text from a file given for a pass, which may be the whole contract: when the
//! file splits ([`super::split()`]) into several units, the article whose number is asked for is
//! taken out of it (as the importer would write it, [`super::plan::current_md`]); a file of one
//! article, or without headings, is taken whole, as [`super::read_text`] reads it. The command
//! line's `pass --file` and the terminal UI's file field both read through here.

use super::{FileText, Kind, Limits, UnitKind, read, read_text, split};
use crate::text::Problem;
use std::borrow::Cow;

/// A pass's text from a file, and which unit of it was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText<'b> {
    pub file: FileText<'b>,
    /// Set when the file held several units and one was taken out of it.
    pub took: Option<Took>,
}

/// The unit taken out of a file of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Took {
    /// "Article 12", as the document numbers it.
    pub unit: String,
    /// How many units the file was found to hold.
    pub of: usize,
}

impl Took {
    /// "took Article 12 of 14 found in FILE"
    pub fn sentence(&self, name: &str) -> String {
        format!("took {} of {} found in {name}", self.unit, self.of)
    }
}

/// The text of an article from the file `name` holding `bytes`. `number` gives the article's
/// number, asked only when the file holds several units (so a caller looks the table up only
/// then); `None`, or a number it cannot give (an article the table does not know), reads the
/// file whole. A file of several units none of which is that article is refused, naming the
/// units it holds.
pub fn article_text<'b>(
    bytes: &'b [u8],
    name: &str,
    number: Option<&dyn Fn() -> Option<u32>>,
    limits: &Limits,
) -> Result<ArticleText<'b>, Problem> {
    let kind = Kind::from_name(name).unwrap_or_else(|| Kind::sniff(bytes));
    let (file, doc) = match kind {
        Kind::Text | Kind::Markdown => {
            let file = read_text(bytes, name, limits)?;
            if number.is_none() {
                return Ok(ArticleText { file, took: None });
            }
            let doc = read(file.text.as_bytes(), file.kind, limits).map_err(|e| e.problem(name))?;
            (file, doc)
        }
        Kind::Docx | Kind::Pdf => {
            // Read once: the reader's document is both the text and what is split.
            let doc = read(bytes, kind, limits).map_err(|e| e.problem(name))?;
            let file = FileText {
                kind,
                text: Cow::Owned(doc.text()),
                notes: doc.notes.clone(),
            };
            (file, doc)
        }
    };
    let Some(number) = number else {
        return Ok(ArticleText { file, took: None });
    };
    let split = split(&doc);
    if split.units.len() < 2 {
        return Ok(ArticleText { file, took: None });
    }
    let Some(number) = number() else {
        return Ok(ArticleText { file, took: None });
    };
    let found = split.units.iter().find(|u| {
        u.kind == UnitKind::Article && u.number.as_ref().and_then(|n| n.whole()) == Some(number)
    });
    match found {
        Some(unit) => Ok(ArticleText {
            took: Some(Took {
                unit: label(unit),
                of: split.units.len(),
            }),
            file: FileText {
                kind: file.kind,
                text: Cow::Owned(super::plan::current_md(unit)),
                notes: file.notes,
            },
        }),
        None => {
            let units: Vec<String> = split.units.iter().map(label).collect();
            Err(Problem::new(
                name,
                format!(
                    "none of the {} articles, letters and appendices it holds is Article {number}: {}",
                    units.len(),
                    units.join(", ")
                ),
            ))
        }
    }
}

/// A unit as its kind and number ("Article 12", "Appendix A"), or its heading when it has no
/// number; as the document writes it (the fronts escape what they show).
fn label(unit: &super::Unit) -> String {
    let kind = match unit.kind {
        UnitKind::Article => "Article",
        UnitKind::Appendix => "Appendix",
        UnitKind::Letter => "Letter",
        UnitKind::Memorandum => "Memorandum",
        UnitKind::Part => "Part",
    };
    match &unit.number {
        Some(n) => format!("{kind} {}", n.written),
        None => unit.heading.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: &str = "AGREEMENT\n\nARTICLE 1 - RECOGNITION\n\nThe Employer recognizes the Union.\n\nARTICLE 2 - WAGES\n\nWages are paid monthly.\n\nARTICLE 3 - HOURS\n\nThe work week is forty hours.\n";

    #[test]
    fn the_article_asked_for_is_taken_out_of_a_contract() {
        let got = article_text(
            CONTRACT.as_bytes(),
            "c.txt",
            Some(&|| Some(2)),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            got.file.text,
            "# ARTICLE 2 - WAGES\n\nWages are paid monthly.\n"
        );
        let took = got.took.unwrap();
        assert_eq!(took.sentence("c.txt"), "took Article 2 of 3 found in c.txt");
    }

    #[test]
    fn a_contract_without_it_is_refused_with_what_it_holds() {
        let err = article_text(
            CONTRACT.as_bytes(),
            "c.txt",
            Some(&|| Some(9)),
            &Limits::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("none of the 3 articles, letters and appendices it holds is Article 9"),
            "{err}"
        );
        assert!(err.contains("Article 1, Article 2, Article 3"), "{err}");
    }

    #[test]
    fn one_article_or_no_headings_is_taken_whole() {
        for text in [
            "ARTICLE 7 - LEAVE\n\nLeave is paid.\n",
            "Just words.\n\nMore words.\n",
        ] {
            let got = article_text(
                text.as_bytes(),
                "p.md",
                Some(&|| Some(2)),
                &Limits::default(),
            )
            .unwrap();
            assert_eq!(got.file.text, text);
            assert_eq!(got.took, None);
        }
        let whole = article_text(CONTRACT.as_bytes(), "c.txt", None, &Limits::default()).unwrap();
        assert_eq!(whole.file.text, CONTRACT);
    }
}
