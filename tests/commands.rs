//! The commands around grading: init, list, hint, reset, verify, dev check, and their errors.

use std::fs;

use crate::harness::Sandbox;

#[test]
fn init_writes_exercises_but_no_hidden_tests_or_solutions() {
    let sb = Sandbox::basic();
    let mut files: Vec<String> = walk(&sb.ws());
    files.sort();
    assert_eq!(
        files,
        [
            ".gitignore",
            ".learn-progress.toml",
            ".vscode/extensions.json",
            "Cargo.toml",
            "exercises/intro/first.rs",
            "exercises/intro/second.rs",
            "exercises/intro/third.rs"
        ]
    );
    assert_eq!(
        sb.read(".gitignore"),
        "# learn's cache (build products); safe to delete\n.learn/\n# what editors build with Cargo.toml\ntarget/\n"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let sb = Sandbox::with_course("basic");
    fs::create_dir_all(sb.path("busy")).unwrap();
    fs::write(sb.path("busy/notes.txt"), "mine").unwrap();
    let run = sb.learn_in(sb.dir.path(), &["init", "busy", "--course", "course"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: [TMP]/busy already exists and is not a learn workspace: choose another folder (`learn init DIR`)\n"
    );
}

#[test]
fn list_shows_every_state_and_the_progress() {
    let sb = Sandbox::basic();
    sb.solve("first");
    sb.learn(&["run"]);
    assert_eq!(
        sb.learn(&["list"]).stdout,
        "A basic test course\n\n    #  state    name    file\n    1  done     first   exercises/intro/first.rs\n    \
         2  current  second  exercises/intro/second.rs\n    3  locked   third   exercises/intro/third.rs\n\n\
         Progress: [##########--------------------] 1/3\n"
    );
}

#[test]
fn hints_advance_one_level_at_a_time() {
    let sb = Sandbox::basic();
    assert_eq!(
        sb.learn(&["hint"]).stdout,
        "Hint 1 of 2 for first:\n  Look at what `answer` returns.\n(ask again for the next hint)\n"
    );
    assert_eq!(sb.learn(&["hint"]).stdout, "Hint 2 of 2 for first:\n  It should return 42.\n");
    assert_eq!(
        sb.learn(&["hint", "--all"]).stdout,
        "Hint 1 of 2 for first:\n  Look at what `answer` returns.\n\nHint 2 of 2 for first:\n  It should return 42.\n"
    );
}

#[test]
fn reset_keeps_a_backup_and_restores_the_original() {
    let sb = Sandbox::basic();
    let original = sb.read("exercises/intro/first.rs");
    sb.write("exercises/intro/first.rs", "my work\n");
    let run = sb.learn(&["reset", "first"]);
    assert_eq!(
        run.stdout,
        "Your version is saved in backups/first-1.rs\nRestored the original exercises/intro/first.rs\n"
    );
    assert_eq!(sb.read("backups/first-1.rs"), "my work\n");
    assert_eq!(sb.read("exercises/intro/first.rs"), original);
    sb.write("exercises/intro/first.rs", "second try\n");
    assert!(sb.learn(&["reset", "first"]).stdout.starts_with("Your version is saved in backups/first-2.rs\n"));
    assert_eq!(sb.read("backups/first-1.rs"), "my work\n");
}

#[test]
fn reset_restores_a_deleted_file() {
    let sb = Sandbox::basic();
    fs::remove_file(sb.ws().join("exercises/intro/first.rs")).unwrap();
    let run = sb.learn(&["run"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: [TMP]/ws/exercises/intro/first.rs is missing: `learn reset first` restores the original\n"
    );
    assert_eq!(sb.learn(&["reset", "first"]).stdout, "Restored the original exercises/intro/first.rs\n");
    assert_eq!(sb.learn(&["run"]).code, 1);
}

#[test]
fn an_unknown_name_suggests_the_closest() {
    let sb = Sandbox::basic();
    let run = sb.learn(&["reset", "frist"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown exercise \"frist\": did you mean \"first\"?\nRun `learn list` to see every exercise\n"
    );
    assert_eq!(
        sb.learn(&["hint", "zzz"]).stderr,
        "error: unknown exercise \"zzz\"\nRun `learn list` to see every exercise\n"
    );
}

#[test]
fn a_locked_exercise_is_refused() {
    let sb = Sandbox::basic();
    let run = sb.learn(&["run", "third"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: \"third\" is locked: finish \"first\" first (`learn run first`)\n");
}

#[test]
fn outside_a_workspace_commands_say_how_to_make_one() {
    let sb = Sandbox::with_course("basic");
    let run = sb.learn_in(sb.dir.path(), &["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: no learn workspace here: neither [TMP] nor a folder above it"),
        "{}",
        run.stderr
    );
}

#[test]
fn commands_find_the_workspace_from_a_subfolder() {
    let sb = Sandbox::basic();
    let run = sb.learn_in(&sb.ws().join("exercises/intro"), &["hint"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_corrupt_progress_file_is_a_clear_error_and_repair_rebuilds_it() {
    let sb = Sandbox::basic();
    sb.solve("first");
    sb.learn(&["run"]);
    let good = sb.read(".learn-progress.toml");
    // Cut inside the last line, as a crash in the middle of a write would.
    let damaged = &good[..good.len() - 20];
    sb.write(".learn-progress.toml", damaged);
    let run = sb.learn(&["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: the progress file [TMP]/ws/.learn-progress.toml is damaged: line "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Run `learn repair`"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));

    let repair = sb.learn(&["repair"]);
    assert_eq!(repair.code, 0, "{repair:?}");
    assert_eq!(
        repair.stdout,
        "Kept a copy of the damaged file in .learn-progress.toml.damaged-1\n\
         Grading your exercises in order to rebuild your progress:\n  ✓ first\n  \
         → second: does not compile (this is your current exercise)\n\
         Rebuilt .learn-progress.toml with 1 exercise done.\n"
    );
    assert_eq!(sb.read(".learn-progress.toml.damaged-1"), damaged);
    assert!(sb.learn(&["list"]).stdout.contains("1  done     first"));
}

#[test]
fn repair_asks_for_the_course_when_the_file_lost_it() {
    let sb = Sandbox::basic();
    sb.write(".learn-progress.toml", "format_ver");
    let run = sb.learn(&["repair"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Run `learn repair --course COURSE_DIR`"), "{}", run.stderr);
    let run = sb.learn(&["repair", "--course", "../course"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "  → first: 1 of 2 hidden tests failed (this is your current exercise)
Rebuilt .learn-progress.toml with 0 exercises done.
"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(sb.learn(&["list"]).code, 0);
}

#[test]
fn empty_and_future_progress_files_are_explained() {
    let sb = Sandbox::basic();
    sb.write(".learn-progress.toml", "");
    assert!(sb.learn(&["list"]).stderr.contains("is damaged: the file is empty"));
    sb.write(".learn-progress.toml", "format_version = 9\ncourse = \"basic\"\n");
    assert!(
        sb.learn(&["list"]).stderr.contains(
            "is damaged: it was written by a newer learn (format_version 9; this learn reads 1): upgrade learn"
        )
    );
}

#[test]
fn verify_reports_a_done_exercise_that_fails_now() {
    let sb = Sandbox::basic();
    sb.solve("first");
    sb.learn(&["run"]);
    sb.write("exercises/intro/first.rs", "fn answer() -> u32 { 1 }\nfn main() {}\n");
    let run = sb.learn(&["verify", "--course", "../course"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "✗ first (done before, fails now): 2 of 2 hidden tests failed\n✗ second (current): does not compile\n\n\
         0 of 2 unlocked exercises pass.\n"
    );
}

#[test]
fn dev_check_passes_a_sound_course() {
    let sb = Sandbox::with_course("basic");
    let run = sb.learn_in(&sb.course(), &["dev", "check", "--jobs", "2"]);
    assert_eq!(
        run.stdout,
        "Checking A basic test course (3 exercises, 2 at a time)\n  \
         ✓ first: solution passes 2 tests; starting file 1 of 2 hidden tests failed\n  \
         ✓ second: solution passes 1 test; starting file does not compile\n  \
         ✓ third: solution passes 1 test; starting file 1 of 1 hidden tests failed\n\n✓ every exercise checks out.\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn dev_check_finds_missing_orphaned_and_wrong_files() {
    let sb = Sandbox::with_course("basic");
    let course = sb.course();
    fs::remove_file(course.join("checks/intro/third.rs")).unwrap();
    fs::write(course.join("exercises/intro/stray.rs"), "fn main() {}\n").unwrap();
    fs::copy(course.join("solutions/intro/first.rs"), course.join("exercises/intro/first.rs")).unwrap();
    let run = sb.learn_in(&course, &["dev", "check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.ends_with(
            "✗ 3 problem(s):\n  - third: checks/intro/third.rs is missing (exercise defined at info.toml:22)\n  \
             - exercises/intro/stray.rs is orphaned: no exercise in info.toml uses it\n  \
             - first: the starting file passes its hidden tests: it should fail (or give the exercise `starts_passing = true`)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn dev_check_grades_a_passing_wrong_answer_again_before_calling_it_a_problem() {
    let sb = Sandbox::with_course("basic");
    let course = sb.course();
    fs::create_dir_all(course.join("wrong/intro/first")).unwrap();
    let solution = fs::read_to_string(course.join("solutions/intro/first.rs")).unwrap();
    fs::write(course.join("wrong/intro/first/same_as_solution.rs"), format!("// wrong: not wrong at all\n{solution}"))
        .unwrap();
    fs::write(
        course.join("wrong/intro/first/starting_file.rs"),
        fs::read(course.join("exercises/intro/first.rs")).unwrap(),
    )
    .unwrap();
    let run = sb.learn_in(&course, &["dev", "check", "first"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.ends_with(
            "✗ 1 problem(s):\n  - first: the wrong answer wrong/intro/first/same_as_solution.rs passes its hidden tests \
             (3 gradings): they should reject it\n"
        ),
        "{}",
        run.stdout
    );
    // One that fails is graded once, and shown with what the learner would read.
    assert!(run.stdout.contains("✓ wrong/intro/first/starting_file.rs: 1 of 2 hidden tests failed"), "{}", run.stdout);
}

#[test]
fn a_broken_manifest_is_reported_with_file_line_and_column() {
    let sb = Sandbox::with_course("basic");
    let manifest = sb.course().join("info.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("name = \"third\"", "name = \"first\"\ncolour = 1")).unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(run.code, 2);
    // Both problems at once, in the file's order.
    assert_eq!(
        run.stderr,
        "error: [TMP]/course/info.toml:22:8: duplicate exercise name \"first\" (first defined at line 12)\n\
         [TMP]/course/info.toml:23:1: unknown field `colour`, expected one of `name`, `topic`, `hints`, `section`, `time_limit_secs`, `allow_unsafe`, `allow_statics`, `kind`, `clippy`, `starts_passing`, `lints`\n"
    );
    fs::write(&manifest, text.replace("name = \"third\"", "name = \"first\"")).unwrap();
    let run = sb.learn_in(&sb.course(), &["dev", "check"]);
    assert_eq!(
        run.stderr,
        "error: [TMP]/course/info.toml:22:8: duplicate exercise name \"first\" (first defined at line 12)\n"
    );
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out
}

#[test]
fn run_in_json_prints_exercism_v3_results() {
    let sb = Sandbox::basic();
    let run = sb.learn(&["run", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        r#"{
  "version": 3,
  "status": "fail",
  "tests": [
    {
      "name": "answer_is_forty_two",
      "test_code": "answer() returns 42.",
      "status": "fail",
      "message": "assertion `left == right` failed: answer() should return 42\n  left: 0\n right: 42"
    },
    {
      "name": "answer_is_even",
      "test_code": "answer() returns an even number.",
      "status": "pass"
    }
  ]
}
"#
    );
    sb.write(
        "exercises/intro/first.rs",
        "fn answer() -> u32 {\n    println!(\"thinking\");\n    41\n}\nfn main() {}\n",
    );
    let run = sb.learn(&["run", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["tests"][0]["output"], "thinking");
    sb.solve("first");
    let run = sb.learn(&["run", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "{\n  \"version\": 3,\n  \"status\": \"pass\",\n  \"tests\": [\n    {\n      \"name\": \"answer_is_forty_two\",\n      \
         \"test_code\": \"answer() returns 42.\",\n      \"status\": \"pass\"\n    },\n    {\n      \"name\": \"answer_is_even\",\n      \
         \"test_code\": \"answer() returns an even number.\",\n      \"status\": \"pass\"\n    }\n  ]\n}\n"
    );
    assert!(sb.learn(&["list"]).stdout.contains("1  done     first"), "a pass in JSON mode is recorded too");
}

#[test]
fn verify_all_in_json_lists_every_exercise_with_its_status() {
    let sb = Sandbox::basic();
    let run = sb.learn(&["verify", "--all", "--format", "json", "--course", "../course"]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let summary: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["exercise"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(summary, [("first", "fail"), ("second", "error"), ("third", "fail")]);
    assert!(json[1]["message"].as_str().unwrap().starts_with("error[E0594]: cannot assign to `self.count`"));
    assert_eq!(json[1]["tests"], serde_json::json!([]));
    assert_eq!(json[0]["version"], 3);
}

#[test]
fn verify_grades_named_exercises_even_when_locked_and_changes_nothing() {
    let sb = Sandbox::basic();
    sb.solve("third");
    let before = sb.read(".learn-progress.toml");
    let run = sb.learn(&["verify", "third", "first", "--course", "../course"]);
    assert_eq!(run.stdout, "✓ third\n✗ first (current): 1 of 2 hidden tests failed\n\n1 of 2 exercises pass.\n");
    assert_eq!(run.code, 1);
    assert_eq!(sb.read(".learn-progress.toml"), before);
}

#[test]
fn completions_and_the_man_page_come_from_the_cli_definition() {
    let sb = Sandbox::basic();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = sb.learn(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        for command in ["watch", "run", "hint", "reset", "verify", "grade"] {
            assert!(run.stdout.contains(command), "{shell} completions lack {command}");
        }
    }
    let man = sb.learn(&["man"]);
    assert!(man.stdout.contains(".TH learn 1"), "{}", man.stdout);
    assert!(man.stdout.contains("Grade one exercise once"), "{}", man.stdout);
}

#[test]
fn help_follows_the_colour_choice() {
    let sb = Sandbox::basic();
    let never = sb.learn(&["--color", "never", "--help"]);
    assert!(never.stdout.contains("Usage: learn [OPTIONS] [COMMAND]\n"), "{}", never.stdout);
    assert!(!never.stdout.contains('\u{1b}'));
    let always = sb.learn(&["--color", "always", "--help"]);
    assert!(always.stdout.contains("\u{1b}[1m\u{1b}[32mUsage:"), "{}", always.stdout);
    let no_color = sb.command_in(&sb.ws(), &["--help"], |cmd| {
        cmd.env("NO_COLOR", "1");
    });
    assert!(!no_color.stdout.contains('\u{1b}'));
}

/// The binary targets cargo sees in the workspace's manifest.
fn cargo_bins(sb: &Sandbox) -> Vec<String> {
    let out = std::process::Command::new("cargo")
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(sb.ws())
        .output()
        .unwrap();
    assert!(out.status.success(), "cargo refused the manifest: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"][0]["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_workspace_manifest_lists_unlocked_exercises_and_solutions_for_editors() {
    let sb = Sandbox::basic();
    assert_eq!(cargo_bins(&sb), ["first"]);
    assert_eq!(sb.read(".vscode/extensions.json"), "{\n  \"recommendations\": [\"rust-lang.rust-analyzer\"]\n}\n");
    sb.solve("first");
    assert_eq!(sb.learn(&["run"]).code, 0);
    assert_eq!(cargo_bins(&sb), ["first", "first_solution", "second"]);
    let check = std::process::Command::new("cargo")
        .args(["check", "--offline", "--quiet", "--bin", "first", "--bin", "first_solution"])
        .current_dir(sb.ws())
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(!sb.read("Cargo.toml").contains("checks/"), "hidden tests stay out of the manifest");
}

#[test]
fn init_git_commits_a_workspace_with_the_classroom_workflow() {
    let sb = Sandbox::with_course("basic");
    let run = sb.command_in(sb.dir.path(), &["init", "ws", "--course", "course", "--git"], |cmd| {
        cmd.env("GIT_AUTHOR_NAME", "Learner")
            .env("GIT_AUTHOR_EMAIL", "learner@example.com")
            .env("GIT_COMMITTER_NAME", "Learner")
            .env("GIT_COMMITTER_EMAIL", "learner@example.com");
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(
        "Made ws a git repository with a GitHub Classroom workflow (.github/workflows/classroom.yml), committed and ready to push.\n\
         The workflow grades with the course downloaded from the Actions variable LEARN_COURSE_URL"
    ));
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").args(args).current_dir(sb.ws()).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(git(&["log", "--format=%s"]), "Start A basic test course\n");
    assert_eq!(git(&["status", "--porcelain"]), "", "everything is committed");
    let files = git(&["ls-files"]);
    assert!(files.contains(".learn-progress.toml\n") && files.contains(".github/workflows/classroom.yml\n"), "{files}");
    let workflow = sb.read(".github/workflows/classroom.yml");
    assert!(
        workflow.contains("          command: learn verify third --course ${{ runner.temp }}/basic.learn-course\n"),
        "{workflow}"
    );
    assert!(workflow.ends_with("          runners: first,second,third\n"), "{workflow}");
}

#[test]
fn the_shipped_classroom_template_is_what_init_git_writes_for_the_course() {
    let sb = Sandbox::with_course("basic");
    let run = sb.command_in(sb.dir.path(), &["init", "ws", "--git"], |cmd| {
        cmd.env("GIT_AUTHOR_NAME", "L")
            .env("GIT_AUTHOR_EMAIL", "l@e")
            .env("GIT_COMMITTER_NAME", "L")
            .env("GIT_COMMITTER_EMAIL", "l@e");
    });
    assert_eq!(run.code, 0, "{run:?}");
    let shipped =
        fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/classroom/autograding.yml"))
            .unwrap();
    assert_eq!(sb.read(".github/workflows/classroom.yml"), shipped, "regenerate .github/classroom/autograding.yml");
}

#[test]
fn run_in_json_reports_an_ungradable_file_as_an_error_result() {
    let sb = Sandbox::basic();
    fs::remove_file(sb.ws().join("exercises/intro/first.rs")).unwrap();
    let run = sb.learn(&["run", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        "{\n  \"version\": 3,\n  \"status\": \"error\",\n  \"message\": \"[TMP]/ws/exercises/intro/first.rs is missing: \
         `learn reset first` restores the original\",\n  \"tests\": []\n}\n"
    );
}
