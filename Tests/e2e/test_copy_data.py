"""Moving a company from SQLite to PostgreSQL with `chorus copy-data`, and seeding PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import requests

from support import CLI_TIMEOUT, HTTP_TIMEOUT, REPO_ROOT, ChorusServer, bearer, chorus_binary, free_port

# Seeded people: user1…userN, each with the bearer token bench-user-N.
READERS = (1, 2, 7, 13, 29)


def chorus(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")}
    return subprocess.run([str(chorus_binary()), *args], capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)


def homes(server: ChorusServer) -> dict[int, list[tuple[str, str, int]]]:
    """Each reader's first two home pages: id, text and favourites of every post."""
    pages: dict[int, list[tuple[str, str, int]]] = {}
    for n in READERS:
        seen: list[tuple[str, str, int]] = []
        params: dict[str, str] = {"limit": "40"}
        for _ in range(2):
            response = requests.get(server.url("/api/v1/timelines/home"), params=params, headers=bearer(f"bench-user-{n}"),
                                    timeout=HTTP_TIMEOUT)
            assert response.status_code == 200, response.text
            statuses = response.json()
            seen += [(s["id"], s["content"], s["favourites_count"]) for s in statuses]
            if not statuses:
                break
            params["max_id"] = statuses[-1]["id"]
        pages[n] = seen
    return pages


def serve_and_read(database: str, workdir: Path) -> dict[int, list[tuple[str, str, int]]]:
    server = ChorusServer(binary=chorus_binary(), database=database, port=free_port(), log_path=workdir / f"server-{uuid.uuid4().hex[:8]}.log")
    server.start()
    try:
        return homes(server)
    finally:
        server.stop()


def test_a_company_copied_to_postgres_reads_the_same_and_a_second_copy_is_refused(postgres_database: str, tmp_path: Path):
    source = tmp_path / "company.sqlite"
    seeded = chorus("seed", "--users", "60", "--posts", "1500", "--follows", "12", "--database", str(source))
    assert seeded.returncode == 0, seeded.stderr
    before = serve_and_read(str(source), tmp_path)
    assert all(before[n] for n in READERS), "every reader has a home to compare"

    copied = chorus("copy-data", "--from", str(source), "--to", postgres_database)
    assert copied.returncode == 0, copied.stderr
    assert "every count matches" in copied.stdout
    assert any(line.split() == ["statuses", "1500"] for line in copied.stdout.splitlines()), copied.stdout

    assert serve_and_read(postgres_database, tmp_path) == before

    again = chorus("copy-data", "--from", str(source), "--to", postgres_database)
    assert again.returncode == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "already holds data" in lines[0], again.stderr


def test_copy_data_says_what_is_wrong_with_its_arguments(postgres_database: str, tmp_path: Path):
    missing = chorus("copy-data", "--from", str(tmp_path / "none.sqlite"), "--to", postgres_database)
    assert missing.returncode == 1 and "There is no SQLite database" in missing.stderr
    backwards = chorus("copy-data", "--from", postgres_database, "--to", str(tmp_path / "x.sqlite"))
    assert backwards.returncode == 1 and "--from must be a SQLite file" in backwards.stderr
    assert list(tmp_path.iterdir()) == [], "no file is made"


def test_seed_fills_an_empty_postgres_database_once(postgres_database: str):
    seeded = chorus("seed", "--users", "30", "--posts", "200", "--follows", "5", "--database", postgres_database)
    assert seeded.returncode == 0, seeded.stderr
    assert "Seeded 30 people" in seeded.stdout
    listing = chorus("users", "list", "--database", postgres_database)
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.strip().splitlines()) == 30
    again = chorus("seed", "--users", "30", "--posts", "200", "--follows", "5", "--database", postgres_database)
    assert again.returncode == 1 and "already has people" in again.stderr
