"""The three systems the benchmark runs on the same pages, each as a process tree measured the same way."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pikepdf import pdfa

from sohoa.tools.bench.metrics import PeakMemory

TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass
class Run:
    """One measured run of one system."""

    name: str
    seconds: float
    pages: int
    texts: list[str]
    bytes: int | None = None
    pdfa_passed: bool | None = None
    pdfa_findings: list[str] = field(default_factory=list)
    peak_tree: int = 0
    peak_worker: int = 0
    workers: int = 0
    cpu_seconds: float = 0.0
    detail: dict = field(default_factory=dict)

    @property
    def pages_per_minute(self) -> float:
        return 60 * self.pages / self.seconds


def measured(command: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> tuple[float, PeakMemory]:
    """Run a command, polling its process tree's memory; wall-clock seconds and the peaks.

    The memory object also carries `cpu_seconds`: user + system time of the command and every descendant
    it waited for (from wait4), which load on the machine disturbs far less than wall-clock time.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
        with PeakMemory(process.pid) as memory:
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    process.kill()
                    raise TimeoutError(f"{command[0]} took over {timeout} s")
                time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        memory.cpu_seconds = usage.ru_utime + usage.ru_stime
        if process.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{command[0]} exited {process.returncode}: {err.read().decode(errors='replace')[-2000:]}")
    return seconds, memory


def run_tesseract(images: list[Path], out_dir: Path, jobs: int, name: str = "tesseract") -> Run:
    """Plain Tesseract, `tesseract IMAGE OUT -l vie txt`, one process per core, one OpenMP thread each.

    The peaks are those of the concurrently running tesseract processes (sampled by a poller per process).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    peaks: list[int] = []
    cpu: list[float] = []

    def one(index_image: tuple[int, Path]) -> None:
        index, image = index_image
        _, memory = measured(["tesseract", str(image), str(out_dir / f"{index:04d}"), "-l", "vie", "txt"], TESSERACT_ENV)
        peaks.append(memory.tree)
        cpu.append(memory.cpu_seconds)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, enumerate(images)))
    seconds = time.perf_counter() - started
    texts = [(out_dir / f"{i:04d}.txt").read_text(encoding="utf-8") for i in range(len(images))]
    peak = max(peaks, default=0)
    return Run(name, seconds, len(images), texts, peak_tree=peak * jobs, peak_worker=peak, workers=jobs,
               cpu_seconds=sum(cpu), detail={"peak_tree_note": "jobs x the largest single tesseract process"})


def run_ocrmypdf(images: list[Path], work: Path, jobs: int, extra: tuple[str, ...] = (), name: str = "ocrmypdf") -> Run:
    """OCRmyPDF 17: `ocrmypdf --output-type pdfa -l vie --jobs J in.pdf out.pdf`.

    Input: one multi-page PDF holding the scans' JPEG bytes unchanged (img2pdf, lossless), the same pages
    and resolution the other systems read.
    """
    work.mkdir(parents=True, exist_ok=True)
    source, out = work / "scans.pdf", work / "ocrmypdf.pdf"
    _images_to_pdf(images, source)
    command = [sys.executable, "-m", "ocrmypdf", "--output-type", "pdfa", "-l", "vie", "--jobs", str(jobs), *extra,
               str(source), str(out)]
    seconds, memory = measured(command)
    verdict = _pdfa_check(out)
    return Run(name, seconds, len(images), pdf_page_texts(out, len(images)), bytes=out.stat().st_size,
               pdfa_passed=verdict[0], pdfa_findings=verdict[1], peak_tree=memory.tree, peak_worker=memory.per_worker,
               workers=len(memory.workers), cpu_seconds=memory.cpu_seconds, detail={"command": " ".join(["ocrmypdf", *command[3:]]),
                                                    "input_bytes": source.stat().st_size,
                                                    "layout_texts": pdf_page_texts(out, len(images), layout=True)})


def run_sohoa(images: list[Path], work: Path, jobs: int, name: str = "sohoa", ocr_dpi: float | None = None) -> Run:
    """This project's page path (`sohoa.tools.bench.pagerun`: intake, run_page_tasks, assemble_pdfa) as one process."""
    work.mkdir(parents=True, exist_ok=True)
    out, report_path = work / "sohoa.pdf", work / "pagerun.json"
    command = [sys.executable, "-m", "sohoa.tools.bench.pagerun", "--jobs", str(jobs), "--work", str(work / "pages"),
               "--out", str(out), "--report", str(report_path), *(["--ocr-dpi", str(ocr_dpi)] if ocr_dpi is not None else []),
               *map(str, images)]
    seconds, memory = measured(command)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    verdict = _pdfa_check(out)
    substages: dict[str, float] = {}
    for page in report["pages"]:
        for key, value in page["seconds"].items():
            substages[key] = substages.get(key, 0.0) + value
    return Run(name, seconds, len(images), pdf_page_texts(out, len(images)), bytes=out.stat().st_size,
               pdfa_passed=verdict[0] and report["verdict"]["passed"], pdfa_findings=verdict[1],
               peak_tree=memory.tree, peak_worker=memory.per_worker, workers=len(memory.workers),
               cpu_seconds=memory.cpu_seconds, detail={"engine_texts": [page["text"] for page in report["pages"]], "pdf": str(out),
                       "layout_texts": pdf_page_texts(out, len(images), layout=True),
                       "substage_seconds_per_page": {k: v / len(images) for k, v in substages.items()},
                       "inner_seconds": report["seconds"],
                       "rotations": [page["rotation"] for page in report["pages"]]})


