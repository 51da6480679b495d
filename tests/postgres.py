"""A private PostgreSQL server for the test session, and a fresh database for each test.

``initdb`` and ``pg_ctl`` put a throwaway cluster in a temporary folder, listening on a free
loopback port only; it stops and is deleted when the session ends. PostgreSQL refuses to run
as root, so under root the server runs as the ``postgres`` user (``nobody`` without one).
Each test gets a database copied from a template migrated once: ``CREATE DATABASE … TEMPLATE``
copies files, far faster than running the migrations again.

``RIGHTS_DIGEST_TEST_POSTGRES`` may name a server of your own instead (a superuser's URL, e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``): its databases are made the same way.
"""

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from news.store.db import upgrade_database

SERVER_ENV = "RIGHTS_DIGEST_TEST_POSTGRES"
# Durability buys nothing in a throwaway cluster; without it a test's database costs less.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
}


def find_bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: Debian's newest version, else on the PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Server:
    """A PostgreSQL server the tests may create and drop databases on, as a superuser."""

    def __init__(self, admin_url: URL, psql: str) -> None:
        self.admin_url = admin_url
        self._psql = psql
        # Named per session: two sessions may share a server of one's own.
        self.template = f"rd_template_{os.getpid()}"
        self._names = (f"rd_{os.getpid()}_{n}" for n in itertools.count())

    def url(self, database: str) -> str:
        """The async driver's URL of one database on this server."""
        url = self.admin_url.set(drivername="postgresql+asyncpg", database=database)
        return url.render_as_string(hide_password=False)

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE)."""
        url = self.admin_url
        env = {**os.environ, "PGPASSWORD": url.password or "", "PGCONNECT_TIMEOUT": "10"}
        command = [self._psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host or "127.0.0.1"]
        command += ["-p", str(url.port or 5432), "-U", url.username or "postgres"]
        command += ["-d", url.database or "postgres", "-c", statement]
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    def make_template(self) -> None:
        """The database each test's is copied from, migrated to the newest revision."""
        self.sql(f"DROP DATABASE IF EXISTS {self.template}")
        self.sql(f"CREATE DATABASE {self.template} TEMPLATE template0 ENCODING 'UTF8'")
        upgrade_database(self.url(self.template))

    def new_database(self, *, migrated: bool = True) -> str:
        """A database of its own for one test: migrated (a copy of the template) or empty."""
        name = next(self._names)
        source = self.template if migrated else "template0"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {source} ENCODING 'UTF8'")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a test's database, ending any connection a test left open."""
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Cluster:
    """``initdb`` + ``pg_ctl`` in a temporary folder, on a free loopback port."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self._user = _server_user()
        # Another user's server must reach its folder: /tmp, not a TMPDIR private to root.
        where = None if self._user is None else "/tmp"
        self.root = Path(tempfile.mkdtemp(prefix="rights-digest-pg-", dir=where))
        self.data = self.root / "data"
        self.port = 0
        if self._user is not None:  # the server's user must own its folder
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def start(self) -> Server:
        """Create the cluster and start it; a taken port is retried on another."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust")
        self._configure()
        for attempt in range(3):
            self.port = _free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w")
                break
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise RuntimeError(self._log_tail()) from None
        atexit.register(self.stop)
        admin = URL.create("postgresql", username="postgres", host="127.0.0.1", port=self.port)
        return Server(admin.set(database="postgres"), str(self.bindir / "psql"))

    def _configure(self) -> None:
        options = {**SETTINGS, "listen_addresses": "'127.0.0.1'"}
        options["unix_socket_directories"] = f"'{self.root}'"  # not /run/postgresql: root's
        lines = [f"{key} = {value}" for key, value in options.items()]
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n".join(lines) + "\n")

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and delete its folder."""
        if self.data.exists():
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        if program == "pg_ctl":  # the port is chosen per start
            args = (*args, "-o", f"-p {self.port}", "start")
        self._command(program, *args)

    def _command(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120, cwd=self.root)

    def _log_tail(self) -> str:
        log = self.root / "log"
        text = log.read_text(errors="replace") if log.exists() else "(no log)"
        return "PostgreSQL did not start:\n" + text[-2000:]


def _server_user() -> str | None:
    """Who runs the server: ourselves, unless we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and no postgres or nobody user to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server() -> tuple[Server, Cluster | None]:
    """The server the session uses: the one ``RIGHTS_DIGEST_TEST_POSTGRES`` names, else a
    private cluster (None when the PostgreSQL programs are not installed)."""
    given = os.environ.get(SERVER_ENV)
    bindir = find_bindir()
    psql = shutil.which("psql") or (str(bindir / "psql") if bindir else None)
    if given:
        if psql is None:
            raise RuntimeError(f"{SERVER_ENV} is set but psql is not installed")
        server = Server(make_url(given), psql)
        server.make_template()
        return server, None
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed (no initdb): apt-get install -y postgresql, "
            f"or set {SERVER_ENV} to a server's superuser URL"
        )
    cluster = Cluster(bindir)
    server = cluster.start()
    server.make_template()
    return server, cluster
