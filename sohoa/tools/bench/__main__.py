"""``python -m sohoa.tools.bench [--pages N] [--out report.json]``: the issue-7 benchmark in one run.

1. Generates a seeded corpus of N colour 300-dpi pages with `sohoa.tools.corpus` (dossiers of every procedure
   in turn, default scan options: some pages turned, skewed, blank back sides, seals, photocopies).
2. Runs on the same pages, one after the other on an otherwise idle machine:
   plain Tesseract (one process per core, OMP_THREAD_LIMIT=1) as the physical reference;
   OCRmyPDF 17 (`--output-type pdfa -l vie --jobs J` on one lossless image PDF of the scans);
   this project's page path (`sohoa.tools.bench.pagerun`: intake + run_page_tasks + assemble_pdfa) with J
   workers and with 1 worker, `--scaling-runs` times each (median shown), and plain Tesseract with one
   process, so the machine's own scaling stands beside this project's.
3. Renders this project's PDF/A back at 300 dpi, OCRs it with the pipeline's settings and compares the
   CER with the pipeline's OCR of the original scan.
4. Prints a table and the issue's bars, and writes everything to JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sohoa.tools.bench.metrics import character_error_rate
from sohoa.tools.bench.systems import Run, rerender_and_read, run_ocrmypdf, run_scaling, run_sohoa, run_tesseract

MB = 1024 * 1024


def make_corpus(pages: int, seed: int, out_dir: Path) -> list[tuple[Path, str]]:
    """At least `pages` generated colour 300-dpi scans (whole dossiers, then cut to `pages`), with their truth."""
    from sohoa.catalog import load_catalog
    from sohoa.tools.corpus import ScanOptions, generate_dossier

    procedures = load_catalog().procedures
    found: list[tuple[Path, str]] = []
    index = 0
    while len(found) < pages:
        procedure = procedures[index % len(procedures)]
        directory = out_dir / f"{index:02d}-{procedure.code}"
        truth = generate_dossier(procedure, None, seed * 1000 + index, directory, ScanOptions(dpi=300, colour=True))
        found += [(directory / page.file, page.text) for page in truth.pages if page.frame == 0]
        index += 1
    return found[:pages]


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    console = Console(width=140)
    _require_tools(parser, args.skip)
    work = args.work or Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    console.print(f"[bold]sohoa.tools.bench[/] {args.pages} pages, seed {args.seed}, {args.jobs} workers, work dir {work}, "
                  f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    started = time.perf_counter()
    corpus = make_corpus(args.pages, args.seed, work / "corpus")
    images, truths = [path for path, _ in corpus], [text for _, text in corpus]
    console.print(f"corpus: {len(images)} pages, {sum(p.stat().st_size for p in images) / len(images) / 1024:.0f} KB/page "
                  f"as JPEG, generated in {time.perf_counter() - started:.0f} s")

    runs, scaling_seconds = _run_systems(console, args, images, work)
    rerender = _rerender(console, args, runs, images, truths, work)

    load_after = os.getloadavg()
    report = _report(args, images, truths, runs, rerender, load_before, load_after)
    report["scaling_runs_seconds"] = scaling_seconds
    _print(console, report)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"JSON: {args.out}   (total {time.perf_counter() - started:.0f} s)")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sohoa.tools.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=50,
                        help="pages in the corpus (at least 20; the memory bar is for a 50-page dossier)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed")
    parser.add_argument("--jobs", type=int, default=2, help="workers for every system (default 2)")
    parser.add_argument("--out", type=Path, default=Path("bench-report.json"), help="JSON report")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus and outputs here (default: a temp dir)")
    parser.add_argument("--ocrmypdf-rotate", action="store_true",
                        help="also run OCRmyPDF with --rotate-pages --deskew (what this project does to every page)")
    parser.add_argument("--ocr-dpi-variant", type=float, default=None, metavar="DPI",
                        help="also run this project with PrepareSettings.ocr_dpi=DPI (0: OCR reads the page's own resolution)")
    parser.add_argument("--scaling-runs", type=int, default=3,
                        help="runs of this project with --jobs workers and with 1, alternated; the medians are compared (default 3)")
    parser.add_argument("--skip", action="append", default=[], choices=["ocrmypdf", "tesseract", "scaling", "rerender"],
                        help="leave a part out (repeatable)")
    return parser


def _require_tools(parser: argparse.ArgumentParser, skip: list[str]) -> None:
    """Exit with a usage error naming every command the chosen parts need that is not installed."""
    needed = {"tesseract": "tesseract-ocr", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}
    if "ocrmypdf" not in skip:
        needed["gs"] = "ghostscript (OCRmyPDF writes PDF/A with it)"
    absent = [f"{command} (Debian package {package})" for command, package in needed.items() if shutil.which(command) is None]
    if absent:
        parser.error("missing: " + ", ".join(absent) + "; `make bench` installs them, or pass --skip ocrmypdf")


def _run_systems(console: Console, args: argparse.Namespace, images: list[Path],
                 work: Path) -> tuple[dict[str, Run], dict[str, list[float]]]:
    """Run every system not left out, one after the other: the runs by name, and the scaling pair's seconds."""
    runs: dict[str, Run] = {}
    scaling_seconds: dict[str, list[float]] = {}
    single_worker: list[Run] = []

    def ours_with_scaling() -> Run:
        many, one, seconds = run_scaling(images, work, args.jobs, max(1, args.scaling_runs))
        single_worker.append(one)
        scaling_seconds.update(seconds)
        return many

    steps = [("tesseract", lambda: run_tesseract(images, work / "tesseract", args.jobs)),
             ("tesseract-1", lambda: run_tesseract(images, work / "tesseract-1", 1, name="tesseract, 1 process")),
             ("ocrmypdf", lambda: run_ocrmypdf(images, work / "ocrmypdf", args.jobs)),
             ("ocrmypdf-rotate", lambda: run_ocrmypdf(images, work / "ocrmypdf-rotate", args.jobs,
                                                      ("--rotate-pages", "--deskew"), "ocrmypdf --rotate-pages --deskew")),
             ("sohoa", lambda: run_sohoa(images, work / "sohoa", args.jobs) if "scaling" in args.skip else ours_with_scaling()),
             ("ocr-dpi", lambda: run_sohoa(images, work / "sohoa-ocr-dpi", args.jobs, ocr_dpi=args.ocr_dpi_variant,
                                           name=f"sohoa, OCR at {args.ocr_dpi_variant or 'page'} dpi"))]
    for key, step in steps:
        if _left_out(key, args):
            continue
        console.print(f"running {key} …")
        run = step()
        runs[run.name] = run
        runs.update((single.name, single) for single in single_worker)
        console.print(f"  {run.seconds:.1f} s" + "".join(f"   {name}: {' '.join(f'{t:.1f}' for t in times)} s"
                                                    for name, times in scaling_seconds.items() if key == "sohoa"))
    return runs, scaling_seconds


