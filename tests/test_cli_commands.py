"""The `protectpress` command line: every command is listed and reachable, a command loads only its own
module (the sending stack is not imported to build a site), and its `--help` loads none of what it does."""

from __future__ import annotations

import subprocess
import sys

from protectpress.cli import COMMANDS
from support import REPO, copy_project, run_protectpress


def test_help_lists_every_command_and_a_typo_names_them_all(tmp_path):
    listed = run_protectpress("--help", cwd=tmp_path)
    assert listed.returncode == 0
    for command in COMMANDS:
        assert f"    {command} " in listed.stdout or f"    {command}\n" in listed.stdout, command
    typo = run_protectpress("biuld", cwd=tmp_path)
    assert typo.returncode == 2 and "invalid choice: 'biuld'" in typo.stderr and "'unsuppress'" in typo.stderr


def test_each_command_answers_its_own_help(tmp_path):
    for command in COMMANDS:
        done = run_protectpress(command, "--help", cwd=tmp_path)
        assert done.returncode == 0 and f"usage: protectpress {command}" in done.stdout, (command, done.stderr)


def test_building_does_not_load_the_sending_commands():
    script = ("import sys; from protectpress.cli import parser; parser(['build', '-q']).parse_args(['build', '-q']); "
              "print(sorted(m for m in sys.modules if m.startswith('protectpress.cli.')))")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = done.stdout
    assert "protectpress.cli.build" in loaded
    assert "protectpress.cli.sending" not in loaded and "protectpress.cli.bounces" not in loaded


def test_a_build_loads_neither_the_sending_stack_nor_the_preview_server(tmp_path):
    # Each is start-up time every build paid for nothing (issue 29): the sender's name check lives with the
    # newsletters, and the preview server (with MkDocs' livereload and watchdog) is for `serve` alone.
    project = copy_project(REPO, tmp_path / "project")
    script = ("import sys; from protectpress.cli import main; code = main(['build', '-q', '-d', 'built']); "
              "print(code); print('\\n'.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True)
    code, *loaded = done.stdout.splitlines()
    assert code == "0", done.stderr
    assert (project / "built" / "index.html").is_file()
    assert "protectpress.core.newsletter.sender" in loaded  # the check still ran
    unwanted = ("protectpress.core.sending", "protectpress.mkdocs_plugins.preview_server", "mkdocs.livereload",
                "watchdog")
    assert not [name for name in loaded if name.startswith(unwanted)]



def test_a_command_line_mistake_is_answered_before_the_core_loads():
    # `--help` and a mistyped option are answered from the command line's own module: what a command does (MkDocs,
    # Markdown, the templates, the content model, the site and newsletter layers) is imported only when it runs.
    script = ("import sys\nfrom protectpress.cli import parser\n"
              "for command in ('build', 'check', 'serve', 'send', 'sends', 'suppress', 'unsuppress', 'forget', "
              "'bounces'):\n"
              "    try:\n        parser([command, '--no-such-option']).parse_args([command, '--no-such-option'])\n"
              "    except SystemExit as stop:\n        assert stop.code == 2, stop.code\n"
              "print('\\n'.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert "usage: protectpress bounces" in done.stderr  # every command above was reached
    heavy = ("mkdocs", "material", "markdown", "jinja2", "yaml", "protectpress.mkdocs_plugins",
             "protectpress.core.content", "protectpress.core.site", "protectpress.core.newsletter",
             "protectpress.core.project", "protectpress.core.checks")
    loaded = [name for name in done.stdout.splitlines() if name.startswith(heavy)]
    assert not loaded, loaded
