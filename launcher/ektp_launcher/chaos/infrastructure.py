"""Infrastructure a run owns, so it may kill it or reconfigure it without touching the machine's: a RabbitMQ
node (the Debian ``rabbitmq-server`` with its own node name, ports, data folder and plugins), a PostgreSQL
cluster (``initdb``/``pg_ctl`` with its own data folder and port), and a TCP proxy between the services and
the broker that can cut the network path. The chaos run kills them; the real profile's tests run them with
TLS only (``Tls``: certificates from a throw-away CA made by trustme), so the clients' TLS settings are
exercised: ``amqps`` with the broker's certificate verified, PostgreSQL with ``sslmode=verify-full``."""
from __future__ import annotations

import dataclasses
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
TLS_HOST = "localhost"  # the name the clients connect to and verify; the certificates name it (and 127.0.0.1)


@dataclasses.dataclass(frozen=True)
class Tls:
    """A CA's certificate (what clients trust) and a server certificate and key it signed, as PEM files."""

    ca: Path
    certificate: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> "Tls":
        import trustme

        folder.mkdir(parents=True, exist_ok=True)
        authority = trustme.CA(organization_name="e-KTP test CA")
        server = authority.issue_cert(TLS_HOST, "127.0.0.1")
        tls = cls(folder / "ca.pem", folder / "server.pem", folder / "server.key")
        authority.cert_pem.write_to_path(str(tls.ca))
        server.cert_chain_pems[0].write_to_path(str(tls.certificate))
        server.private_key_pem.write_to_path(str(tls.key))
        return tls

    def copy_for(self, folder: Path) -> "Tls":
        """The files in ``folder`` (a server reads them as its own user; PostgreSQL wants its key private)."""
        folder.mkdir(parents=True, exist_ok=True)
        copied = Tls(folder / self.ca.name, folder / self.certificate.name, folder / self.key.name)
        for source, target in zip(dataclasses.astuple(self), dataclasses.astuple(copied)):
            shutil.copyfile(source, target)
        copied.key.chmod(0o600)
        return copied


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
    """A RabbitMQ node of our own: ``chaos<port>@localhost`` on a free port, no plugins, data under ``folder``.
    With ``tls`` it listens for AMQP over TLS only (``amqps``), with the certificate ``tls`` names."""

    def __init__(self, folder: Path, tls: Tls | None = None):
        self.folder = Path(folder)
        self.port = free_port()
        self.node = f"chaos{self.port}@localhost"
        self.process: subprocess.Popen | None = None
        self.tls = tls

    @property
    def url(self) -> str:
        if self.tls is not None:
            return f"amqps://chaos:chaos@{TLS_HOST}:{self.port}//"
        return f"amqp://chaos:chaos@127.0.0.1:{self.port}//"

    def _listeners(self) -> str:
        if self.tls is None:
            return f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
        tls = self.tls.copy_for(self.folder / "tls")
        return (f"listeners.tcp = none\nlisteners.ssl.1 = 127.0.0.1:{self.port}\n"
                f"ssl_options.cacertfile = {tls.ca}\nssl_options.certfile = {tls.certificate}\n"
                f"ssl_options.keyfile = {tls.key}\nssl_options.verify = verify_none\n"
                "ssl_options.fail_if_no_peer_cert = false\nssl_options.versions.1 = tlsv1.3\n"
                "ssl_options.versions.2 = tlsv1.2\n")

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
            (self.folder / "rabbitmq.conf").write_text(self._listeners())
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
    """A PostgreSQL cluster of our own: ``initdb`` in ``folder``, ``pg_ctl`` on a free port, trust auth. With
    ``tls`` it accepts TLS connections only (``hostssl``), and its URLs ask ``sslmode=verify-full``."""

    def __init__(self, folder: Path, tls: Tls | None = None):
        self.folder = Path(folder)
        self.tls = tls
        self.port = free_port()
        versions = sorted(POSTGRES_BIN.iterdir(), key=lambda p: int(p.name)) if POSTGRES_BIN.exists() else []
        self.bin = (versions[-1] / "bin") if versions else Path(shutil.which("pg_ctl") or "pg_ctl").parent

    @property
    def url(self) -> str:
        host = TLS_HOST if self.tls is not None else "127.0.0.1"
        return f"postgresql+psycopg://postgres@{host}:{self.port}"

    def database_url(self, name: str) -> str:
        if self.tls is None:
            return f"{self.url}/{name}"
        return f"{self.url}/{name}?sslmode=verify-full&sslrootcert={self.tls.ca}"

    def _require_tls(self) -> str:
        """The server's TLS options; pg_hba answers only TLS connections (a client in clear is refused)."""
        tls = self.tls.copy_for(self.folder / "tls")
        (self.folder / "data" / "pg_hba.conf").write_text(
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n")
        _own(self.folder, "postgres")
        return f" -c ssl=on -c ssl_cert_file={tls.certificate} -c ssl_key_file={tls.key} -c ssl_ca_file={tls.ca}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run([*_as("postgres"), str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self, first: bool = False) -> None:
        if first:
            self.folder.mkdir(parents=True, exist_ok=True)
            _own(self.folder, "postgres")
            subprocess.run([*_as("postgres"), str(self.bin / "initdb"), "-D", str(self.folder / "data"), "--auth=trust",
                            "-U", "postgres"], check=True, stdout=subprocess.DEVNULL)
        tls = self._require_tls() if self.tls is not None else ""
        self._pg_ctl("start", "-w", "-l", str(self.folder / "postgres.log"), "-o",
                     f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=300 -c fsync=off"
                     + tls)
        wait_for_port(self.port, timeout=60)

    def crash(self) -> None:
        """Stop at once, as a crash or a failover does: open connections break, nothing is flushed politely."""
        self._pg_ctl("stop", "-m", "immediate", "-w")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w")

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.database_url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.database_url(name)


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
