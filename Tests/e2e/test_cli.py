"""The `chorus` command line: exit codes 0 / 1 with a one-line reason / 64 for usage."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from support import CLI_TIMEOUT, REPO_ROOT, ChorusServer, chorus_binary, free_port

# MARK: Helpers


def run(*args: str, database: Path) -> subprocess.CompletedProcess:
    command = [str(chorus_binary()), *args]
    if args and args[0] in ("users", "migrate") and "--help" not in args:
        command += ["--database", str(database)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")}
    return subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)


# MARK: Tests


def test_users_lifecycle_and_exit_codes(tmp_path: Path):
    db = tmp_path / "cli.sqlite"
    assert run("migrate", database=db).returncode == 0

    created = run("users", "create", "lihua", "--password", "long enough 1", "--display-name", "李华", "--role", "editor", database=db)
    assert created.returncode == 0, created.stderr
    assert "@lihua" in created.stdout

    taken = run("users", "create", "lihua", "--password", "long enough 1", database=db)
    assert taken.returncode == 1
    assert taken.stderr.strip().count("\n") == 0 and "taken" in taken.stderr

    invalid = run("users", "create", "李华", "--password", "long enough 1", database=db)
    assert invalid.returncode == 1 and "Username" in invalid.stderr

    assert run("users", "set-role", "lihua", "admin", database=db).returncode == 0
    listing = run("users", "list", database=db)
    assert "lihua\tadmin\tactive\t李华" in listing.stdout

    assert run("users", "deactivate", "lihua", database=db).returncode == 0
    assert "lihua\tadmin\tdeactivated" in run("users", "list", database=db).stdout

    missing = run("users", "deactivate", "nobody", database=db)
    assert missing.returncode == 1 and "nobody" in missing.stderr


def test_usage_errors_exit_64(tmp_path: Path):
    db = tmp_path / "cli.sqlite"
    assert run("users", "frobnicate", database=db).returncode == 64
    assert run("users", "set-role", "lihua", "boss", database=db).returncode == 64
    assert run("serve", "--port", "not-a-port", database=db).returncode == 64


def test_environment_variables_configure_the_database(tmp_path: Path):
    db = tmp_path / "env.sqlite"
    env = {**os.environ, "CHORUS_DATABASE": str(db)}
    result = subprocess.run([str(chorus_binary()), "users", "create", "envuser", "--password", "long enough 1"],
                            capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def one_line_failure(command: list[str], url: str, cwd: Path, **environment: str) -> str:
    """Runs `chorus COMMAND --database URL`, expects exit 1 and one line on stderr, and returns it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")} | environment
    result = subprocess.run([str(chorus_binary()), *command, "--database", url], capture_output=True, text=True,
                            timeout=CLI_TIMEOUT, env=env, cwd=cwd)
    assert result.returncode == 1, (command, url, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "secret" not in lines[0], (command, url, result.stderr)
    return lines[0]


def test_a_database_url_that_cannot_be_used_is_one_line_and_exit_1(tmp_path: Path):
    for url, words in [("postgres://chorus@db.internal/chorus?sslmode=maybe", "sslmode"),
                       ("postgres://db.internal/chorus", "no user"),
                       ("mysql://chorus@db/chorus", "scheme")]:
        for command in (["migrate"], ["serve", "--port", "0"], ["users", "list"]):
            assert words in one_line_failure(command, url, tmp_path), (command, url)
    refused = "postgres://chorus:secret@127.0.0.1:1/chorus"
    for command in (["migrate"], ["serve", "--port", "0"], ["users", "list"]):
        assert "connection refused" in one_line_failure(command, refused, tmp_path), command
    assert list(tmp_path.iterdir()) == [], "no file is made for a URL"


def test_migrate_on_postgres_applies_its_schema_once_even_when_two_nodes_start_together(postgres_database: str, tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")}
    command = [str(chorus_binary()), "migrate", "--database", postgres_database]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
            for _ in range(2)]
    for process in both:
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode == 0, err
        assert out.strip() == "Migrated: 0001_schema", out
    applied = subprocess.run(["psql", postgres_database, "-tA", "-c", "SELECT count(*) FROM chorus_migrations"],
                             capture_output=True, text=True, check=True, timeout=CLI_TIMEOUT)
    assert applied.stdout.strip() == "1"
    assert list(tmp_path.iterdir()) == []


def test_a_postgres_server_that_refuses_says_why_in_one_line(postgres_server: str, tmp_path: Path):
    base = postgres_server.rsplit("/", 1)[0]
    assert "does not exist" in one_line_failure(["migrate"], base + "/no_such_database", tmp_path)
    stranger = base.replace("postgres://chorus@", "postgres://stranger:secret@") + "/chorus"
    assert "refused the user name or password" in one_line_failure(["migrate"], stranger, tmp_path)


def test_node_numbers_out_of_range_or_held_are_refused_in_one_line(postgres_database: str, tmp_path: Path):
    assert "between 0 and 63" in one_line_failure(["migrate", "--node-id", "64"], postgres_database, tmp_path)
    assert "must be a number" in one_line_failure(["migrate"], postgres_database, tmp_path, CHORUS_NODE_ID="seven")
    # A running server holds node 5; a second process asking for it is told who has it.
    server = ChorusServer(binary=chorus_binary(), database=postgres_database, port=free_port(), log_path=tmp_path / "server.log",
                          env={"CHORUS_NODE_ID": "5"})
    server.start()
    try:
        assert "Node number 5 is held by" in one_line_failure(["users", "list", "--node-id", "5"], postgres_database, tmp_path)
        listing = subprocess.run([str(chorus_binary()), "users", "list", "--database", postgres_database], capture_output=True,
                                 text=True, timeout=CLI_TIMEOUT, cwd=tmp_path)
        assert listing.returncode == 0, "another process takes a free number: " + listing.stderr
    finally:
        server.stop()

