"""``sohoa verify FILE``: the lead mounts :func:`verify_command` on the main typer app.

    app.command("verify")(verify_command)

Exit codes: 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE (so scripts can branch on them),
3 the file or a trust-anchor file cannot be read.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
from collections.abc import Callable
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sohoa.signing.verify import ArchiveLookup

EXIT_CODES = {"TOTAL_PASSED": 0, "TOTAL_FAILED": 1, "INDETERMINATE": 2}


def verify_command(
    file: Annotated[Path, typer.Argument(help="PDF to verify.", exists=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the HTML report here.")] = None,
    trust_anchors: Annotated[list[Path] | None, typer.Option(
        "--trust", help="Trusted root/intermediate CA (PEM/DER; repeatable). Default: SOHOA_TRUST_ANCHORS, "
        "else DATA_DIR/pki/demo-root.pem.")] = None,
    revocation: Annotated[str | None, typer.Option(
        help="Revocation checking: require (default), if_declared, none. Env SOHOA_VERIFY_REVOCATION.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not fetch OCSP/CRL over the network.")] = False,
) -> None:
    """Verify the signatures of FILE, its PDF/A conformance and (if configured) its archive match."""
    _run(file, as_json, html, trust_anchors, revocation, offline, None)


def make_verify_command(lookup_factory: Callable[[], ArchiveLookup | None]) -> Callable[..., None]:
    """``verify_command`` with an archive lookup built lazily (e.g. from the database) per run."""

    @functools.wraps(verify_command)
    def command(*args, **kwargs) -> None:
        bound = inspect.signature(verify_command).bind(*args, **kwargs)
        bound.apply_defaults()
        _run(*bound.arguments.values(), lookup_factory())

    return command


def _run(file: Path, as_json: bool, html: Path | None, trust_anchors: list[Path] | None,
         revocation: str | None, offline: bool, archive_lookup: ArchiveLookup | None) -> None:
    from sohoa.signing.verify import TrustSettings, verify_pdf  # pyHanko: loaded only when verifying
    from sohoa.signing.verify_render import render_html, render_json, render_text

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(f"cannot read {file}: {exc.strerror}", err=True)
        raise typer.Exit(3) from None
    trust = TrustSettings.from_env(os.environ)
    if trust_anchors:
        trust = dataclasses.replace(trust, trust_anchors=tuple(trust_anchors))
    if revocation:
        if revocation not in {"require", "if_declared", "none"}:
            raise typer.BadParameter("expected require, if_declared or none", param_hint="--revocation")
        trust = dataclasses.replace(trust, revocation=revocation)  # type: ignore[arg-type]
    if offline:
        trust = dataclasses.replace(trust, allow_fetching=False)
    try:
        report = verify_pdf(data, trust, archive_lookup, file_name=file.name)
    except ValueError as exc:  # unreadable trust-anchor file
        typer.echo(str(exc), err=True)
        raise typer.Exit(3) from None
    if html is not None:
        html.write_text(render_html(report), encoding="utf-8")
    typer.echo(render_json(report) if as_json else render_text(report))
    raise typer.Exit(EXIT_CODES[report.indication])