def _left_out(key: str, args: argparse.Namespace) -> bool:
    """Whether the step `key` is skipped, or is an extra run that was not asked for."""
    return key.split("-")[0] in args.skip or (key == "ocrmypdf-rotate" and not args.ocrmypdf_rotate) or (
        key == "ocr-dpi" and args.ocr_dpi_variant is None) or (key == "tesseract-1" and "scaling" in args.skip)


def _rerender(console: Console, args: argparse.Namespace, runs: dict[str, Run], images: list[Path],
              truths: list[str], work: Path) -> dict[str, float] | None:
    """CER of this project's PDF/A rendered back at 300 dpi beside that of the original scan (None if not run)."""
    if "rerender" in args.skip or "sohoa" not in runs:
        return None
    console.print("rendering this project's PDF/A back at 300 dpi and reading it …")
    texts = rerender_and_read(Path(runs["sohoa"].detail["pdf"]), len(images), work / "rerender", args.jobs)
    rerender = {
        "cer_rendered_pdfa": character_error_rate(list(zip(texts, truths))),
        "cer_original_scan": character_error_rate(list(zip(runs["sohoa"].detail["engine_texts"], truths))),
    }
    rerender["difference_pp"] = 100 * (rerender["cer_rendered_pdfa"] - rerender["cer_original_scan"])
    return rerender


