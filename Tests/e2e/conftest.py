"""Fixtures that run the real `chorus` binary for the end-to-end tests.

One server is started per test session on a free port of 127.0.0.1, with a
fresh database and the people of `support.PEOPLE` created through the CLI.
Tests share it, so each test posts its own distinct text and never relies on
an empty timeline.

The database is a SQLite file, or with `CHORUS_E2E_BACKEND=postgres` a new
database of a private PostgreSQL cluster the session starts (`make test` runs
the suite both ways).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from support import HOST, PEOPLE, REPO_ROOT, ChorusServer, chorus_binary, free_port

# MARK: Helpers


BACKEND = os.environ.get("CHORUS_E2E_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"CHORUS_E2E_BACKEND must be sqlite or postgres, not {BACKEND!r}")


def create_database(postgres_server: str, name: str) -> str:
    """Creates (anew) the database `name` on the private cluster; its URL."""
    subprocess.run(["psql", postgres_server, "-q", "-v", "ON_ERROR_STOP=1", "-c", f'DROP DATABASE IF EXISTS "{name}"',
                    "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True, timeout=60)
    return postgres_server.rsplit("/", 1)[0] + "/" + name


def launch(workdir: Path, request: pytest.FixtureRequest) -> ChorusServer:
    """Creates the people of PEOPLE in a new database (under `workdir` on
    SQLite), then starts a server."""
    binary = chorus_binary()
    if not binary.is_file():
        pytest.fail(f"chorus binary not found at {binary}: run `swift build --product chorus` or set CHORUS_BINARY")
    if BACKEND == "postgres":
        database = create_database(request.getfixturevalue("postgres_server"), "e2e_" + uuid.uuid4().hex[:12])
    else:
        database = str(workdir / "chorus.sqlite")
    server = ChorusServer(binary=binary, database=database, port=free_port(), log_path=workdir / "server.log")
    for person in PEOPLE.values():
        server.create_user(person)
    server.start()
    return server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attaches the end of the server log to the report of a failed test."""
    outcome = yield
    report = outcome.get_result()
    funcargs = getattr(item, "funcargs", {})
    server = funcargs.get("private_chorus") or funcargs.get("chorus")
    if report.failed and isinstance(server, ChorusServer):
        report.sections.append(("chorus server log (last 4000 characters)", server.log()[-4000:]))


# MARK: Fixtures


@pytest.fixture(scope="session", autouse=True)
def no_proxies() -> Iterator[None]:
    """Keeps proxies from the environment out: every request goes straight to 127.0.0.1."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, HOST)
        yield


@pytest.fixture(scope="session")
def chorus(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[ChorusServer]:
    """The shared Chorus server; stopped at the end of the session."""
    server = launch(tmp_path_factory.mktemp("chorus"), request)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_chorus(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ChorusServer]:
    """A server of its own, for a test that stops or breaks it."""
    server = launch(tmp_path, request)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(chorus: ChorusServer) -> str:
    return chorus.base_url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A private PostgreSQL cluster on 127.0.0.1 (never the system's), its URL; stopped at the end."""
    # Under the system's temporary folder, searchable by the unprivileged user
    # the server runs as when the tests run as root (pytest's folders are private).
    parent = Path(tempfile.mkdtemp(prefix="chorus-pg-"))
    parent.chmod(0o755)
    folder = parent / "cluster"
    script = REPO_ROOT / "scripts" / "pg-cluster.sh"
    started = subprocess.run([str(script), "start", str(folder)], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        pytest.fail(f"the private PostgreSQL cluster did not start: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(script), "stop", str(folder)], capture_output=True, timeout=60)
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty database of the private cluster."""
    return create_database(postgres_server, "e2e_" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40])
