//! Courses that travel: a workspace refers to its course relative to itself, survives the two
//! moving together, says how to re-point it when the course moved alone (`learn course`); a course
//! packed into one file (`learn dev pack`) is all a learner and a grader need; `learn init --git`
//! commits nothing machine-specific and its workflow grades a clone with the fetched course; and
//! `learn grade` says when a workspace is for another course.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::harness::{Sandbox, copy_dir};

fn git_env(cmd: &mut Command) {
    cmd.env("GIT_AUTHOR_NAME", "L")
        .env("GIT_AUTHOR_EMAIL", "l@example.com")
        .env("GIT_COMMITTER_NAME", "L")
        .env("GIT_COMMITTER_EMAIL", "l@example.com");
}

#[test]
fn a_workspace_refers_to_its_course_relative_to_itself_and_moves_with_it() {
    let sb = Sandbox::basic();
    assert!(
        sb.read(".learn-progress.toml").contains("\ncourse_dir = \"../course\"\n"),
        "{}",
        sb.read(".learn-progress.toml")
    );
    fs::create_dir(sb.path("moved")).unwrap();
    fs::rename(sb.course(), sb.path("moved/course")).unwrap();
    fs::rename(sb.ws(), sb.path("moved/ws")).unwrap();
    let run = sb.learn_in(&sb.path("moved/ws"), &["course"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "A basic test course (\"basic\"), read from ../course ([TMP]/moved/course).\n");
}

#[test]
fn a_course_that_moved_alone_is_named_with_the_command_that_points_the_workspace_at_it() {
    let sb = Sandbox::basic();
    fs::create_dir(sb.path("elsewhere")).unwrap();
    fs::rename(sb.course(), sb.path("elsewhere/course")).unwrap();
    let run = sb.learn(&["list"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: this workspace's course \"basic\" is not where [TMP]/ws/.learn-progress.toml says: ../course (that is, \
         [TMP]/course) holds no course.\nIf the course moved, point the workspace at its new place: `learn course \
         NEW_PLACE` (the course's folder, or its file from `learn dev pack`)\n"
    );
    let run = sb.learn(&["course", "../elsewhere/course"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "This workspace now reads A basic test course from ../elsewhere/course.\n");
    assert!(sb.read(".learn-progress.toml").contains("\ncourse_dir = \"../elsewhere/course\"\n"));
    sb.write("exercises/intro/first.rs", "fn answer() -> u32 { 42 }\nfn main() {}\n");
    assert_eq!(sb.learn(&["run"]).code, 0, "the workspace grades with the course in its new place");
}

#[test]
fn a_workspace_is_only_pointed_at_its_own_course() {
    let sb = Sandbox::basic();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/courses/lesson"), &sb.path("other"));
    let before = sb.read(".learn-progress.toml");
    let run = sb.learn(&["course", "../other"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: [TMP]/other holds the course \"lesson\", but this workspace is for the course \"basic\": name a \
         folder or packed file of \"basic\"\n"
    );
    assert_eq!(sb.read(".learn-progress.toml"), before, "nothing changed");
    let run = sb.learn(&["course", "../nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: could not open [TMP]/nowhere: "), "{}", run.stderr);
}

#[test]
fn a_packed_course_is_all_a_learner_and_a_grader_need() {
    let sb = Sandbox::with_course("lesson");
    let run = sb.learn_in(sb.dir.path(), &["dev", "pack", "course"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "Packed A test course with a lesson (3 exercises, 13 files) into lesson.learn-course.\n\
         Learners start with `learn init --course lesson.learn-course`; grade with `learn grade SUBMISSIONS --course \
         lesson.learn-course`.\n"
    );
    let packed = fs::read_to_string(sb.path("lesson.learn-course")).unwrap();
    assert!(packed.contains("\"exercises/intro/README.md\" = "), "the readings are packed");
    assert!(!packed.contains("wrong/"), "known wrong answers stay with the author");
    // Nothing but the packed file is left of the course.
    let original = sb.path("original");
    fs::rename(sb.course(), &original).unwrap();

    let run = sb.learn_in(sb.dir.path(), &["init", "ws", "--course", "lesson.learn-course"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(sb.read(".learn-progress.toml").contains("\ncourse_dir = \"../lesson.learn-course\"\n"));
    for rel in ["exercises/intro/README.md", "exercises/intro/first.rs", "lesson/intro.md"] {
        assert_eq!(sb.read(rel), fs::read_to_string(original.join(rel)).unwrap(), "{rel}");
    }
    let first = fs::read_to_string(original.join("solutions/intro/first.rs")).unwrap();
    sb.write("exercises/intro/first.rs", &first);
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(sb.read("solutions/intro/first.rs"), first, "the solution comes out of the pack");
    let run = sb.learn(&["verify", "--course", "../lesson.learn-course"]);
    assert_eq!(run.stdout, "✓ first\n✗ second (current): does not compile\n\n1 of 2 unlocked exercises pass.\n");
    assert!(sb.learn(&["lesson", "intro"]).stdout.starts_with("Functions that answer\n"));

    fs::create_dir(sb.path("submissions")).unwrap();
    fs::rename(sb.ws(), sb.path("submissions/ada")).unwrap();
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "lesson.learn-course", "--jobs", "2"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("\nada,first,pass,"), "{}", run.stdout);
}

#[test]
fn a_damaged_or_newer_packed_course_is_named_and_never_half_read() {
    let sb = Sandbox::with_course("basic");
    fs::write(sb.path("new.learn-course"), "format_version = 2\ncourse = \"basic\"\n[files]\n").unwrap();
    let run = sb.learn_in(sb.dir.path(), &["init", "ws", "--course", "new.learn-course"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: the packed course [TMP]/new.learn-course cannot be read: it was packed by a newer learn \
         (format_version 2; this learn reads 1): upgrade learn\nPack the course again with `learn dev pack` in its folder\n"
    );
    fs::write(sb.path("escape.learn-course"), "format_version = 1\ncourse = \"basic\"\n[files]\n\"../x.rs\" = \"\"\n")
        .unwrap();
    let run = sb.learn_in(sb.dir.path(), &["init", "ws", "--course", "escape.learn-course"]);
    assert!(run.stderr.contains("cannot be read: the file name \"../x.rs\" is not a path inside a course"), "{run:?}");
    assert!(!sb.ws().exists());
}

#[test]
fn init_git_commits_nothing_machine_specific_and_its_workflow_grades_a_clone_with_the_fetched_course() {
    let sb = Sandbox::with_course("basic");
    let run = sb.command_in(sb.dir.path(), &["init", "ws", "--course", "course", "--git"], git_env);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "committed and ready to push.\nThe workflow grades with the course downloaded from the Actions variable \
             LEARN_COURSE_URL: pack the course with `learn dev pack`, put the file where the workflow can fetch it, \
             and set the variable to its URL.\n"
        ),
        "{}",
        run.stdout
    );
    let git = |dir: &Path, args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(dir).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let tmp = sb.dir.path().canonicalize().unwrap();
    for root in [tmp.display().to_string(), sb.dir.path().display().to_string()] {
        assert_eq!(git(&sb.ws(), &["grep", "-F", &root]), (Some(1), String::new()), "no file names {root}");
    }

    // A clone on a runner: the course beside the template is not there.
    fs::create_dir_all(sb.path("runner/temp")).unwrap();
    let clone = sb.path("runner/work/clone");
    let ws = sb.ws().display().to_string();
    assert_eq!(git(sb.dir.path(), &["clone", "--quiet", &ws, &clone.display().to_string()]).0, Some(0));
    let run = sb.learn_in(&clone, &["list"]);
    assert!(run.stderr.contains("`learn course NEW_PLACE`"), "{run:?}");

    let workflow = fs::read_to_string(clone.join(".github/workflows/classroom.yml")).unwrap();
    let fetch = step_script(&workflow, "Fetch the course");
    let course_file = sb.path("runner/temp/basic.learn-course");
    let fetch_with = |url: &str| {
        Command::new("bash")
            .args(["-euc", &fetch])
            .env("LEARN_COURSE_URL", url)
            .env("COURSE_FILE", &course_file)
            .current_dir(&clone)
            .output()
            .unwrap()
    };
    let unset = fetch_with("");
    assert_eq!(unset.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&unset.stdout),
        "::error::Set the Actions variable LEARN_COURSE_URL to the URL of the course basic packed with learn dev pack\n"
    );

    assert_eq!(sb.learn_in(sb.dir.path(), &["dev", "pack", "course", "-o", "hosted/basic.learn-course"]).code, 0);
    fs::remove_dir_all(sb.course()).unwrap();
    let fetched = fetch_with(&format!("file://{}", sb.path("hosted/basic.learn-course").display()));
    assert!(fetched.status.success(), "{fetched:?}");

    let command = workflow
        .lines()
        .find_map(|l| l.strip_prefix("          command: learn verify first"))
        .expect("a step for first")
        .replace("${{ runner.temp }}", &sb.path("runner/temp").display().to_string());
    let args: Vec<&str> = ["verify", "first"].into_iter().chain(command.split_whitespace()).collect();
    let run = sb.learn_in(&clone, &args);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "✗ first (current): 1 of 2 hidden tests failed\n\n0 of 1 exercises pass.\n")
    );
    fs::write(clone.join("exercises/intro/first.rs"), "fn answer() -> u32 { 42 }\nfn main() {}\n").unwrap();
    let run = sb.learn_in(&clone, &args);
    assert_eq!((run.code, run.stdout.as_str()), (0, "✓ first\n\n1 of 1 exercises pass.\n"));
}

/// The `run: |` script of the workflow step called `name`, without its indentation.
fn step_script(workflow: &str, name: &str) -> String {
    let step = workflow.split(&format!("- name: {name}\n")).nth(1).expect("the step");
    let mut lines = step.lines().skip_while(|l| l.trim() != "run: |").skip(1);
    let first = lines.next().expect("a script");
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(lines.take_while(|l| l.len() > indent && l[..indent].trim().is_empty()))
        .map(|l| format!("{}\n", &l[indent..]))
        .collect()
}

#[test]
fn grade_warns_about_a_workspace_of_another_course_and_does_not_grade_it_silently() {
    let sb = Sandbox::with_course("basic");
    fs::create_dir(sb.path("submissions")).unwrap();
    let init = |args: &[&str]| assert_eq!(sb.learn_in(sb.dir.path(), args).code, 0);
    init(&["init", "submissions/ada", "--course", "course"]);
    init(&["init", "submissions/bo"]);
    let solution = fs::read_to_string(sb.course().join("solutions/intro/first.rs")).unwrap();
    fs::write(sb.path("submissions/ada/exercises/intro/first.rs"), solution).unwrap();
    let run = sb.learn_in(sb.dir.path(), &["grade", "submissions", "--course", "course", "--jobs", "2"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "warning: the workspace of bo in submissions is for the course \"interior-mutability\", not \"basic\": not \
         graded.\nGrade it with its course: `learn grade submissions --course COURSE` (the course's folder, or its \
         file from `learn dev pack`)\n"
    );
    let not_graded =
        "error,0,0,\"not graded: the workspace is for the course \"\"interior-mutability\"\", not \"\"basic\"\"\"";
    assert_eq!(
        run.stdout,
        format!(
            "learner,exercise,status,tests_passed,tests_total,message\n\
             ada,first,pass,2,2,\nada,second,error,0,0,\"does not compile: cannot assign to `self.count`, which is behind a `&` reference\"\n\
             ada,third,fail,0,1,1 of 1 hidden tests failed\n\
             bo,first,{not_graded}\nbo,second,{not_graded}\nbo,third,{not_graded}\n"
        )
    );
}
