"""The real components of the fault suite, each a process of its own that the suite can stop and bring back:
a Redis server (nothing on disk, like a default install), a PostgreSQL cluster in a temporary folder, the embedded
SeaweedFS, and `sohoa worker` processes. Nothing here touches the machine's own services."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.archive import EmbeddedSeaweedFS, StorageSettings
from sohoa.archive.errors import EmbeddedServerError


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


class RedisServer:
    """``redis-server`` on a port of its own, keeping nothing on disk: a stop loses every queued job."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Where clients connect."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (empty)."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        """Kill it: what it held is gone."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


class PostgresCluster:
    """A PostgreSQL cluster initialised in ``folder`` and served on a port of its own (as the ``postgres`` user
    when run as root, as PostgreSQL requires)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.bin = _postgres_bin()

    @property
    def available(self) -> bool:
        """Whether PostgreSQL's server programs are installed."""
        return self.bin is not None

    @property
    def url(self) -> str:
        """SQLAlchemy URL of its ``postgres`` database."""
        return f"postgresql+psycopg://sohoa@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        """Create the cluster (trust authentication, on loopback only)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.folder.parent.chmod(0o711)  # the postgres user must be able to reach its folder
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "sohoa", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        """Stop it at once (open connections are cut)."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop", check=False)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        user = "postgres" if os.geteuid() == 0 else None
        done = subprocess.run([str(self.bin / program), *args], user=user, cwd=self.folder, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class Storage:
    """The embedded SeaweedFS, stopped and started again on the same port with the same data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port: int | None = None
        self._server: EmbeddedSeaweedFS | None = None
        self.settings: StorageSettings | None = None

    def start(self) -> StorageSettings:
        """Start it (its data kept from before)."""
        deadline = time.monotonic() + 60
        while True:  # the port of the stopped server may take a moment to be free again
            self._server = EmbeddedSeaweedFS(self.folder, s3_port=self.port)
            try:
                self.settings = self._server.start()
                break
            except EmbeddedServerError as error:
                if "in use" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.port = int(self.settings.endpoint.rsplit(":", 1)[1])
        return self.settings

    def stop(self) -> None:
        """Stop it: every request fails until it is back."""
        if self._server is not None:
            self._server.stop()
            self._server = None


def small_disk(folder: Path, megabytes: int) -> str | None:
    """Mount a tmpfs of ``megabytes`` on ``folder`` (a disk that can fill up); None when done, else why not."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "mounting a small disk needs root"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else f"mount refused: {done.stderr.strip() or done.returncode}"


def unmount(folder: Path) -> None:
    """Undo :func:`small_disk`."""
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until its disk is full; the file (remove it to free the disk)."""
    filler = folder / "filler"
    block = b"\0" * (1 << 20)
    with filler.open("wb") as out:
        try:
            while True:
                out.write(block)
                out.flush()
        except OSError:
            pass
    return filler


@dataclass
class Workers:
    """`sohoa worker` processes with the suite's environment; kept at ``count`` like a service manager would."""

    env: dict[str, str]
    logs: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    started: int = 0

    def start(self, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        """One more worker."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.started += 1
        log = (self.logs / f"worker-{self.started}.log").open("ab")
        command = [str(Path(sys.executable).with_name("sohoa")), "worker"]
        process = subprocess.Popen(command, env={**self.env, **(extra_env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def keep(self, count: int, extra_env: dict[str, str] | None = None) -> None:
        """Replace the dead ones so that ``count`` run."""
        self.processes = [p for p in self.processes if p.poll() is None]
        while len(self.processes) < count:
            self.start(extra_env)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL one worker process (its job is left behind)."""
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        """Stop every worker and what it started (its scheduler): SIGTERM first, so that RQ's warm shutdown gives up
        the scheduler's lock (a killed scheduler holds it for a minute), SIGKILL for what is left."""
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)
            process.wait()
        self.processes = []


def _signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:
        pass