def _report(args, images, truths, runs: dict[str, Run], rerender, load_before, load_after) -> dict:
    systems = {}
    for name, run in runs.items():
        entry = {
            "seconds": round(run.seconds, 2), "pages": run.pages, "pages_per_minute": round(run.pages_per_minute, 2),
            "cpu_seconds_per_page": round(run.cpu_seconds / run.pages, 3),
            "cer": round(character_error_rate(list(zip(run.texts, truths))), 5),
            "bytes_per_page": None if run.bytes is None else round(run.bytes / run.pages),
            "pdfa_2b": run.pdfa_passed, "pdfa_findings": run.pdfa_findings,
            "peak_rss_tree_mb": round(run.peak_tree / MB, 1), "peak_rss_per_worker_mb": round(run.peak_worker / MB, 1),
            "workers_seen": run.workers,
        }
        if "layout_texts" in run.detail:
            entry["cer_layout"] = round(character_error_rate(list(zip(run.detail["layout_texts"], truths))), 5)
        if "engine_texts" in run.detail:
            entry["cer_engine_text"] = round(character_error_rate(list(zip(run.detail["engine_texts"], truths))), 5)
            entry["substage_seconds_per_page"] = {k: round(v, 4) for k, v in run.detail["substage_seconds_per_page"].items()}
            entry["inner_seconds"] = {k: round(v, 2) for k, v in run.detail["inner_seconds"].items()}
        if "command" in run.detail:
            entry["command"] = run.detail["command"]
        systems[name] = entry
    ocrmypdf, ours, single = systems.get("ocrmypdf"), systems.get("sohoa"), systems.get("sohoa, 1 worker")
    ratios, bars = {}, {}
    if ocrmypdf and ours:
        ratios["pages_per_minute_vs_ocrmypdf"] = round(ours["pages_per_minute"] / ocrmypdf["pages_per_minute"], 3)
        ratios["cer_minus_ocrmypdf_pp"] = round(100 * (ours["cer"] - ocrmypdf["cer"]), 3)
        ratios["cer_layout_minus_ocrmypdf_pp"] = round(100 * (ours["cer_layout"] - ocrmypdf["cer_layout"]), 3)
        ratios["bytes_per_page_vs_ocrmypdf"] = round(ours["bytes_per_page"] / ocrmypdf["bytes_per_page"], 3)
        ratios["cpu_per_page_vs_ocrmypdf"] = round(ours["cpu_seconds_per_page"] / ocrmypdf["cpu_seconds_per_page"], 3)
        bars["throughput >= 1.8x OCRmyPDF"] = ratios["pages_per_minute_vs_ocrmypdf"] >= 1.8
        bars["CER no more than 0.1 pp worse"] = max(ratios["cer_minus_ocrmypdf_pp"], ratios["cer_layout_minus_ocrmypdf_pp"]) <= 0.1
        bars["bytes/page <= 0.35x OCRmyPDF"] = ratios["bytes_per_page_vs_ocrmypdf"] <= 0.35
    if "tesseract" in systems and ours:
        ratios["pages_per_minute_vs_tesseract"] = round(ours["pages_per_minute"] / systems["tesseract"]["pages_per_minute"], 3)
    if ours:
        bars["every file PDF/A-2b"] = bool(ours["pdfa_2b"])
        bars["peak RSS per worker <= 500 MB"] = ours["peak_rss_per_worker_mb"] <= 500
    if ours and single:
        ratios["two_workers_vs_one"] = round(ours["pages_per_minute"] / single["pages_per_minute"], 3)
        bars["2 workers >= 1.8x 1 worker"] = ratios["two_workers_vs_one"] >= 1.8
    if "tesseract" in systems and "tesseract, 1 process" in systems:
        ratios["tesseract_two_processes_vs_one"] = round(
            systems["tesseract"]["pages_per_minute"] / systems["tesseract, 1 process"]["pages_per_minute"], 3)
    if rerender:
        bars["re-rendered PDF/A CER within 0.3 pp"] = rerender["difference_pp"] <= 0.3
    return {
        "command": "python -m sohoa.tools.bench " + " ".join(f"--{k} {v}" for k, v in (("pages", args.pages), ("seed", args.seed), ("jobs", args.jobs), ("scaling-runs", args.scaling_runs))),
        "machine": {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after],
                    "tesseract": _version(["tesseract", "--version"]), "ocrmypdf": _version([sys.executable, "-m", "ocrmypdf", "--version"])},
        "corpus": {"pages": len(images), "seed": args.seed, "jpeg_bytes_per_page": round(sum(p.stat().st_size for p in images) / len(images)),
                   "blank_pages": sum(1 for t in truths if not t.strip())},
        "systems": systems, "ratios": ratios, "rerender": rerender and {k: round(v, 5) for k, v in rerender.items()},
        "bars": bars,
    }


def _version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        return (result.stdout or result.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def _print(console: Console, report: dict) -> None:
    table = Table(title=f"{report['corpus']['pages']} colour 300-dpi pages · load {report['machine']['load_average_before'][0]}")
    for column in ("system", "wall s", "pages/min", "CPU s/page", "CER %", "CER -layout %", "KB/page", "PDF/A-2b",
                   "peak tree MB", "peak/worker MB"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, entry in report["systems"].items():
        table.add_row(name, f"{entry['seconds']:.1f}", f"{entry['pages_per_minute']:.1f}", f"{entry['cpu_seconds_per_page']:.2f}",
                      f"{100 * entry['cer']:.2f}", "—" if "cer_layout" not in entry else f"{100 * entry['cer_layout']:.2f}",
                      "—" if entry["bytes_per_page"] is None else f"{entry['bytes_per_page'] / 1024:.0f}",
                      "—" if entry["pdfa_2b"] is None else ("yes" if entry["pdfa_2b"] else "NO"),
                      f"{entry['peak_rss_tree_mb']:.0f}", f"{entry['peak_rss_per_worker_mb']:.0f}")
    console.print(table)
    for key, value in report["ratios"].items():
        console.print(f"  {key}: {value}")
    if report["rerender"]:
        r = report["rerender"]
        console.print(f"  re-rendered PDF/A CER {100 * r['cer_rendered_pdfa']:.2f} % vs original scan "
                      f"{100 * r['cer_original_scan']:.2f} % ({r['difference_pp']:+.2f} pp)")
    ours = report["systems"].get("sohoa")
    if ours:
        console.print("  sohoa seconds per page by sub-stage (CPU side, summed over workers): "
                      + ", ".join(f"{k} {v:.3f}" for k, v in ours["substage_seconds_per_page"].items()))
    for bar, passed in report["bars"].items():
        console.print(f"  [{'green' if passed else 'red'}]{'PASS' if passed else 'FAIL'}[/] {bar}")


if __name__ == "__main__":
    main()
