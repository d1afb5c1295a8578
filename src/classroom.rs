//! GitHub Classroom support: the autograding workflow for a course, one Classroom test (one point)
//! per exercise, each passing when `learn verify NAME` passes in the learner's repository. Courses
//! with thousands of learners are graded by GitHub Actions, one job per learner repository, rather
//! than on one machine. `learn init --git` writes it into a new workspace.
//!
//! The workflow installs `learn` with `cargo install --git` from the URL in the Actions variable
//! `LEARN_GIT_URL` (set once for the organization). It grades with the course that `learn`
//! carries, or, for a workspace made with `learn init --course`, with the course packed by
//! `learn dev pack` and downloaded from the URL in the Actions variable `LEARN_COURSE_URL`: the
//! course is never in the learner's repository (only a path relative to it, which a clone does not
//! have), and a workflow without the variable stops with a message that says what to set.

use crate::course::Course;

/// Where the workflow goes in a learner's repository.
pub const WORKFLOW_PATH: &str = ".github/workflows/classroom.yml";

/// How long one exercise's grading may take in Classroom, in minutes (the exercise's own time
/// limit applies inside it; this covers compiling and a slow runner).
const STEP_TIMEOUT_MINUTES: u32 = 2;

/// Where the workflow's `learn` finds the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseSource {
    /// The course built into `learn`.
    BuiltIn,
    /// A packed course (`learn dev pack`) downloaded from the Actions variable `LEARN_COURSE_URL`.
    Url,
}

/// The Actions variable that holds the packed course's URL.
pub const COURSE_URL_VARIABLE: &str = "LEARN_COURSE_URL";

/// The autograding workflow for `course`.
pub fn workflow(course: &Course, source: CourseSource) -> String {
    let mut text = format!(
        "# GitHub Classroom autograding for the learn course {name:?}, written by `learn init --git`.\n\
         # Each exercise is one test worth one point: `learn verify NAME` passes when the exercise does.\n\
         # learn is installed from the git repository in the Actions variable LEARN_GIT_URL: set it once\n\
         # for the organization (Settings > Secrets and variables > Actions > Variables).\n\
         name: Autograding\n\
         \"on\":\n  - push\n  - workflow_dispatch\n\
         permissions:\n  checks: write\n  actions: read\n  contents: read\n\
         jobs:\n  autograding:\n    runs-on: ubuntu-latest\n    if: github.actor != 'github-classroom[bot]'\n    steps:\n\
         \x20     - uses: actions/checkout@v4\n\
         \x20     - uses: dtolnay/rust-toolchain@stable\n\
         \x20     - name: Install learn\n\
         \x20       env:\n\
         \x20         LEARN_GIT_URL: ${{{{ vars.LEARN_GIT_URL }}}}\n\
         \x20       run: |\n\
         \x20         if [ -z \"$LEARN_GIT_URL\" ]; then\n\
         \x20           echo \"::error::Set the Actions variable LEARN_GIT_URL to the git URL of learn\"\n\
         \x20           exit 1\n\
         \x20         fi\n\
         \x20         cargo install --locked --git \"$LEARN_GIT_URL\" learn\n",
        name = course.name
    );
    // The packed course goes outside the repository, where nothing the learner commits can be.
    let course_file = format!("${{{{ runner.temp }}}}/{}.{}", course.name, crate::pack::EXTENSION);
    if source == CourseSource::Url {
        let header = format!(
            "# The course is not in this repository: it is downloaded from the URL in the Actions variable\n\
             # {COURSE_URL_VARIABLE}, a file written by `learn dev pack` (set the variable where you set LEARN_GIT_URL).\n\
             name: Autograding\n"
        );
        text = text.replacen("name: Autograding\n", &header, 1);
        text.push_str(&format!(
            "      - name: Fetch the course\n\
             \x20       env:\n\
             \x20         {COURSE_URL_VARIABLE}: ${{{{ vars.{COURSE_URL_VARIABLE} }}}}\n\
             \x20         COURSE_FILE: {course_file}\n\
             \x20       run: |\n\
             \x20         if [ -z \"${COURSE_URL_VARIABLE}\" ]; then\n\
             \x20           echo \"::error::Set the Actions variable {COURSE_URL_VARIABLE} to the URL of the course {name} packed with learn dev pack\"\n\
             \x20           exit 1\n\
             \x20         fi\n\
             \x20         curl --fail --silent --show-error --location --output \"$COURSE_FILE\" \"${COURSE_URL_VARIABLE}\"\n",
            name = course.name
        ));
    }
    let with_course = match source {
        CourseSource::BuiltIn => String::new(),
        CourseSource::Url => format!(" --course {course_file}"),
    };
    for ex in &course.exercises {
        text.push_str(&format!(
            "      - name: {name}\n        id: {name}\n        uses: classroom-resources/autograding-command-grader@v1\n        \
             with:\n          test-name: {name}\n          command: learn verify {name}{with_course}\n          \
             timeout: {STEP_TIMEOUT_MINUTES}\n          max-score: 1\n",
            name = ex.name
        ));
    }
    text.push_str("      - name: Autograding Reporter\n        uses: classroom-resources/autograding-grading-reporter@v1\n        env:\n");
    for ex in &course.exercises {
        text.push_str(&format!(
            "          {}_RESULTS: \"${{{{steps.{}.outputs.result}}}}\"\n",
            ex.name.to_uppercase(),
            ex.name
        ));
    }
    let runners: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    text.push_str(&format!("        with:\n          runners: {}\n", runners.join(",")));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_graded_step_per_exercise_and_a_reporter_for_all() {
        let course = Course::parse(
            "format_version = 1\n[course]\nname = \"c\"\ntitle = \"C\"\n\
             [[exercises]]\nname = \"a_b\"\ntopic = \"t\"\nhints = [\"h\"]\n\
             [[exercises]]\nname = \"c\"\ntopic = \"t\"\nhints = [\"h\"]\n",
            "info.toml",
        )
        .unwrap();
        let text = workflow(&course, CourseSource::BuiltIn);
        assert!(!text.contains("LEARN_COURSE_URL") && !text.contains("--course"));
        assert!(text.contains(
            "      - name: a_b\n        id: a_b\n        uses: classroom-resources/autograding-command-grader@v1\n        \
             with:\n          test-name: a_b\n          command: learn verify a_b\n          timeout: 2\n          max-score: 1\n"
        ));
        assert!(text.contains("          A_B_RESULTS: \"${{steps.a_b.outputs.result}}\"\n          C_RESULTS: \"${{steps.c.outputs.result}}\"\n"));
        assert!(text.ends_with("        with:\n          runners: a_b,c\n"));
        assert!(text.contains("LEARN_GIT_URL: ${{ vars.LEARN_GIT_URL }}\n"));

        let text = workflow(&course, CourseSource::Url);
        assert!(text.contains(
            "      - name: Fetch the course\n        env:\n          LEARN_COURSE_URL: ${{ vars.LEARN_COURSE_URL }}\n          \
             COURSE_FILE: ${{ runner.temp }}/c.learn-course\n        run: |\n          if [ -z \"$LEARN_COURSE_URL\" ]; then\n"
        ));
        assert!(text.contains("          command: learn verify a_b --course ${{ runner.temp }}/c.learn-course\n"));
    }
}
