"""Run the bad-input corpus through the real `sohoa` executable and the real HTTP API (`sohoa serve`), and judge
each answer: refused cleanly (CLI: exit 64/65 with one `error:` line and no traceback; API: a 4xx JSON answer
with a reason and no server path), no dossier recorded by a refusal, and 0 accepted wrongly."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from sohoa.services.config import Config
from sohoa.services.db.records import DossierStatus
from sohoa.tools.badinput.corpus import BadInput, BadRequest

SOHOA = Path(sys.executable).with_name("sohoa")
CLI_REFUSALS = (64, 65)
"""Exit codes of a clean refusal: usage (an unknown procedure) and bad input (docs/reliability.md)."""
FLAG_WORDS = ("active content", "nội dung chủ động")
"""Words the report uses for active content removed from a PDF."""


@dataclass(frozen=True)
class Outcome:
    """How one edge answered one case."""

    clean: bool
    """Refused cleanly (or, for a `flagged` case, accepted with the flag)."""
    wrongly_accepted: bool
    """Accepted although it should have been refused (or accepted without its flag)."""
    summary: str
    """The exit code or status, and the first line of the reason."""


@dataclass(frozen=True)
class CaseResult:
    """A case with the answers of both edges."""

    name: str
    """The case."""
    cli: Outcome | None
    """`sohoa process`; None for raw HTTP requests."""
    api: Outcome
    """`POST /dossiers`."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dossier_count(env: dict[str, str]) -> int:
    """Dossiers in the database `env` points to, not counting those refused with their reason recorded (the
    CLI records the dossier before reading its papers; a paper it cannot read refuses it, Mẫu 03)."""
    engine = create_engine(Config.from_env(env).database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("select count(*) from dossiers where not (status = :refused and error is not null)"),
                                      {"refused": int(DossierStatus.REJECTED)}).scalar_one()
    finally:
        engine.dispose()


def _reason(stream: str) -> str:
    lines = [line for line in stream.splitlines() if line.startswith("error:")]
    return lines[0][:160] if lines else (stream.strip().splitlines() or [""])[-1][:160]


def run_cli(case: BadInput, env: dict[str, str]) -> Outcome:
    """Hand the case in with `sohoa process` and judge the exit code and message."""
    before = dossier_count(env)
    done = subprocess.run([str(SOHOA), "process", *map(str, case.files), "--procedure", case.procedure],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    output = done.stdout + done.stderr
    if case.expect == "flagged":
        flagged = done.returncode == 0 and any(word in output.lower() for word in FLAG_WORDS)
        return Outcome(flagged, not flagged, f"exit {done.returncode}" + (", flagged" if flagged else ", no flag"))
    clean = (done.returncode in CLI_REFUSALS and "Traceback" not in output
             and any(line.startswith("error:") for line in done.stderr.splitlines())
             and dossier_count(env) == before)
    return Outcome(clean, done.returncode == 0, f"exit {done.returncode}: {_reason(done.stderr)}")


class ApiServer:
    """`sohoa serve` in a subprocess on a free port, with an intake user's token."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = _free_port()
        added = subprocess.run([str(SOHOA), "users", "add", f"badinput-{uuid.uuid4().hex[:8]}", "--role", "intake"],
                               capture_output=True, text=True, env=env, timeout=120, check=True)
        self.token = added.stdout.strip()
        self.process = subprocess.Popen([str(SOHOA), "serve", "--port", str(self.port)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sohoa serve stopped: {self.process.stderr.read().decode(errors='replace')[-400:]}")
            try:
                status, _ = self.post_raw("GET", "/health", b"", "text/plain")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("sohoa serve did not answer /health in time")

    def post_raw(self, method: str, path: str, body: bytes, content_type: str,
                 extra_headers: tuple[tuple[str, str], ...] = ()) -> tuple[int, bytes]:
        """Send one request; (status, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            headers = {"Content-Type": content_type, "Authorization": f"Bearer {self.token}", **dict(extra_headers)}
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _multipart(case: BadInput) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="procedure_code"\r\n\r\n{case.procedure}\r\n'.encode()]
    for path in case.files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _judge_answer(status: int, body: bytes, before: int, env: dict[str, str]) -> Outcome:
    server_paths = (tempfile.gettempdir() + "/", "sohoa-upload-", str(Config.from_env(env).data_dir))
    readable = body.decode("utf-8", errors="replace")
    try:
        reason = str(json.loads(readable).get("detail", ""))
    except (ValueError, AttributeError):
        reason = ""
    clean = (400 <= status < 500 and bool(reason) and not any(p in readable for p in server_paths)
             and "Traceback" not in readable and dossier_count(env) == before)
    return Outcome(clean, status == 202, f"{status}: {reason[:160] or readable[:160]}")


def run_api(case: BadInput | BadRequest, server: ApiServer) -> Outcome:
    """Send the case to `POST /dossiers` and judge the answer."""
    before = dossier_count(server.env)
    if isinstance(case, BadRequest):
        status, body = server.post_raw("POST", "/dossiers", case.body, case.content_type, case.extra_headers)
        return _judge_answer(status, body, before, server.env)
    payload, content_type = _multipart(case)
    status, body = server.post_raw("POST", "/dossiers", payload, content_type)
    if case.expect == "flagged":
        return Outcome(status == 202, status != 202, f"{status} (the flag is on the report)")
    return _judge_answer(status, body, before, server.env)


def run_corpus(cases: tuple[BadInput, ...], requests: tuple[BadRequest, ...], env: dict[str, str],
               progress=lambda name: None) -> list[CaseResult]:
    """Every case through both edges, in order; the server is stopped at the end."""
    results: list[CaseResult] = []
    server = ApiServer(env)
    try:
        for case in cases:
            progress(case.name)
            results.append(CaseResult(case.name, run_cli(case, env), run_api(case, server)))
        for request in requests:
            progress(request.name)
            results.append(CaseResult(request.name, None, run_api(request, server)))
    finally:
        server.close()
    return results
