"""Fixtures: a seeded and trained warehouse in a temporary folder, and a real `mxn serve` over it."""

import os
import re
import subprocess

import pytest

MXN = os.environ["MXNTEST_BINARY"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with no config file, where the engine and the CLI keep their warehouse and models."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MXN_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("MXN_MODELS_STORE_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MXN_LOG_LEVEL", "warn")
    return tmp_path


@pytest.fixture
def seeded(workdir):
    """`mxn seed` data (small), movies trained."""
    subprocess.run([MXN, "seed", "--users", "60", "--items", "80", "--interactions", "6000"], check=True,
                   capture_output=True)
    subprocess.run([MXN, "train", "--domain", "movies"], check=True, capture_output=True)
    return workdir


class Served:
    def __init__(self, process, port):
        self.process, self.port = process, port
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture
def server(seeded, monkeypatch):
    """`mxn serve` on a free loopback port over the seeded warehouse."""
    env = dict(os.environ, MXN_API_PORT="0", MXN_API_HOST="127.0.0.1")
    process = subprocess.Popen([MXN, "serve", "--no-scheduler"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    match = re.search(r":(\d+)\s*$", line)
    assert match, f"no port in {line!r}"
    yield Served(process, int(match.group(1)))
    process.terminate()
    process.wait(timeout=30)
