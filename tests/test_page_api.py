"""The page API: results by interpreter, transcripts, the lab's readers, and Failed as an observation."""
from __future__ import annotations

import pytest

from pycache_lab import NA, Book, Box, Failed, Observation, show_dir, show_work
from pycache_lab import book as book_module
from pycache_lab.observation import TreeDiff, file_changes, parse_strace, parse_trace
from pycache_lab.tracebacks import exception_that_ended, last_traceback


@pytest.fixture
def book(monkeypatch):
    monkeypatch.setattr(book_module, "RAISE_ON_DRIFT", False)
    monkeypatch.delenv("PYCACHE_BOOK_LEDGER_DIR", raising=False)
    return Book("scripts-and-imports")


def test_run_indexes_results_by_interpreter_and_shows_a_transcript(book):
    dash_c = book.run("python -c 'import mod'")
    for py in book.interpreters:
        assert dash_c[py].pycs_written == [py.cached_path("mod.py")]
        assert dash_c[py.key] is dash_c[py]
    assert dash_c.newest is dash_c[book.newest]
    text = dash_c.show().text
    assert "$ python%d -c 'import mod'" % book.newest.version_info[0] in text
    assert ":caption: app.py" in text and book.newest.cached_path("mod.py") in text


def test_planted_files_that_ran_are_listed(book):
    planted = book.run("python app.py", plant=["app.py", "mod.py"])
    assert all(planted[py].planted_ran == ["mod.py"] for py in book.interpreters)


def test_version_gates_give_na(book):
    gated = book.run("python -c 'import mod'", since=(3, 8))
    for py in book.interpreters:
        assert (gated[py] is NA) == (not py.at_least(3, 8))


def scenario_that_breaks_on_the_newest(book):
    newest = book.newest

    @book.scenario
    def breaks(box, py):
        if py is newest:
            box.read("__pycache__/nothing.pyc")
        return box.run(py, "-c 'import mod'")
    return breaks


def test_a_scenario_that_raises_on_one_interpreter_drifts_its_claims_there_only(book):
    breaks = scenario_that_breaks_on_the_newest(book)
    shown = book.claim("reads-a-broken-scenario", "A claim on a scenario that broke.",
                       observe=lambda py: breaks[py].pycs_written, expect=lambda py: [py.cached_path("mod.py")])
    verdicts = {r.interpreter.key: r.verdict for r in shown.check.results}
    assert verdicts.pop(book.newest.key) == "drifts"
    assert set(verdicts.values()) <= {"holds"}
    observed = shown.check.record()["observed"][book.newest.key]
    assert observed == ("the scenario failed: FileNotFoundError: [Errno 2] No such file or directory: "
                        "'<work>/__pycache__/nothing.pyc' (scripts-and-imports, scenario breaks)")
    assert "**drifts**" in shown.text


def test_a_failed_result_turned_into_an_ordinary_value_still_drifts(book):
    breaks = scenario_that_breaks_on_the_newest(book)
    shown = book.claim("loops-over-a-broken-scenario", "A loop hides the failure, not from the lab.",
                       observe=lambda py: [p for p in breaks[py].pycs_written if p.endswith("x")], expect=[])
    results = {r.interpreter.key: r for r in shown.check.results}
    assert results[book.newest.key].verdict == "drifts"
    assert isinstance(results[book.newest.key].observed, Failed)


def test_an_observe_that_raises_drifts_by_name(book):
    shown = book.claim("observe-raises", "An observe that raises.", observe=lambda py: {}["missing"], expect=1)
    observed = shown.check.record()["observed"][book.oldest.key]
    assert observed == "the scenario failed: KeyError: 'missing' (scripts-and-imports, claim observe-raises)"


def test_failed_absorbs_what_display_code_does():
    failed = Failed("IndexError", "list index out of range", "page", "scenario s")
    assert failed.stdout.splitlines()[0] is failed and failed["x"](1) is failed
    assert list(failed) == [] and not failed and len(failed) == 0
    assert "%s" % failed == "the scenario failed: IndexError: list index out of range (page, scenario s)"


