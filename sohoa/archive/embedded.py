"""An embedded SeaweedFS (``weed mini``) as the zero-configuration object store.

Layout under ``data_dir`` (created 0700)::

    weed/                 SeaweedFS data (-dir)
    logs/                 weed's own log files (-logdir, rotated) and weed.out (its stdout/stderr)
    s3-identities.json    generated S3 credentials, mode 0600, passed as -s3.config
    embedded.json         pid and ports of the running server (removed on stop)
    .embedded.lock        flock held while starting or stopping

Attached use (tests, one process): ``with EmbeddedSeaweedFS(dir) as server: server.settings``.
Detached use (CLI default): :func:`ensure_embedded_storage` starts a server that outlives the
process, or reuses the one already running for ``data_dir``; stop it with
``EmbeddedSeaweedFS.stop_detached(data_dir)``.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import urllib3
from minio import Minio
from minio.error import MinioException

from sohoa.archive import weed
from sohoa.archive.errors import EmbeddedServerError
from sohoa.archive.settings import StorageSettings

log = logging.getLogger(__name__)

_PORT_ATTEMPTS = 3


@dataclass(frozen=True)
class _Layout:
    """Paths under one data dir."""

    root: Path
    """The data dir itself."""

    @property
    def weed_dir(self) -> Path:
        return self.root / "weed"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def stdout_log(self) -> Path:
        return self.log_dir / "weed.out"

    @property
    def credentials(self) -> Path:
        return self.root / "s3-identities.json"

    @property
    def state(self) -> Path:
        return self.root / "embedded.json"

    @property
    def lock(self) -> Path:
        return self.root / ".embedded.lock"

    def create(self) -> None:
        for path in (self.root, self.weed_dir, self.log_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)


@contextmanager
def _locked(layout: _Layout) -> Iterator[None]:
    layout.create()
    fd = os.open(layout.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_state(layout: _Layout) -> dict | None:
    try:
        return json.loads(layout.state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _live_state(layout: _Layout) -> dict | None:
    """The state file's content if it describes a live weed serving this data dir."""
    state = _read_state(layout)
    if not state or not isinstance(state.get("pid"), int):
        return None
    if not weed.pid_runs_weed_for(state["pid"], layout.weed_dir):
        return None
    return state


