"""The deployment kept in the repository works: the Procfile's processes start and the forum
is ready behind them, and the systemd units run the same commands."""

import json
import os
import re
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.mail_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _ready(base: str) -> dict:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as answer:  # noqa: S310
            return json.load(answer)
    except urllib.error.HTTPError as error:
        return json.load(error)


@pytest.fixture
def procfile_processes(app, database_url, tmp_path):
    port = free_port()
    bin_dir = str(Path(os.sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "deployment",
        "FORUM_DEVELOPMENT": "1",
        "FORUM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
    }
    processes = [
        subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in _procfile().values()
    ]  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_procfile_starts_a_forum_that_is_ready(procfile_processes):
    deadline = time.monotonic() + 90
    found = {}
    while time.monotonic() < deadline:
        try:
            found = _ready(procfile_processes)
        except OSError:  # not listening yet
            found = {}
        if found.get("status") == "ready":
            break
        time.sleep(0.5)
    assert found.get("status") == "ready", found  # the web answers, and the worker beat


@pytest.mark.parametrize("name", ["web", "worker"])
def test_the_systemd_units_run_the_procfiles_commands(name):
    unit = (ROOT / "deploy" / "systemd" / f"forum-{name}.service").read_text()
    start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    command = shlex.split(start)
    command[0] = Path(command[0]).name
    expected = shlex.split(
        _procfile()[name].replace("${WEB_CONCURRENCY:-4}", "4")
        .replace("${HOST:-127.0.0.1}:${PORT:-8000}", "127.0.0.1:8000")
    )  # fmt: skip
    assert command == expected
    assert "EnvironmentFile=/etc/forum/forum.env" in unit
