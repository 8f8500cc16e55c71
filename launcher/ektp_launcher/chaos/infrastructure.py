"""Infrastructure the chaos run owns, so it may kill it without touching the machine's: a RabbitMQ node
(the Debian ``rabbitmq-server`` with its own node name, ports, data folder and plugins), a PostgreSQL
cluster (``initdb``/``pg_ctl`` with its own data folder and port), and a TCP proxy between the services and
the broker that can cut the network path."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from ektp_shared.testing.ports import free_port, wait_for_port

POSTGRES_BIN = Path("/usr/lib/postgresql")


def _as(user: str) -> list[str]:
    """Run as ``user`` when we are root (initdb and postgres refuse root; rabbitmq-server switches itself)."""
    return ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []


def _own(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        for folder, _, files in os.walk(path):
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            for name in files:
                os.chown(os.path.join(folder, name), entry.pw_uid, entry.pw_gid)


class RabbitNode:
    """A RabbitMQ node of our own: ``chaos<port>@localhost`` on a free port, no plugins, data under ``folder``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        self.node = f"chaos{self.port}@localhost"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"amqp://chaos:chaos@127.0.0.1:{self.port}//"

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["rabbitmqctl", "-n", self.node, *args], check=check, capture_output=True, text=True)

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(free_port()),
                "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"), "RABBITMQ_LOG_BASE": str(self.folder / "log"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
                "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
                "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"), "RABBITMQ_PID_FILE": str(self.folder / "pid"),
                "ERL_FLAGS": "-kernel inet_dist_use_interface {127,0,0,1}"}

    def start(self, first: bool = False, timeout: float = 90) -> None:
        if first:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "enabled_plugins").write_text("[].\n")  # no management listener to collide with
            (self.folder / "rabbitmq-env.conf").write_text("ERL_EPMD_ADDRESS=127.0.0.1\n")
            (self.folder / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\n")
            _own(self.folder, "rabbitmq")
        self.process = subprocess.Popen(["rabbitmq-server"], env=self._environment(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self.ctl("await_startup", "--timeout", "5", check=False).returncode != 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise TimeoutError(f"RabbitMQ node {self.node} did not start; see {self.folder}/log")
            time.sleep(1)
        wait_for_port(self.port, timeout=30)
        if first:
            self.ctl("add_user", "chaos", "chaos")
            self.ctl("set_user_tags", "chaos", "administrator")
            self.ctl("set_permissions", "-p", "/", "chaos", ".*", ".*", ".*")

    def stop(self) -> None:
        self.ctl("stop", check=False)
        if self.process is not None:
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
            self.process = None


class PostgresCluster:
    """A PostgreSQL cluster of our own: ``initdb`` in ``folder``, ``pg_ctl`` on a free port, trust auth."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        versions = sorted(POSTGRES_BIN.iterdir(), key=lambda p: int(p.name)) if POSTGRES_BIN.exists() else []
        self.bin = (versions[-1] / "bin") if versions else Path(shutil.which("pg_ctl") or "pg_ctl").parent

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run([*_as("postgres"), str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self, first: bool = False) -> None:
        if first:
            self.folder.mkdir(parents=True, exist_ok=True)
            _own(self.folder, "postgres")
            subprocess.run([*_as("postgres"), str(self.bin / "initdb"), "-D", str(self.folder / "data"), "--auth=trust",
                            "-U", "postgres"], check=True, stdout=subprocess.DEVNULL)
        self._pg_ctl("start", "-w", "-l", str(self.folder / "postgres.log"), "-o",
                     f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=300 -c fsync=off")
        wait_for_port(self.port, timeout=60)

    def crash(self) -> None:
        """Stop at once, as a crash or a failover does: open connections break, nothing is flushed politely."""
        self._pg_ctl("stop", "-m", "immediate", "-w")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w")

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        admin = create_engine(f"{self.url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"{self.url}/{name}"


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to a target, two threads per connection (a slow reader stalls only its own
    connection). ``cut()`` is the network path failing: every open connection is dropped and new ones are
    refused until ``restore()``."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> "TcpProxy":
        threading.Thread(target=self._accept, name="chaos-proxy", daemon=True).start()
        return self

    def cut(self) -> None:
        self._cut.set()
        self._close_all()

    def restore(self) -> None:
        self._cut.clear()

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._close_all()

    def _close_all(self) -> None:
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._cut.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        with self._lock:
            for sock in (source, target):
                if sock in self._open:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    sock.close()
                    self._open.discard(sock)
