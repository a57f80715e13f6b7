"""``sohoa verify FILE…``: the lead mounts :func:`verify_command` on the main typer app.

    app.command("verify")(verify_command)

Exit codes (so scripts and cron jobs can branch on them): 0 TOTAL_PASSED, 1 TOTAL_FAILED (tampered, damaged or not
a PDF), 2 INDETERMINATE, 3 a file or a trust-anchor file cannot be read, or the command is used wrongly (a bad
option, an invalid SOHOA_VERIFY_* value). With several files: the worst of them, in the order 1, 3, 2, 0.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sohoa.signing.verify import ArchiveLookup, TrustSettings

EXIT_CODES = {"TOTAL_PASSED": 0, "TOTAL_FAILED": 1, "INDETERMINATE": 2}
UNUSABLE = 3
"""A file or a trust-anchor file cannot be read, or the command is used wrongly."""
SEVERITY = (1, UNUSABLE, 2, 0)
"""Exit codes, worst first: with several files the command exits with the worst."""
HELP = ("Verify signed PDFs: signatures (ETSI indications), PDF/A, and whether the archive holds them. "
        "Exit 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE, 3 a file cannot be read or wrong usage; "
        "several files: the worst (1, 3, 2, 0).")


def verify_command(
    files: Annotated[list[Path], typer.Argument(help="PDFs to verify.", exists=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON (a list with several files).")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the HTML report here (with several files: "
                                              "a folder, one FILE.html each).")] = None,
    trust_anchors: Annotated[list[Path] | None, typer.Option(
        "--trust", help="Trusted root/intermediate CA (PEM/DER; repeatable). Default: SOHOA_TRUST_ANCHORS, "
        "else DATA_DIR/pki/demo-root.pem.")] = None,
    revocation: Annotated[str | None, typer.Option(
        help="Revocation checking: require (default), if_declared, none. Env SOHOA_VERIFY_REVOCATION.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not fetch OCSP/CRL over the network.")] = False,
) -> None:
    """Verify the signatures of FILE, its PDF/A conformance and (if configured) its archive match."""
    _guarded(files, as_json, html, trust_anchors, revocation, offline, lambda: None)


def make_verify_command(lookup_factory: Callable[[], ArchiveLookup | None]) -> Callable[..., None]:
    """``verify_command`` with an archive lookup built lazily (e.g. from the database) per run."""

    @functools.wraps(verify_command)
    def command(*args, **kwargs) -> None:
        bound = inspect.signature(verify_command).bind(*args, **kwargs)
        bound.apply_defaults()
        _guarded(*bound.arguments.values(), lookup_factory)

    return command


def _guarded(files, as_json, html, trust_anchors, revocation, offline, lookup_factory) -> None:
    """Every error of this command's own settings exits 3 with one line (the help promises 3, not 64)."""
    from sohoa.errors import SettingInvalid

    try:
        trust = _trust(trust_anchors, revocation, offline)
        lookup = lookup_factory()
    except SettingInvalid as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(UNUSABLE) from None
    output = "text" if not as_json else "json" if len(files) == 1 else "list"
    codes = [_verify_one(file, output, _html_path(html, file, len(files)), trust, lookup) for file in files]
    if as_json and len(files) > 1:
        typer.echo(json.dumps([code[1] for code in codes], ensure_ascii=False, indent=2))
    raise typer.Exit(min((code[0] for code in codes), key=SEVERITY.index))


def _trust(trust_anchors: list[Path] | None, revocation: str | None, offline: bool) -> TrustSettings:
    from sohoa.errors import SettingInvalid
    from sohoa.signing.verify import TrustSettings

    trust = TrustSettings.from_env(os.environ)
    if trust_anchors:
        trust = dataclasses.replace(trust, trust_anchors=tuple(trust_anchors))
    if revocation:
        if revocation not in {"require", "if_declared", "none"}:
            raise SettingInvalid("--revocation", revocation, "require, if_declared or none")
        trust = dataclasses.replace(trust, revocation=revocation)  # type: ignore[arg-type]
    if offline:
        trust = dataclasses.replace(trust, allow_fetching=False)
    return trust


def _html_path(html: Path | None, file: Path, count: int) -> Path | None:
    if html is None or count == 1:
        return html
    html.mkdir(parents=True, exist_ok=True)
    return html / f"{file.name}.html"


def _verify_one(file: Path, output: str, html: Path | None, trust: TrustSettings,
                archive_lookup: ArchiveLookup | None) -> tuple[int, dict | None]:
    """Verify one file, print its report (``output``: text, json, or list: printed by the caller) and hints;
    return its exit code and its report for a JSON list."""
    from sohoa.edges.cli.verify_hints import verification_hints
    from sohoa.signing.verify import verify_pdf  # pyHanko: loaded only when verifying
    from sohoa.signing.verify_render import render_html, render_json, render_text

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
    try:
        data = file.read_bytes()
        report = verify_pdf(data, trust, archive_lookup, file_name=file.name)
    except OSError as exc:
        typer.echo(f"error: cannot read {file}: {exc.strerror}", err=True)
        return UNUSABLE, {"file_name": file.name, "error": exc.strerror}
    except ValueError as exc:  # unreadable trust-anchor file
        typer.echo(f"error: {exc}", err=True)
        return UNUSABLE, {"file_name": file.name, "error": str(exc)}
    if html is not None:
        html.write_text(render_html(report), encoding="utf-8")
    if output != "list":
        typer.echo(render_json(report) if output == "json" else render_text(report))
    for hint in verification_hints(report, trust):
        typer.echo(f"hint: {hint}", err=True)
    return EXIT_CODES[report.indication], report.model_dump(mode="json")