def test_the_exception_that_ended_a_run_in_every_shape():
    three = ("import 'x' # <frozen>\nTraceback (most recent call last):\n  File \"app.py\", line 1, in <module>\n"
             "    import mod\nImportError: bad magic number in 'mod': b'\\x00\\x00\\r\\n'\n# cleanup[2] removing sys\n")
    assert str(exception_that_ended(three)) == "ImportError: bad magic number in 'mod': b'\\x00\\x00\\r\\n'"
    assert exception_that_ended(three).without_bytes == "ImportError: bad magic number in 'mod': ..."
    assert exception_that_ended("ImportError: Bad magic number in mod.pyc\n").without_bytes == (
        "ImportError: Bad magic number in mod.pyc")
    syntax = '  File "app.py", line 1\n    x x\n      ^\nSyntaxError: invalid syntax\n'
    assert exception_that_ended(syntax).type == "SyntaxError"
    assert exception_that_ended("RuntimeError: Bad magic number in .pyc file\n").message == "Bad magic number in .pyc file"
    assert exception_that_ended("all went well\n") is None


def test_error_lines_are_standard_error_line_by_line():
    said = Observation(["x"], 1, "", "a warning\n/tmp/pycache-lab-a1/work/m.py: bad\n", TreeDiff())
    assert said.error_lines == ["a warning", "<work>/m.py: bad"]
    assert Observation(["x"], 0, "", "", TreeDiff()).error_lines == []


def test_the_trace_keeps_the_installations_cache_files_apart():
    stderr = ("# code object from '/w/__pycache__/mod.cpython-312.pyc'\n"
              "# code object from '/usr/lib/python3.12/json/__pycache__/__init__.cpython-312.pyc'\n"
              "# wrote '/opt/py/lib/python3.12/__pycache__/os.cpython-312.opt-1.pyc'\n"
              "# wrote '/tmp/pycache-lab-ab1/lab/audit/__pycache__/sitecustomize.cpython-312.pyc'\n"
              "import os # precompiled from /usr/lib/python2.7/os.pyc\n")
    trace = parse_trace(stderr, lambda p: p[len("/w/"):] if p.startswith("/w/") else None)
    assert trace.reads == ["__pycache__/mod.cpython-312.pyc"] and trace.writes == []
    assert trace.reads_outside == ["/usr/lib/python3.12/json/__pycache__/__init__.cpython-312.pyc",
                                   "/usr/lib/python2.7/os.pyc"]
    assert trace.writes_outside == ["/opt/py/lib/python3.12/__pycache__/os.cpython-312.opt-1.pyc"]


def test_a_transcript_leaves_out_the_trace_lines_about_the_labs_own_files():
    from pycache_lab.transcript import command_block
    trace = parse_trace("import m # precompiled from m.pyc\n"  # standard error shows the sandbox as <sandbox>
                        "# created '<sandbox>/lab/audit-hook/__pycache__/sitecustomize.cpython-312.pyc'\n",
                        lambda p: p)
    run = Observation(["python2", "app.py"], 0, "", "", TreeDiff(), trace=trace, typed="python2 app.py")
    shown = command_block(run, None)
    assert "precompiled from m.pyc" in shown and "sitecustomize" not in shown


def test_an_installation_directory_is_shown_by_name():
    assert show_dir("/opt/py/lib/python3.12/os.py", "/opt/py/lib/python3.12", "<stdlib>") == "<stdlib>/os.py"
    assert show_dir("built-in", "/opt/py/lib/python3.12", "<stdlib>") == "built-in"
    assert show_dir("/x/os.py", "", "<stdlib>") == "/x/os.py"


