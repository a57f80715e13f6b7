"""python -m sohoa.tools.corpus OUT_DIR [--procedure CODE] [--variant ID] [--seed N] [--dossiers N] [options]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sohoa.catalog import CatalogError, CatalogLookupError, load_catalog
from sohoa.tools.corpus.dossier import generate_corpus, generate_dossier
from sohoa.tools.corpus.models import ScanOptions
from sohoa.tools.corpus.sample import SAMPLE_CODE, write_sample


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sohoa.tools.corpus", description="Generate synthetic scanned dossiers.")
    parser.add_argument("out_dir", type=Path, help="output directory")
    parser.add_argument("--procedure", help="procedure code (default: all procedures, cycling)")
    parser.add_argument("--variant", help="variant id (default: the procedure's first)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dossiers", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--grey", action="store_true", help="greyscale instead of colour")
    parser.add_argument("--png", action="store_true", help="lossless PNG instead of JPEG")
    parser.add_argument("--tiff", action="store_true", help="multi-page documents as multi-page TIFF")
    parser.add_argument("--unexpected", type=float, default=0.0, help="probability of an extra paper per dossier")
    parser.add_argument("--missing", type=float, default=0.0, help="probability of a missing component per dossier")
    parser.add_argument("--sample", action="store_true", help=f"write the demo sample dossier of {SAMPLE_CODE}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        catalog = load_catalog()
        if args.sample:
            truth = write_sample(catalog.get(SAMPLE_CODE), args.out_dir)
            print(f"sample seed {truth.seed}: {len(truth.pages)} pages in {args.out_dir}")
            return 0
        options = ScanOptions(dpi=args.dpi, colour=not args.grey, jpeg_quality=None if args.png else 85,
                              tiff_multipage=args.tiff, unexpected_probability=args.unexpected,
                              missing_probability=args.missing)
        started = time.perf_counter()
        if args.procedure:
            procedure = catalog.get(args.procedure)
            pages = 0
            for index in range(args.dossiers):
                directory = args.out_dir / f"{index:04d}-{procedure.code}" if args.dossiers > 1 else args.out_dir
                pages += len(generate_dossier(procedure, args.variant, args.seed + index, directory, options).pages)
        else:
            paths = generate_corpus(catalog, args.dossiers, args.seed, args.out_dir, options)
            pages = sum(len(list(p.glob("page-*"))) for p in paths)
    except (CatalogError, CatalogLookupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"{pages} images in {elapsed:.1f} s ({elapsed / max(pages, 1):.2f} s per image) -> {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
