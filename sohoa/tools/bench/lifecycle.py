"""Measure the lifecycle's two costly steps on the real components: a supplement (10 pages read, then 2 added: only
the 2 are read again) and signing a result at PAdES B-LTA (TSA, OCSP and CRL of the loopback test PKI).

    .venv/bin/python -m sohoa.tools.bench.lifecycle [--runs 3]      (make bench-lifecycle)

Embedded SeaweedFS and SQLite in a temporary data directory; the pages come from the corpus generator
(procedure 2.000620, 300 dpi colour JPEG). Prints a table and the median of each step.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from sohoa.catalog import load_catalog
from sohoa.lifecycle.reception import accept_upload, digitize_dossier
from sohoa.lifecycle.results import issue_result
from sohoa.lifecycle.rules import load_rules
from sohoa.lifecycle.supplement import accept_supplement
from sohoa.lifecycle.transitions import apply_action
from sohoa.services.artifacts import fetch_sources
from sohoa.services.config import Config
from sohoa.services.db import DossierStatus
from sohoa.services.runtime import Runtime, build_runtime
from sohoa.tools.corpus.dossier import generate_dossier
from sohoa.tools.corpus.models import ScanOptions
from sohoa.tools.testpki import TestPki

PROCEDURE = "2.000620"
ACTOR = "bench"


def page_files(directory: Path, count: int) -> tuple[Path, ...]:
    """At least `count` distinct generated page scans of the procedure, in dossier order."""
    procedure, files, seed = load_catalog().get(PROCEDURE), [], 1
    while len(files) < count:
        generate_dossier(procedure, None, seed, directory / f"d{seed}", ScanOptions(dpi=300))
        files += sorted((directory / f"d{seed}").glob("page-*"))
        seed += 1
    return tuple(files[:count])


def supplement_run(runtime: Runtime, first: tuple[Path, ...], added: tuple[Path, ...], work: Path) -> dict:
    """Seconds to digitize `first`, then to supplement it with `added`; pages read and reused the second time."""
    record, _ = accept_upload(runtime, PROCEDURE, None, first, ACTOR)
    started = time.perf_counter()
    digitize_dossier(runtime, record, first, ACTOR)
    first_seconds = time.perf_counter() - started
    if runtime.database.get_dossier(record.code).status != DossierStatus.SUPPLEMENT_REQUESTED:
        apply_action(runtime.database, load_rules(), record.code, "request_supplement", ACTOR, reason="bench")
    started = time.perf_counter()
    record, order = accept_supplement(runtime, record.code, added, ACTOR)
    paths = fetch_sources(runtime.engines.store, order.sources, work / record.code)
    report = digitize_dossier(runtime, record, paths, ACTOR)
    reused = sum(page.reused for page in report.pages)
    return {"code": record.code, "first": first_seconds, "supplement": time.perf_counter() - started,
            "read": len(report.pages) - reused, "reused": reused}


def result_run(runtime: Runtime, code: str, result_pdf: Path) -> tuple[float, str]:
    """Seconds to sign, archive and record one result; its PAdES level."""
    record = runtime.database.get_dossier(code)
    rules = load_rules()
    if record.status == DossierStatus.RECEIVED:
        apply_action(runtime.database, rules, code, "start", ACTOR)
    kind = "result" if runtime.database.get_dossier(code).status == DossierStatus.IN_PROGRESS else "apology"
    started = time.perf_counter()
    issued = issue_result(runtime, code, result_pdf, kind, ACTOR, title="bench")
    return time.perf_counter() - started, issued.record.level


def _result_pdf(path: Path, serial: int) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    canvas = Canvas(str(path), pagesize=A4, initialFontName="DejaVuSans", invariant=1)
    canvas.drawString(90, 760, f"GIẤY PHÉP BÁN LẺ RƯỢU số {serial}/GP-SCT")
    canvas.showPage()
    canvas.save()
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Repetitions of each step (medians printed).")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-lifecycle-") as directory, \
            TestPki.start(Path(directory) / "pki") as pki:
        root = Path(directory)
        files = page_files(root / "pages", 12 * args.runs)
        config = dataclasses.replace(Config.from_env({"SOHOA_DATA_DIR": str(root / "data")}),
                                     signing_pkcs12=pki.pkcs12("signer"), signing_passphrase_file=pki.passphrase_path,
                                     timestamp_url=pki.tsa_url, trust_anchors=(pki.root_pem,))
        runtime = build_runtime(config)
        uncached = dataclasses.replace(runtime, settings=dataclasses.replace(runtime.settings, page_cache=None))
        rows = []
        for run in range(args.runs):
            pages = files[12 * run:12 * run + 12]
            supplement = supplement_run(runtime, pages[:10], pages[10:], root / "work")
            record, _ = accept_upload(uncached, PROCEDURE, None, pages, ACTOR)
            started = time.perf_counter()
            digitize_dossier(uncached, record, pages, ACTOR)
            whole = time.perf_counter() - started
            signing, level = result_run(runtime, supplement["code"], _result_pdf(root / f"r{run}.pdf", run))
            rows.append({**supplement, "whole": whole, "result": signing, "level": level})
            print(f"run {run + 1}: 10 pages {supplement['first']:.1f} s; supplement +2 {supplement['supplement']:.1f} s "
                  f"({supplement['read']} read, {supplement['reused']} reused); 12 pages without the cache {whole:.1f} s; "
                  f"result signed at {level} in {signing:.2f} s")
        print(f"median over {args.runs} runs ({runtime.settings.jobs} page workers): "
              f"supplement of a 10-page dossier with 2 new pages {statistics.median(r['supplement'] for r in rows):.2f} s "
              f"(pages read: {rows[0]['read']}), the same 12 pages read from scratch "
              f"{statistics.median(r['whole'] for r in rows):.2f} s, "
              f"a result signed at {rows[0]['level']} {statistics.median(r['result'] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
