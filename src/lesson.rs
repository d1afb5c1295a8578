//! The course's lesson: Markdown chapters parsed into sections, and the references to them that
//! hints, explanations and course files make. Pure: no file system (the files come from
//! [`crate::course_files`]); `learn lesson`, watch mode and `learn dev check` use it, and
//! [`crate::ui::lesson`] renders it.
//!
//! # The lesson's format
//!
//! One chapter per topic, `lesson/<topic>.md`, beginning with `# Chapter title`; its sections are
//! the headings `## Section title` (deeper headings are sections too, nested in the one above).
//! Lines inside fenced code blocks are never headings. `lesson/README.md` is the overview.
//!
//! A reference to a section is its exact title in curly quotes: “Section title”. Curly quotes are
//! reserved for that in hints, explanations, exercise files, solutions and hidden tests, so
//! `learn dev check` can tell that every reference resolves.

use crate::course::Exercise;

/// The folder of the lesson, relative to the course root.
pub const DIR: &str = "lesson";
/// The lesson's overview, relative to the course root.
pub const README: &str = "lesson/README.md";

/// The whole lesson of a course: its chapters in topic order, and its overview.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    pub chapters: Vec<Chapter>,
    pub readme: Option<String>,
}

/// One chapter: the lesson of one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// The topic, from the file name (`01_refcell` for `lesson/01_refcell.md`).
    pub topic: String,
    /// The `# ` heading's text (the topic when the chapter has none).
    pub title: String,
    /// The whole Markdown text.
    pub text: String,
    pub sections: Vec<Section>,
}

/// A section of a chapter: a heading of level 2 or more, and the text up to the next heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// 2 for `##`, 3 for `###`, ...
    pub level: usize,
    /// The text under the heading, up to the next heading of any level (trimmed).
    pub body: String,
    /// The 1-based line of the heading in its chapter.
    pub line: usize,
    /// Where the heading starts in the chapter's text (a byte offset).
    pub start: usize,
}

impl Chapter {
    /// Parses the Markdown `text` of the chapter of `topic`.
    pub fn parse(topic: &str, text: &str) -> Chapter {
        let mut title = None;
        let mut sections: Vec<Section> = Vec::new();
        let mut fence: Option<&str> = None;
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let start = offset;
            offset += line.len();
            let trimmed = line.trim_end();
            if let Some(open) = fence {
                if trimmed.trim_start().starts_with(open) {
                    fence = None;
                }
            } else if let Some(marker) = fence_marker(trimmed) {
                fence = Some(marker);
            } else if let Some((level, heading)) = heading(trimmed) {
                if level == 1 {
                    title.get_or_insert_with(|| heading.to_string());
                } else {
                    sections.push(Section {
                        title: heading.to_string(),
                        level,
                        body: String::new(),
                        line: index + 1,
                        start,
                    });
                }
                continue;
            }
            if let Some(section) = sections.last_mut() {
                section.body.push_str(line);
            }
        }
        for section in &mut sections {
            section.body = section.body.trim().to_string();
        }
        Chapter {
            topic: topic.to_string(),
            title: title.unwrap_or_else(|| topic.to_string()),
            text: text.to_string(),
            sections,
        }
    }

    /// The chapter's Markdown from the section titled `title` on, under the chapter's title.
    pub fn from_section(&self, title: &str) -> Option<String> {
        let section = self.sections.iter().find(|s| s.title == title)?;
        Some(format!("# {}\n\n{}", self.title, &self.text[section.start..]))
    }

    /// The section titled `title` alone, as Markdown: its heading, its text and its subsections.
    pub fn section_text(&self, title: &str) -> Option<String> {
        let index = self.sections.iter().position(|s| s.title == title)?;
        let section = &self.sections[index];
        let end =
            self.sections[index + 1..].iter().find(|s| s.level <= section.level).map_or(self.text.len(), |s| s.start);
        Some(format!("{}\n", self.text[section.start..end].trim_end()))
    }
}

/// A heading line (outside code blocks): its level and its text.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !rest.starts_with(' ') {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    (!text.is_empty()).then_some(text).map(|t| (level, t))
}

/// The fence that opens a code block on this line (```` ``` ```` or `~~~`), if it does.
pub fn fence_marker(line: &str) -> Option<&'static str> {
    let line = line.trim_start();
    if line.starts_with("```") {
        Some("```")
    } else if line.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

