//! Everything the learner sees. Rendering writes to any `Write` (a terminal, a buffer in tests),
//! with colours passed in as data ([`style::Styles`]); only [`terminal`] touches the terminal itself.

pub mod lesson;
pub mod progress;
pub mod render;
pub mod results;
pub mod style;
pub mod terminal;
