"""The mxn command line as a user meets it: --version, mistakes in subcommands, flags and MXN_ variables,
paths relative to the config file, delimited imports without a header, import errors reported once, and
progress on a terminal."""

import os
import re
import subprocess

MXN = os.environ["MXNTEST_BINARY"]


def mxn(*args, cwd, env=None, check=False):
    """Runs mxn in `cwd` with only the given MXN_ variables; returns the CompletedProcess."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MXN_")}
    done = subprocess.run([MXN, *args], cwd=cwd, env={**clean, "MXN_LOG_LEVEL": "info", **(env or {})},
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_version_names_the_build(tmp_path):
    done = mxn("--version", cwd=tmp_path, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("mxn ") and lines[0].split()[1].count(".") == 2
    assert lines[1].startswith("commit ") and "unknown" not in lines[1]
    assert lines[2].startswith("build ")
    assert re.fullmatch(r"cpu (x86-64-v\d|native) \(.*avx2.*\); 8-bit scan: (avx512vnni|portable) \(chosen on this CPU\)",
                        lines[3]), lines[3]


def test_unknown_subcommands_and_flags_say_so(tmp_path):
    items = mxn("items", cwd=tmp_path)
    assert items.returncode != 0
    assert "unknown subcommand 'items'" in items.stderr and "seed, import" in items.stderr
    bogus = mxn("--bogus", cwd=tmp_path)
    assert bogus.returncode != 0 and "--bogus" in bogus.stderr
    flag = mxn("stats", "--domian", "movies", cwd=tmp_path)
    assert flag.returncode != 0 and "--domian" in flag.stderr
    none = mxn(cwd=tmp_path)
    assert none.returncode != 0 and "a subcommand is required: seed, import" in none.stderr
    assert "--config FILE" in mxn("train", "--help", cwd=tmp_path, check=True).stdout


def test_an_unknown_mxn_variable_stops_start_up_with_the_closest_key(tmp_path):
    done = mxn("stats", cwd=tmp_path, env={"MXN_MODELS_DIR": str(tmp_path / "x")})
    assert done.returncode == 2
    assert "MXN_MODELS_DIR: no such key; did you mean MXN_MODELS_STORE_DIR?" in done.stderr
    assert not (tmp_path / "data").exists(), "nothing was opened"


def test_relative_paths_in_a_config_file_follow_the_file(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "etc" / "mxn.yaml").write_text("warehouse:\n  path: ../var/w.duckdb\nmodels:\n  store_dir: ../var/models\n")
    mxn("--config", str(tmp_path / "etc" / "mxn.yaml"), "seed", "--users", "5", "--items", "5", "--interactions",
        "50", cwd=tmp_path / "elsewhere", check=True)
    assert (tmp_path / "var" / "w.duckdb").exists()
    assert list((tmp_path / "elsewhere").iterdir()) == []
    # Without a config file, the defaults follow the working directory, and mxn says where.
    done = mxn("stats", cwd=tmp_path / "elsewhere", check=True)
    assert "config.defaults" in done.stderr and str(tmp_path / "elsewhere" / "data" / "warehouse.duckdb") in done.stderr


def test_a_tab_separated_file_without_header_imports_by_column_position(tmp_path):
    (tmp_path / "u.data").write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n")
    done = mxn("import", "--domain", "movies", "--interactions", "u.data", "--delimiter", "\\t", "--no-header",
               "--user-col", "1", "--item-col", "2", "--rating-col", "3", "--time-col", "4", "--type", "rating",
               cwd=tmp_path, check=True)
    assert done.stdout.startswith("imported 3 interactions into movies")


def test_import_errors_are_reported_once_each_with_rows_lines_and_known_values(tmp_path):
    rows = "".join(f"u{i},m1\n" for i in range(30))
    (tmp_path / "x.csv").write_text("user_id,item_id\n" + rows)
    done = mxn("import", "--domain", "movies", "--interactions", "x.csv", "--type", "wink", cwd=tmp_path)
    assert done.returncode == 2
    problems = [line for line in done.stderr.splitlines() if "wink" in line]
    assert len(problems) == 1, done.stderr
    assert "30 rows, lines 2, 3, 4" in problems[0] and "is unknown (known: " in problems[0]
    assert "view" in problems[0]


def _on_a_terminal(args, cwd):
    """Runs mxn with stdout and stderr on a pseudo-terminal; returns what the terminal received."""
    import pty

    clean = {k: v for k, v in os.environ.items() if not k.startswith("MXN_")}
    controller, terminal = pty.openpty()
    process = subprocess.Popen([MXN, *args], cwd=cwd, env={**clean, "MXN_LOG_LEVEL": "info"}, stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal)
    os.close(terminal)
    received = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    assert process.wait(timeout=300) == 0, received.decode(errors="replace")
    return received.decode(errors="replace")


def test_training_on_a_terminal_shows_labelled_progress_below_the_log_lines(tmp_path):
    mxn("seed", "--users", "40", "--items", "60", "--interactions", "3000", cwd=tmp_path, check=True)
    shown = _on_a_terminal(["train", "--domain", "movies"], tmp_path)
    # What stays on screen: each line as its last redraw left it (\r\033[K clears the line).
    lines = [line.split("\r\x1b[K")[-1].replace("\r", "") for line in shown.split("\n")]
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]  # colours
    progress = [line for line in lines if re.search(r"  \d+/\d+", line) and "eta " in line]
    labels = {line.split("  ")[0] for line in progress}
    assert "movies/collab als (held-out fit)" in labels and "movies/collab als (final fit)" in labels, labels
    assert any(label.startswith("movies/item texts ") for label in labels), labels
    assert len(progress) == len(labels), "one line per task, left as it ended"
    for line in lines:
        if " info " in line or " warning " in line:
            assert re.match(r"\d{4}-\d\d-\d\dT", line), f"a log line glued to another: {line!r}"


def test_delete_user_forgets_a_user_and_says_what_it_removed(tmp_path):
    env = {"MXN_WAREHOUSE_PATH": str(tmp_path / "w.duckdb")}
    mxn("seed", "--users", "5", "--items", "5", "--interactions", "100", cwd=tmp_path, env=env, check=True)
    done = mxn("delete-user", "--user", "user1", cwd=tmp_path, env=env, check=True)
    assert re.fullmatch(r"deleted user user1: [1-9]\d* interactions, 0 served lists\n", done.stdout), done.stdout
    assert "audit.user_deleted" in done.stderr
    again = mxn("delete-user", "--user", "user1", cwd=tmp_path, env=env)
    assert again.returncode == 3 and "unknown user 'user1'" in again.stderr