def run_scaling(images: list[Path], work: Path, jobs: int, runs: int) -> tuple[Run, Run, dict[str, list[float]]]:
    """This project with `jobs` workers and with 1 worker, `runs` times each, in ABBA order.

    Wall-clock time on a shared VM moves by ±10% from one minute to the next whatever the program does,
    so a single pair can pass or fail the scaling bar by chance; alternating the order cancels slow
    drift, and the median run of each side is what the table shows. Returns the median run with `jobs`
    workers, the median run with one, and every wall time.
    """
    many: list[Run] = []
    one: list[Run] = []
    for repeat in range(runs):
        sides = [(jobs, many, "sohoa"), (1, one, "sohoa, 1 worker")]
        for workers, found, name in sides if repeat % 2 == 0 else reversed(sides):
            found.append(run_sohoa(images, work / ("sohoa" if workers == jobs else "sohoa-1"), workers, name=name))
    seconds = {"sohoa": [run.seconds for run in many], "sohoa, 1 worker": [run.seconds for run in one]}
    return _median_run(many), _median_run(one), seconds


def _median_run(runs: list[Run]) -> Run:
    middle = statistics.median_low(run.seconds for run in runs)
    return next(run for run in runs if run.seconds == middle)


def rerender_and_read(pdf: Path, pages: int, work: Path, jobs: int) -> list[str]:
    """Render a PDF back at 300 dpi (pdftoppm) and read each page the way the pipeline reads a 300-dpi scan
    (the same engine settings, downsampled to `PrepareSettings().ocr_dpi` first when that is set)."""
    import cv2

    from sohoa.ocr.tesseract import TesseractEngine, TesseractSettings
    from sohoa.ocr.prepare import PrepareSettings, ocr_scale

    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(work / "page")], check=True, capture_output=True)
    rendered = sorted(work.glob("page-*.png"))
    if len(rendered) != pages:
        raise RuntimeError(f"pdftoppm rendered {len(rendered)} of {pages} pages")
    engine = TesseractEngine(TesseractSettings(in_process=False))  # threads below: one command per page
    scale = ocr_scale(300, PrepareSettings())

    def read(image: Path) -> str:
        page_dir = work / image.stem
        page_dir.mkdir(exist_ok=True)
        grey = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
        if scale != 1:
            grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        pgm = page_dir / "page.pgm"
        cv2.imwrite(str(pgm), grey)
        return engine.recognize(pgm, 300 * scale, page_dir).text

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(read, rendered))


def pdf_page_texts(pdf: Path, pages: int, layout: bool = False) -> list[str]:
    """The text layer of every page, as `pdftotext` extracts it (form feeds between pages).

    With `layout`, `pdftotext -layout`: lines in visual rows, side-by-side blocks merged left to right, the
    order the corpus truth uses, so reading-order differences between PDF producers count less.
    """
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    parts = text.split("\f")
    return (parts + [""] * pages)[:pages]


def _pdfa_check(path: Path) -> tuple[bool, list[str]]:
    report = pdfa.validate_written(path, "2b")
    return bool(report.passed), [str(finding) for finding in list(report.findings)[:10]]


def _images_to_pdf(images: list[Path], out: Path) -> None:
    """The scans as one image PDF, losslessly (img2pdf embeds the JPEG bytes as they are)."""
    import img2pdf  # a dependency of OCRmyPDF

    out.write_bytes(img2pdf.convert([str(image) for image in images]))
