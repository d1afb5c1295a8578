//! `learn lesson [TOPIC|EXERCISE|SECTION]`: the course's lesson, rendered for the terminal and
//! paged when it is longer than the screen.
//!
//! What a name means, in order: a topic (`01_refcell`, or `refcell` without its number) is its whole
//! chapter; an exercise is its reading (its chapter from its section on, or the whole chapter of its
//! topic when it names no section); a section title (exact, or differing only in case) is its
//! chapter from that section on. Without a name: the current exercise's reading, or the lesson's
//! overview once every exercise is done (or outside a workspace).

use std::io::Write;

use crate::commands::{Ctx, Opened};
use crate::course::Exercise;
use crate::course_files::{CourseFiles, LoadedCourse};
use crate::error::{EXIT_OK, Error, Result};
use crate::lesson::{Chapter, Lesson, closest};
use crate::ui::{lesson as render, terminal};

pub fn lesson(ctx: &Ctx, out: &mut dyn Write, name: Option<&str>) -> Result<i32> {
    let (loaded, current) = match Opened::open(ctx) {
        Ok(opened) => {
            let current = opened.progress.current(&opened.loaded.course);
            (opened.loaded, current)
        }
        Err(Error::NoWorkspace { .. }) => (CourseFiles::Embedded.load()?, None),
        Err(e) => return Err(e),
    };
    let lesson = loaded.files.lesson()?;
    let markdown = match name {
        Some(name) => find(&loaded, &lesson, name)?,
        None => match current {
            Some(index) => reading(&lesson, &loaded.course.exercises[index])?,
            None => overview(&loaded, &lesson)?,
        },
    };
    let text = render::render(&markdown, terminal::width(), &ctx.styles);
    let _ = terminal::page(out, &text);
    Ok(EXIT_OK)
}

/// The Markdown that `name` stands for (see the module docs).
fn find(loaded: &LoadedCourse, lesson: &Lesson, name: &str) -> Result<String> {
    let course = &loaded.course;
    if let Some(chapter) = lesson.chapter(name) {
        return Ok(chapter.text.clone());
    }
    if let Some((_, ex)) = course.find(name) {
        return reading(lesson, ex);
    }
    if let Some((chapter, section)) = lesson.section(name) {
        return Ok(from_section(chapter, &section.title));
    }
    let lower = name.to_lowercase();
    if let Some((chapter, section)) =
        lesson.chapters.iter().find_map(|c| c.sections.iter().find(|s| s.title.to_lowercase() == lower).map(|s| (c, s)))
    {
        return Ok(from_section(chapter, &section.title));
    }
    if let Some(chapter) = lesson.chapters.iter().find(|c| c.topic.split_once('_').is_some_and(|(_, t)| t == name)) {
        return Ok(chapter.text.clone());
    }
    if lesson.is_empty() {
        return Err(Error::NoLesson { what: format!("{name:?}") });
    }
    let candidates = lesson
        .chapters
        .iter()
        .map(|c| c.topic.as_str())
        .chain(course.exercises.iter().map(|e| e.name.as_str()))
        .chain(lesson.titles());
    Err(Error::UnknownLesson {
        name: name.to_string(),
        suggestion: closest(name, candidates).map(str::to_string),
        topics: lesson.chapters.iter().map(|c| c.topic.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// What an exercise's learner should read: its chapter from its section on, or its topic's chapter.
fn reading(lesson: &Lesson, ex: &Exercise) -> Result<String> {
    if let Some(title) = &ex.section
        && let Some((chapter, _)) = lesson.section(title)
    {
        return Ok(from_section(chapter, title));
    }
    lesson
        .chapter(&ex.topic)
        .map(|c| c.text.clone())
        .ok_or_else(|| Error::NoLesson { what: format!("{} (topic {})", ex.name, ex.topic) })
}

/// `chapter` from the section `title` on, ending with a pointer to what came before it.
fn from_section(chapter: &Chapter, title: &str) -> String {
    let mut text = chapter.from_section(title).unwrap_or_else(|| chapter.text.clone());
    let earlier: Vec<&str> = chapter
        .sections
        .iter()
        .take_while(|s| s.title != title)
        .filter(|s| s.level == 2)
        .map(|s| s.title.as_str())
        .collect();
    if !earlier.is_empty() {
        text.push_str(&format!(
            "\n---\n\nEarlier in this chapter: {}. `learn lesson {}` shows all of it.\n",
            earlier.join(" · "),
            chapter.topic
        ));
    }
    text
}

/// The lesson's overview (`lesson/README.md`), followed by its table of contents.
fn overview(loaded: &LoadedCourse, lesson: &Lesson) -> Result<String> {
    if lesson.is_empty() {
        return Err(Error::NoLesson { what: loaded.course.title.clone() });
    }
    let mut text = lesson.readme.clone().unwrap_or_else(|| format!("# {}\n", loaded.course.title));
    text.push_str("\n\n## Chapters\n\n");
    for chapter in &lesson.chapters {
        text.push_str(&format!("- `learn lesson {}`: {}\n", chapter.topic, chapter.title));
    }
    Ok(text)
}