def test_temporary_paths_are_shown_as_work(monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", "/tmp/a b")  # a TMPDIR with a space, as the hostile suite uses
    text = "could not create '/tmp/a b/pycache-lab-x1_y/work/__pycache__': /tmp/pycache-lab-x1/lab/f"
    assert show_work(text) == "could not create '<work>/__pycache__': <sandbox>/lab/f"


def test_one_strace_reader():
    log = ('123 openat(AT_FDCWD, "/s/__pycache__/mod.cpython-312.pyc.4242", O_WRONLY|O_CREAT|O_EXCL, 0644) = 3\n'
           '123 rename("/s/a", "/s/b") = -1 EACCES (Permission denied)\n')
    calls = parse_strace(log, lambda p: p[len("/s/"):] if p.startswith("/s/") else None)
    assert [str(c) for c in calls] == ["open __pycache__/mod.cpython-312.pyc.4242 O_WRONLY|O_CREAT|O_EXCL",
                                       "rename a -> b (EACCES)"]
    assert calls[0].writes and not calls[1].writes


def test_file_events_list_a_files_opens_unlinks_and_renames_as_dtruss_does():
    log = ('1 unlink("/s/test.pyc") = -1 ENOENT (No such file or directory)\n'
           '1 openat(AT_FDCWD, "/s/test.py", O_RDONLY|O_CLOEXEC) = 3\n'
           '1 openat(AT_FDCWD, "/s/__pycache__/test.cpython-312.pyc.77", O_WRONLY|O_CREAT|O_EXCL, 0644) = 3\n'
           '1 rename("/s/__pycache__/test.cpython-312.pyc.77", "/s/__pycache__/test.cpython-312.pyc") = 0\n'
           '1 openat(AT_FDCWD, "/s/mod.py", O_RDONLY) = 3\n'
           '1 openat(AT_FDCWD, "/usr/lib/test.py", O_RDONLY) = 3\n'
           '1 stat("/s/test.py", {st_mode=S_IFREG|0644}) = 0\n')
    run = Observation(["python"], 0, "", "", TreeDiff({}, {}, {}),
                      syscalls=parse_strace(log, lambda p: p[len("/s/"):] if p.startswith("/s/") else None))
    assert run.file_events("test.") == [
        "unlink test.pyc: ENOENT", "open test.py", "create __pycache__/test.cpython-312.pyc.77",
        "rename __pycache__/test.cpython-312.pyc.77 -> __pycache__/test.cpython-312.pyc"]
    assert Observation(["python"], 0, "", "", TreeDiff({}, {}, {})).file_events("test.") == []


def test_file_changes_in_words_from_system_calls():
    log = ('1 unlink("/s/mod.pyc") = -1 ENOENT (No such file or directory)\n'
           '1 openat(AT_FDCWD, "/s/mod.py", O_RDONLY|O_CLOEXEC) = 3\n'
           '1 openat(AT_FDCWD, "/s/mod.pyc.77", O_WRONLY|O_CREAT|O_EXCL, 0644) = 3\n'
           '1 rename("/s/mod.pyc.77", "/s/mod.pyc") = 0\n'
           '1 unlink("/s/other.pyc") = 0\n')
    calls = parse_strace(log, lambda p: p[len("/s/"):] if p.startswith("/s/") else None)
    assert file_changes(calls, lambda path: path if path.startswith("mod.") else None) == [
        "unlink mod.pyc (ENOENT)", "open mod.pyc.77 for writing, O_CREAT|O_EXCL", "rename mod.pyc.77 to mod.pyc"]
    assert file_changes(calls)[-1] == "unlink other.pyc"


def test_an_expectation_computed_from_a_failed_scenario_drifts(book):
    breaks = scenario_that_breaks_on_the_newest(book)
    shown = book.claim("expects-from-a-broken-scenario", "An expectation that reads a broken scenario.",
                       observe=lambda py: 0, expect=lambda py: breaks[py].returncode)
    verdicts = {r.interpreter.key: r.verdict for r in shown.check.results}
    assert verdicts.pop(book.newest.key) == "drifts" and set(verdicts.values()) <= {"holds"}


def test_a_command_ending_with_a_redirect_reads_stdin_from_the_file(book):
    py = book.newest
    with Box(example="scripts-and-imports") as box:
        box.write("say.py", "print('said=hello')\n")
        run = box.run(py, "python - < say.py")
        assert run.said == {"said": "hello"}
        assert run.typed == "python%d - < say.py" % py.version_info[0]
        assert box.run(py, ["-c", "print('<')", "<", "x"]).output.strip() == "<"  # a list is taken as it is


def test_a_command_starting_with_assignments_sets_them_in_the_environment(book):
    py = book.newest
    with Box(example="scripts-and-imports") as box:
        run = box.run(py, "GREETING=hi EMPTY= python -c 'import os; print(\"said=\" + os.environ[\"GREETING\"])'")
        assert run.said == {"said": "hi"}
        assert run.typed.startswith("GREETING=hi EMPTY= python%d -c " % py.version_info[0])
        place = box.run(py, "WHERE=<work>/x python -c 'import os; print(os.environ[\"WHERE\"])'")
        assert place.output.strip() == "<work>/x" and place.typed.startswith("WHERE='<work>/x' ")


def test_the_output_line_by_line_in_order_with_work(book):
    py = book.newest
    with Box(example="scripts-and-imports") as box:
        run = box.run(py, "python -c 'import os; print(\"second\"); print(os.getcwd()); print(\"first\")'")
        assert run.lines == ["second", "<work>", "first"]


def test_the_last_traceback_with_its_frames_and_markers():
    stderr = ("# code object from '/tmp/pycache-lab-a1/work/__pycache__/mod.cpython-313.pyc'\n"
              "Traceback (most recent call last):\n"
              '  File "/tmp/pycache-lab-a1/work/call.py", line 3, in <module>\n'
              '    result = mod.total({"price": 2, "qty": 3})\n'
              '  File "/tmp/pycache-lab-a1/work/mod.py", line 2, in total\n'
              '    return order["price"] * order["qty"] + order["tax"]\n'
              '                                           ~~~~~^^^^^^^\n'
              "KeyError: 'tax'\n# cleanup[2] removing sys\n")
    found = exception_that_ended(stderr)
    assert str(found) == "KeyError: 'tax'"
    traceback = last_traceback(stderr)
    assert traceback.text.startswith("Traceback") and "<work>/mod.py" in traceback.text and "# " not in traceback.text
    assert traceback.frame("/mod.py").marked and not traceback.frame("/call.py").marked
    assert traceback.frame("/mod.py").line == 2 and traceback.frame("/other.py") is None
    assert last_traceback("all went well\n") is None


def test_a_sandbox_path_repeated_under_a_cache_prefix_keeps_the_prefix(monkeypatch):
    assert show_work("pfx/tmp/pycache-lab-a1/work/mod.cpython-313.pyc") == "pfx/<work>/mod.cpython-313.pyc"
    assert (show_work("/tmp/pycache-lab-a1/work/pfx/tmp/pycache-lab-a1/work/mod.cpython-313.pyc")
            == "<work>/pfx/<work>/mod.cpython-313.pyc")
    monkeypatch.setattr("tempfile.tempdir", "/private/tmp")  # a root that ends with another root is not a prefix
    assert show_work("cd /private/tmp/pycache-lab-a1/work/sub") == "cd <work>/sub"


def test_partners_another_minor_version_round_the_list_and_another_build_of_the_same_one():
    from pycache_lab.book import other_minor, same_minor
    from pycache_lab.interpreters import Interpreter

    def fake(version):
        info = tuple(int(part) for part in version.split("."))
        return Interpreter(path="/x/" + version, version=version, version_info=info, implementation="cpython",
                           cache_tag=None, magic="00", key=version)
    old, first, second, new = pythons = [fake(v) for v in ("2.7.18", "3.11.2", "3.11.7", "3.15.2")]
    assert [other_minor(pythons, py) for py in pythons] == [first, new, new, old]
    assert [same_minor(pythons, py) for py in pythons] == [None, second, first, None]
    assert other_minor([first, second], first) is None


def test_rows_of_a_scenario_that_returns_named_findings(book):
    @book.scenario(files=[])
    def found(box, py):
        if py is book.oldest and len(book.interpreters) > 1:
            raise RuntimeError("broken here")
        return {"version": py.version, "tag": py.cache_tag}

    rows = found.rows()
    assert list(rows) == ["version", "tag"]
    assert rows["version"][book.newest] == book.newest.version
    if len(book.interpreters) > 1:
        assert isinstance(rows["tag"].raw(book.oldest), Failed)
    assert "| version |" in book.matrix(rows).text