impl Lesson {
    /// A lesson from its chapters as `(topic, text)`, in topic order, and its overview.
    pub fn new<'a>(chapters: impl IntoIterator<Item = (&'a str, &'a str)>, readme: Option<String>) -> Lesson {
        let mut chapters: Vec<Chapter> =
            chapters.into_iter().map(|(topic, text)| Chapter::parse(topic, text)).collect();
        chapters.sort_by(|a, b| a.topic.cmp(&b.topic));
        Lesson { chapters, readme }
    }

    /// Whether the course has no lesson at all.
    pub fn is_empty(&self) -> bool {
        self.chapters.is_empty() && self.readme.is_none()
    }

    /// The chapter of `topic`.
    pub fn chapter(&self, topic: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.topic == topic)
    }

    /// The section whose title is exactly `title`, and its chapter.
    pub fn section(&self, title: &str) -> Option<(&Chapter, &Section)> {
        self.chapters.iter().find_map(|c| c.sections.iter().find(|s| s.title == title).map(|s| (c, s)))
    }

    /// Whether the lesson has something for `ex` to read: its section, or its topic's chapter.
    pub fn has_reading(&self, ex: &Exercise) -> bool {
        match &ex.section {
            Some(title) => self.section(title).is_some(),
            None => self.chapter(&ex.topic).is_some(),
        }
    }

    /// Every section title, in lesson order.
    pub fn titles(&self) -> impl Iterator<Item = &str> {
        self.chapters.iter().flat_map(|c| c.sections.iter().map(|s| s.title.as_str()))
    }

    /// The section title closest to `title`, if one is close enough to be a likely slip.
    pub fn suggest_title(&self, title: &str) -> Option<&str> {
        closest(title, self.titles())
    }
}

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&name, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A reference to a lesson section found in some text: the title between curly quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub title: String,
    /// 1-based line of the opening quote.
    pub line: usize,
}

/// Every “…” in `text`, with its line. An opening quote without its closing one on the same line
/// is a reference too (to a title no section has, so `learn dev check` reports it).
pub fn references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(open) = rest.find('“') {
            let after = &rest[open + '“'.len_utf8()..];
            match after.find('”') {
                Some(close) => {
                    out.push(Reference { title: after[..close].to_string(), line: index + 1 });
                    rest = &after[close + '”'.len_utf8()..];
                }
                None => {
                    out.push(Reference { title: after.to_string(), line: index + 1 });
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "# Cells in brief\n\nAn introduction.\n\n## First things\n\nSome text.\n\n\
        ```rust\n## not a heading\nlet x = 1;\n```\n\n### A detail\n\nDeeper.\n\n## Second things ##\n\nMore.\n";

    #[test]
    fn a_chapter_has_a_title_and_sections_with_levels_bodies_and_lines() {
        let c = Chapter::parse("01_cells", CHAPTER);
        assert_eq!(c.title, "Cells in brief");
        let got: Vec<(&str, usize, usize)> = c.sections.iter().map(|s| (s.title.as_str(), s.level, s.line)).collect();
        assert_eq!(got, [("First things", 2, 5), ("A detail", 3, 14), ("Second things", 2, 18)]);
        assert_eq!(c.sections[0].body, "Some text.\n\n```rust\n## not a heading\nlet x = 1;\n```");
        assert_eq!(c.sections[2].body, "More.");
    }

    #[test]
    fn a_chapter_without_a_title_is_named_by_its_topic() {
        assert_eq!(Chapter::parse("02_x", "## Only\n").title, "02_x");
        assert_eq!(Chapter::parse("02_x", "#NoSpace\n").sections, []);
    }

    #[test]
    fn sections_are_found_by_exact_title_and_chapters_by_topic() {
        let lesson = Lesson::new([("02_b", "# B\n## Beta\n"), ("01_a", CHAPTER)], None);
        assert_eq!(lesson.chapters[0].topic, "01_a");
        let (chapter, section) = lesson.section("Second things").unwrap();
        assert_eq!((chapter.topic.as_str(), section.level), ("01_a", 2));
        assert!(lesson.section("second things").is_none());
        assert_eq!(lesson.chapter("02_b").unwrap().title, "B");
        assert_eq!(lesson.suggest_title("Second thing"), Some("Second things"));
        assert_eq!(lesson.suggest_title("Gamma"), None);
    }

    #[test]
    fn a_chapter_can_start_at_a_section() {
        let c = Chapter::parse("01_cells", CHAPTER);
        assert_eq!(c.from_section("Second things").unwrap(), "# Cells in brief\n\n## Second things ##\n\nMore.\n");
        assert_eq!(c.section_text("A detail").unwrap(), "### A detail\n\nDeeper.\n");
        assert!(c.section_text("First things").unwrap().ends_with("```\n\n### A detail\n\nDeeper.\n"));
        assert_eq!(c.from_section("Nope"), None);
    }

    #[test]
    fn references_are_the_texts_in_curly_quotes_with_their_lines() {
        let text = "plain \"straight\" quotes\nReread “One” and “Two”.\n\n// see “Three\n";
        let got = references(text);
        assert_eq!(
            got,
            [
                Reference { title: "One".into(), line: 2 },
                Reference { title: "Two".into(), line: 2 },
                Reference { title: "Three".into(), line: 4 },
            ]
        );
        assert!(references("none here").is_empty());
    }
}
