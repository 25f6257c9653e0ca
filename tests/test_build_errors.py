"""A failed build says where: a user's problem with its place, our own bug
with its full traceback and the line that says it is a bug.

A failing plugin is injected through the settings (PLUGINS / PLUGIN_PATHS),
in-process: the real build, without the PDF."""
from __future__ import annotations

import logging
import textwrap

import pytest
from pelican import signals

import build
from build_errors import MSG_BUG, BuildError, ErrorCollector, describe_exception, format_errors

FAILING_PLUGIN = textwrap.dedent('''
    from pelican import signals

    def fail_after_reading(generators):
        settings = {}
        return settings["no_such_key"]

    def fail_on_a_page(page):
        raise ValueError("a bug in a page hook")

    def register():
        signals.{signal}.connect({receiver})
''')
RECEIVERS = {"all_generators_finalized": "fail_after_reading", "content_object_init": "fail_on_a_page"}


@pytest.fixture(params=sorted(RECEIVERS))
def failing_plugin(request, tmp_path):
    """A plugin whose hook raises: escaping Pelican.run() (all_generators_finalized)
    or caught and logged by Pelican without a traceback (content_object_init)."""
    signal, receiver = request.param, RECEIVERS[request.param]
    name = f"failing_{signal}"
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / f"{name}.py").write_text(FAILING_PLUGIN.replace("{signal}", signal).replace("{receiver}", receiver),
                                       encoding="utf-8")
    settings = build.load_settings()
    overrides = {"PLUGINS": [p for p in settings["PLUGINS"] if p != "report_pdf"] + [name],
                 "PLUGIN_PATHS": [*settings["PLUGIN_PATHS"], str(folder)]}
    yield overrides, receiver
    import sys

    module = sys.modules.pop(name, None)
    if module is not None:  # blinker would keep calling it in later in-process builds
        getattr(signals, signal).disconnect(getattr(module, receiver))


def test_a_bug_in_a_plugin_prints_its_traceback_and_says_it_is_a_bug(failing_plugin, tmp_path, capsys):
    overrides, receiver = failing_plugin
    output = tmp_path / "output"
    assert build.build(output, overrides) == 1
    stderr = capsys.readouterr().err
    assert "Traceback (most recent call last):" in stderr
    assert f"in {receiver}" in stderr and "failing_" in stderr  # the frame of the bug itself
    assert "KeyError: 'no_such_key'" in stderr or "ValueError: a bug in a page hook" in stderr
    assert stderr.rstrip("\n").splitlines()[-1] == MSG_BUG
    assert not output.exists()


def test_a_logged_error_without_an_exception_is_a_message_not_a_bug():
    collector = ErrorCollector()
    logger = logging.getLogger("test_build_errors")
    logger.addHandler(collector)
    try:
        logger.error("content/report.md:3:1: front matter is not valid YAML")
    finally:
        logger.removeHandler(collector)
    assert collector.errors == [BuildError("content/report.md:3:1: front matter is not valid YAML")]
    assert MSG_BUG not in format_errors(collector.errors)


def test_a_file_error_is_located_by_its_path_not_called_a_bug(tmp_path):
    missing = tmp_path / "nowhere.yml"
    try:
        missing.read_text()
    except OSError as error:
        described = describe_exception(error)
    assert described == BuildError(f"{missing}: No such file or directory")


def test_an_uncaught_bug_outside_pelican_also_prints_the_bug_line(monkeypatch, capsys):
    def broken_check(overrides=None):
        return {}["no_such_key"]

    monkeypatch.setattr(build, "check", broken_check)
    assert build.main(["check"]) == 1
    stderr = capsys.readouterr().err
    assert "in broken_check" in stderr and "KeyError: 'no_such_key'" in stderr
    assert stderr.rstrip("\n").splitlines()[-1] == MSG_BUG
