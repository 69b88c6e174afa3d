"""`eksadvisor app`: the command line it runs, and bad input as one line with exit code 2 (the browser tests start the
app through the same command line, see tests/e2e/conftest.py)."""

from __future__ import annotations

from eksadvisor.cli import main
from eksadvisor.cli.app_cmd import command, main_script


def test_bad_port_is_one_line_and_exit_2(capsys):
    assert main(["app", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --port: 0 is not a TCP port (1-65535)."]


def test_command_runs_the_packaged_entry_script_with_the_packaged_settings():
    cmd = command(8600, headless=False)
    assert cmd[cmd.index("run") + 1] == str(main_script()) and main_script().is_file()
    flags = dict(zip(cmd[cmd.index("run") + 2::2], cmd[cmd.index("run") + 3::2], strict=True))
    assert flags["--server.port"] == "8600" and flags["--server.headless"] == "false"
    # the answers-file limit (1 MiB) and no error details in the browser come from app/streamlit.toml
    assert flags["--server.maxUploadSize"] == "1" and flags["--client.showErrorDetails"] == "none"
    assert flags["--browser.gatherUsageStats"] == "false"