def _write_state(layout: _Layout, pid: int, ports: weed.WeedPorts, detached: bool) -> None:
    state = {
        "pid": pid,
        "detached": detached,
        "ports": ports.to_json(),
        "weed_dir": str(layout.weed_dir),
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    tmp = layout.state.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    tmp.replace(layout.state)


def _settings_for(layout: _Layout, s3_port: int, bucket: str) -> StorageSettings:
    access, secret = weed.load_or_create_credentials(layout.credentials)
    return StorageSettings(endpoint=f"{weed.HOST}:{s3_port}", access_key=access, secret_key=secret, bucket=bucket)


def _spawn(command: list[str], log_path: Path, detached: bool) -> int:
    """Start weed with stdin from /dev/null and stdout+stderr appended to ``log_path``."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    env = weed.child_environment(dict(os.environ))
    try:
        return os.posix_spawn(command[0], command, env, file_actions=actions, setsid=detached)
    except OSError as exc:
        raise EmbeddedServerError(f"cannot start {command[0]}: {exc}") from exc


def _wait_ready(pid: int, settings: StorageSettings, deadline: float) -> str | None:
    """None once an authenticated S3 call succeeds; else why not ('exited' or the last error)."""
    client = Minio(
        settings.endpoint, settings.access_key, settings.secret_key, secure=False, http_client=weed.probe_pool()
    )
    port = int(settings.endpoint.rsplit(":", 1)[1])
    last = "S3 port never answered"
    while time.monotonic() < deadline:
        if not weed.pid_alive(pid):
            return "exited"
        if weed.s3_answers(port):
            try:
                client.list_buckets()
                return None
            except (MinioException, urllib3.exceptions.HTTPError) as exc:
                last = f"S3 answers but rejects the generated credentials: {type(exc).__name__}: {exc}"
        time.sleep(0.05)
    return last


class EmbeddedSeaweedFS:
    """A ``weed mini`` subprocess serving S3 on loopback for ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        s3_port: int | None = None,
        *,
        weed_binary: Path | None = None,
        bucket: str = "sohoa",
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        """``s3_port`` None picks free ports (every other port is always picked free).
        ``bucket`` only goes into the returned settings; the store creates it."""
        self._layout = _Layout(Path(data_dir).resolve())
        self._s3_port = s3_port
        self._weed_binary = weed_binary
        self._bucket = bucket
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._pid: int | None = None
        self._ports: weed.WeedPorts | None = None
        self._settings: StorageSettings | None = None

    def __repr__(self) -> str:
        return f"EmbeddedSeaweedFS(data_dir={str(self._layout.root)!r}, pid={self._pid}, settings={self._settings!r})"

    @property
    def data_dir(self) -> Path:
        """The data dir (absolute)."""
        return self._layout.root

    @property
    def pid(self) -> int | None:
        """Pid of the weed process this object started, None when not running."""
        return self._pid

    @property
    def settings(self) -> StorageSettings:
        """Settings of the running server; EmbeddedServerError before :meth:`start`."""
        if self._settings is None:
            raise EmbeddedServerError(f"embedded SeaweedFS for {self._layout.root} is not started")
        return self._settings

    @property
    def log_file(self) -> Path:
        """weed's stdout/stderr (the glog files are next to it)."""
        return self._layout.stdout_log

    def start(self) -> StorageSettings:
        """Start weed attached to this process (stopped by :meth:`stop`, the context manager or at
        interpreter exit) and wait until S3 accepts the generated credentials."""
        if self._pid is not None:
            return self.settings
        with _locked(self._layout):
            running = _live_state(self._layout)
            if running:
                raise EmbeddedServerError(
                    f"{self._layout.root}: a SeaweedFS server already runs for this data dir (pid {running['pid']}, "
                    f"S3 port {running['ports']['s3']}); reuse it with ensure_embedded_storage() or stop it with "
                    "EmbeddedSeaweedFS.stop_detached()"
                )
            self._launch(detached=False)
        atexit.register(self.stop)
        return self.settings

    def _launch(self, detached: bool) -> None:
        """Spawn weed and wait for it; retries with new ports if an auto-picked port was taken.
        Caller holds the lock."""
        binary = weed.find_weed_binary(self._weed_binary)
        settings = None
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            wanted = self._s3_port or self._previous_s3_port()
            if self._s3_port and not weed.port_is_free(self._s3_port):
                raise EmbeddedServerError(f"{self._layout.root}: S3 port {weed.HOST}:{self._s3_port} is in use")
            ports = weed.pick_ports(wanted)
            settings = _settings_for(self._layout, ports.s3, self._bucket)
            command = weed.build_command(
                binary, self._layout.weed_dir, self._layout.log_dir, self._layout.credentials, ports
            )
            log_start = self._log_size()
            started = time.monotonic()
            pid = _spawn(command, self._layout.stdout_log, detached)
            problem = _wait_ready(pid, settings, started + self._startup_timeout)
            if problem is None:
                log.info(
                    "embedded SeaweedFS for %s ready at %s in %.2fs (pid %d)",
                    self._layout.root, settings.endpoint, time.monotonic() - started, pid,
                )
                self._pid, self._ports, self._settings = pid, ports, settings
                _write_state(self._layout, pid, ports, detached)
                return
            weed.terminate_pid(pid, self._stop_timeout)
            weed.remove_stale_sockets(ports)
            output = self._log_since(log_start)
            if weed.is_address_in_use(output) and not self._s3_port and attempt < _PORT_ATTEMPTS:
                log.warning("weed lost a port race (attempt %d); retrying with new ports", attempt)
                continue
            raise EmbeddedServerError(
                f"embedded SeaweedFS for {self._layout.root} did not become ready within "
                f"{self._startup_timeout:.0f}s ({problem}); tail of {self._layout.stdout_log}:\n"
                f"{output[-4000:] or weed.tail(self._layout.stdout_log)}"
            )

    def _previous_s3_port(self) -> int | None:
        """The S3 port of the last run, if free, so a restarted server keeps its endpoint."""
        state = _read_state(self._layout)
        try:
            port = int(state["ports"]["s3"]) if state else None
        except (KeyError, TypeError, ValueError):
            return None
        return port if port and weed.port_is_free(port) else None

    def _log_size(self) -> int:
        try:
            return self._layout.stdout_log.stat().st_size
        except OSError:
            return 0

    def _log_since(self, offset: int) -> str:
        try:
            with self._layout.stdout_log.open("rb") as fh:
                fh.seek(offset)
                return fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the weed process this object started (SIGTERM, then SIGKILL after ``stop_timeout``)."""
        pid, ports = self._pid, self._ports
        self._pid, self._ports, self._settings = None, None, None
        atexit.unregister(self.stop)
        if pid is None or ports is None:
            return
        with _locked(self._layout):
            weed.terminate_pid(pid, self._stop_timeout)
            weed.remove_stale_sockets(ports)
            state = _read_state(self._layout)
            if state and state.get("pid") == pid:
                self._layout.state.unlink(missing_ok=True)
        log.info("embedded SeaweedFS for %s stopped (pid %d)", self._layout.root, pid)

    def __enter__(self) -> EmbeddedSeaweedFS:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @classmethod
    def ensure_detached(cls, data_dir: Path, **kwargs) -> StorageSettings:  # noqa: ANN003
        """See :func:`ensure_embedded_storage`."""
        server = cls(data_dir, **kwargs)
        layout = server._layout
        with _locked(layout):
            running = _live_state(layout)
            if running and weed.s3_answers(int(running["ports"]["s3"])):
                log.debug("reusing embedded SeaweedFS pid %d for %s", running["pid"], layout.root)
                return _settings_for(layout, int(running["ports"]["s3"]), server._bucket)
            if running:
                raise EmbeddedServerError(
                    f"{layout.root}: SeaweedFS pid {running['pid']} runs for this data dir but its S3 port "
                    f"{running['ports']['s3']} does not answer; see {layout.stdout_log} or stop it with "
                    "EmbeddedSeaweedFS.stop_detached()"
                )
            server._launch(detached=True)
            return server.settings

    @staticmethod
    def stop_detached(data_dir: Path, timeout: float = 10.0) -> bool:
        """Stop the server running for ``data_dir`` (started detached or by another process).
        Returns False when none was running."""
        layout = _Layout(Path(data_dir).resolve())
        if not layout.root.is_dir():
            return False
        with _locked(layout):
            running = _live_state(layout)
            if running:
                weed.terminate_pid(running["pid"], timeout)
                weed.remove_stale_sockets(weed.WeedPorts.from_json(running["ports"]))
                log.info("stopped embedded SeaweedFS pid %d for %s", running["pid"], layout.root)
            layout.state.unlink(missing_ok=True)
        return running is not None


def ensure_embedded_storage(data_dir: Path, **kwargs) -> StorageSettings:  # noqa: ANN003
    """Settings for the embedded SeaweedFS of ``data_dir``, starting it if needed.

    Reuses a live server recorded in ``data_dir/embedded.json``; otherwise starts one detached (own
    session, survives this process). Stop it with ``EmbeddedSeaweedFS.stop_detached(data_dir)``
    (or ``kill $(jq .pid data_dir/embedded.json)``). ``kwargs`` go to :class:`EmbeddedSeaweedFS`.
    """
    return EmbeddedSeaweedFS.ensure_detached(data_dir, **kwargs)
