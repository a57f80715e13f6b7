"""Measure electronic-copy signatures per second on a ~1.5 MB PDF/A-2b scan.

    .venv/bin/python -m sohoa.tools.bench.signing [--count 100] [--megabytes 1.5]
    .venv/bin/python -m sohoa.tools.bench.signing --levels [--count 30]   # needs certomancer

Uses a throw-away demo identity (NOT FOR PRODUCTION) in a temporary directory and compares
with pyHanko's stock ``SimpleSigner`` (which re-parses the key for every signature).
``--levels`` starts the loopback test PKI (sohoa.tools.testpki) and measures signing and
verification per PAdES level (B-T and above include the HTTP round trips to the local TSA and
OCSP/CRL responders). ``openssl speed -seconds 3 rsa2048`` gives the physical reference.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

import numpy as np
import pikepdf
import pikepdf.pdfa
from PIL import Image
from pyhanko.sign.signers import SimpleSigner

from sohoa.signing.demo_identity import init_demo_identity
from sohoa.signing.engine import PyHankoCopySigner
from sohoa.signing.model import CopySigner
from sohoa.signing.settings import SigningSettings
from sohoa.signing.signer import load_signer, sign_copy

ORGANISATION = "Sở Công Thương tỉnh Thái Nguyên"


def make_noisy_scan(path: Path, megabytes: float) -> bytes:
    """PDF/A-2b with one A4 page holding a random-noise JPEG of about ``megabytes`` MB."""
    side = int(880 * megabytes**0.5)
    pixels = np.random.default_rng(0).integers(0, 256, (int(side * 1.414), side, 3), np.uint8)
    jpeg = io.BytesIO()
    Image.fromarray(pixels).save(jpeg, "JPEG", quality=90)
    pdf = pikepdf.Pdf.new()
    image = pikepdf.Stream(pdf, jpeg.getvalue(), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=side, Height=int(side * 1.414),
                           ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                           Filter=pikepdf.Name.DCTDecode)  # fmt: skip
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pikepdf.pdfa.save(pdf, path, "2b", output_intent="sRGB")
    return path.read_bytes()


def signatures_per_second(pdf: bytes, signer: CopySigner, count: int) -> float:
    """Sign ``pdf`` ``count`` times (after one warm-up) and return the rate."""
    sign_copy(pdf, signer)
    started = time.perf_counter()
    for _ in range(count):
        sign_copy(pdf, signer)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--megabytes", type=float, default=1.5)
    parser.add_argument("--levels", action="store_true", help="per PAdES level, with the test PKI")
    args = parser.parse_args()
    if args.levels:
        levels_benchmark(args.count, args.megabytes)
        return
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        demo = init_demo_identity(directory / "identity", ORGANISATION)
        pdf = make_noisy_scan(directory / "scan.pdf", args.megabytes)
        settings = SigningSettings(
            demo.pkcs12_path, passphrase_file=demo.passphrase_path, organisation=ORGANISATION
        )
        started = time.perf_counter()
        signer = load_signer(settings)
        loaded_ms = (time.perf_counter() - started) * 1000
        assert isinstance(signer, PyHankoCopySigner)
        passphrase = demo.passphrase_path.read_text().strip().encode()
        stock = SimpleSigner.load_pkcs12(str(demo.pkcs12_path), passphrase=passphrase)
        stock_signer = PyHankoCopySigner(
            stock, signer.certificate, signer.copy_mark, settings.reason, ORGANISATION
        )
        print(f"input: {len(pdf) / 1e6:.2f} MB PDF/A-2b, load_signer: {loaded_ms:.0f} ms")
        for name, candidate in (("InMemoryKeySigner", signer), ("SimpleSigner", stock_signer)):
            rate = signatures_per_second(pdf, candidate, args.count)
            print(f"{name:>17}: {rate:6.1f} signatures/s ({1000 / rate:.1f} ms each)")


def levels_benchmark(count: int, megabytes: float) -> None:
    """Signing and verification rates per level against the loopback test PKI."""
    import logging

    from sohoa.tools.testpki import TestPki
    from sohoa.signing.verify import TrustSettings, verify_pdf

    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as temporary, TestPki.start(Path(temporary) / "pki") as pki:
        pdf = make_noisy_scan(Path(temporary) / "scan.pdf", megabytes)
        settings = SigningSettings(pki.pkcs12("signer"), passphrase_file=pki.passphrase_path,
                                   organisation=ORGANISATION, timestamp_url=pki.tsa_url)
        signer = load_signer(settings)
        trust = TrustSettings((pki.root_pem,))
        print(f"input: {len(pdf) / 1e6:.2f} MB PDF/A-2b; test PKI at {pki.base_url}")
        for level in ("B-B", "B-T", "B-LT", "B-LTA"):
            sign_copy(pdf, signer, level=level)  # warm-up (size estimate)
            started = time.perf_counter()
            signed = [sign_copy(pdf, signer, level=level).data for _ in range(count)]
            sign_rate = count / (time.perf_counter() - started)
            started = time.perf_counter()
            verdicts = {verify_pdf(data, trust).indication for data in signed}
            verify_rate = count / (time.perf_counter() - started)
            print(f"{level:>5}: sign {sign_rate:6.1f}/s ({1000 / sign_rate:5.1f} ms)  "
                  f"verify {verify_rate:6.1f}/s ({1000 / verify_rate:5.1f} ms)  {sorted(verdicts)}")


if __name__ == "__main__":
    main()
