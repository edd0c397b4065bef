"""A real PostgreSQL streaming replica of the machine's server, for the tests of core.replica.

`start(primary_url)` makes a second cluster with `pg_basebackup -R` (a hot standby streaming
from the primary) in a temporary folder, starts it on a free port and returns its URL; `stop`
removes it. Used by scripts/test.py; alone: `python scripts/replica.py` starts one, prints its
URL, and stops it on Enter.

The primary must accept replication connections from 127.0.0.1: when its pg_hba.conf has no
`replication` line and this process may write it (root, as in CI), one trust line for
127.0.0.1 is added and the configuration reloaded (the same trust the file already gives every
database from 127.0.0.1). Run as root, the replica's processes run as the `postgres` user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
# A hot standby needs at least the primary's value of these settings.
COPIED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_locks_per_transaction",
    "max_prepared_transactions",
)


@dataclass
class Replica:
    folder: Path
    port: int
    bindir: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run_as_postgres(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run_as_postgres(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_as_postgres(), *args], capture_output=True, text=True, check=False)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _allow_replication(cur) -> None:
    cur.execute("SHOW hba_file")
    hba = Path(cur.fetchone()[0])
    try:
        text = hba.read_text()
    except OSError as exc:
        raise RuntimeError(f"cannot read {hba} to check replication access: {exc}") from exc
    if any(
        line.split()[:2] in (["host", "replication"], ["local", "replication"])
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ):
        return
    if not os.access(hba, os.W_OK):
        raise RuntimeError(f"{hba} allows no replication connection; add: {REPLICATION_LINE}")
    hba.write_text(
        text.rstrip("\n")
        + f"\n# JKN Portal test replica (scripts/replica.py)\n{REPLICATION_LINE}\n"
    )
    cur.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


def start(primary_url: str, timeout: float = 120) -> Replica:
    parts = urlsplit(primary_url)
    host, primary_port = parts.hostname or "127.0.0.1", parts.port or 5432
    conn = psycopg2.connect(
        host=host, port=primary_port, user=parts.username or "postgres", dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        major = int(cur.fetchone()[0]) // 10000
        settings = {}
        for name in COPIED_SETTINGS:
            cur.execute(f"SHOW {name}")  # names from the fixed list above
            settings[name] = cur.fetchone()[0]
        _allow_replication(cur)
    conn.close()
    bindir = Path(f"/usr/lib/postgresql/{major}/bin")
    if not (bindir / "pg_basebackup").exists():
        found = shutil.which("pg_basebackup")
        if not found:
            raise RuntimeError("pg_basebackup not found")
        bindir = Path(found).parent
    folder = Path(tempfile.mkdtemp(prefix="jkn-replica-"))
    replica = Replica(folder, _free_port(), bindir)
    try:
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)
        folder.chmod(0o700)
        backup = _run_as_postgres(
            [
                str(bindir / "pg_basebackup"),
                f"--dbname=host={host} port={primary_port} user=postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ]
        )
        if backup.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {backup.stderr.strip()}")
        conf = {
            **settings,
            "port": str(replica.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{folder}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "fsync": "off",
            "logging_collector": "off",
        }
        (replica.data / "postgresql.conf").write_text(
            "".join(f"{k} = {v}\n" for k, v in conf.items())
        )
        (replica.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        if os.geteuid() == 0:
            for name in ("postgresql.conf", "pg_hba.conf"):
                shutil.chown(replica.data / name, "postgres", "postgres")
        started = _run_as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(replica.data),
                "-l",
                str(folder / "replica.log"),
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ]
        )
        if started.returncode != 0:
            log = (
                (folder / "replica.log").read_text()[-2000:]
                if (folder / "replica.log").exists()
                else ""
            )
            raise RuntimeError(f"the replica did not start: {started.stdout}{started.stderr}{log}")
        deadline = time.monotonic() + timeout
        while True:
            try:
                check = psycopg2.connect(
                    host="127.0.0.1", port=replica.port, user="postgres", dbname="postgres"
                )
                with check.cursor() as cur:
                    cur.execute("SELECT pg_is_in_recovery(), status FROM pg_stat_wal_receiver")
                    row = cur.fetchone()
                check.close()
                if row and row[0] and row[1] == "streaming":
                    return replica
            except psycopg2.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the replica is not streaming from the primary")
            time.sleep(0.3)
    except BaseException:
        replica.stop()
        raise


if __name__ == "__main__":
    url = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    started_at = time.perf_counter()
    replica = start(url)
    seconds = time.perf_counter() - started_at
    print(f"replica streaming after {seconds:.1f} s: {replica.url(urlsplit(url).path.lstrip('/'))}")
    try:
        sys.stdin.readline()
    finally:
        replica.stop()
