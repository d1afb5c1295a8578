//! GitHub Classroom support: the autograding workflow for a course, one Classroom test (one point)
//! per exercise, each passing when `learn verify NAME` passes in the learner's repository. Courses
//! with thousands of learners are graded by GitHub Actions, one job per learner repository, rather
//! than on one machine. `learn init --git` writes it into a new workspace.
//!
//! The workflow installs `learn` with `cargo install --git` from the URL in the Actions variable
//! `LEARN_GIT_URL` (set once for the organization), so it grades with the course the instructor's
//! `learn` carries.

use crate::course::Course;

/// Where the workflow goes in a learner's repository.
pub const WORKFLOW_PATH: &str = ".github/workflows/classroom.yml";

/// How long one exercise's grading may take in Classroom, in minutes (the exercise's own time
/// limit applies inside it; this covers compiling and a slow runner).
const STEP_TIMEOUT_MINUTES: u32 = 2;

/// The autograding workflow for `course`.
pub fn workflow(course: &Course) -> String {
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
    for ex in &course.exercises {
        text.push_str(&format!(
            "      - name: {name}\n        id: {name}\n        uses: classroom-resources/autograding-command-grader@v1\n        \
             with:\n          test-name: {name}\n          command: learn verify {name}\n          \
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
        let text = workflow(&course);
        assert!(text.contains(
            "      - name: a_b\n        id: a_b\n        uses: classroom-resources/autograding-command-grader@v1\n        \
             with:\n          test-name: a_b\n          command: learn verify a_b\n          timeout: 2\n          max-score: 1\n"
        ));
        assert!(text.contains("          A_B_RESULTS: \"${{steps.a_b.outputs.result}}\"\n          C_RESULTS: \"${{steps.c.outputs.result}}\"\n"));
        assert!(text.ends_with("        with:\n          runners: a_b,c\n"));
        assert!(text.contains("LEARN_GIT_URL: ${{ vars.LEARN_GIT_URL }}\n"));
    }
}
