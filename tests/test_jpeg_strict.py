"""A JPEG whose data is cut (even with an end marker appended, which passes a marker search) is refused when its
page is decoded, naming the file and the page; a sound JPEG decodes to the same pixels as OpenCV, upright by its
EXIF orientation (issue 14)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from sohoa.errors import InputRejected
from sohoa.intake.files import IntakeLimits, PageSource, inspect_file, list_pages
from sohoa.ocr.prepare import decode_page
from tests.conftest import sample_files

JPEG = next(path for path in sample_files() if path.suffix == ".jpg")


def _page(path):
    return list_pages((inspect_file(path, IntakeLimits()),))[0]


def test_a_jpeg_cut_in_half_with_an_end_marker_is_refused_at_decoding(tmp_path):
    data = JPEG.read_bytes()
    cut = tmp_path / "to-khai.jpg"
    cut.write_bytes(data[: len(data) // 2] + b"\xff\xd9")
    # Intake refuses it too (tests/test_intake.py); the page stage still checks a page that reaches it otherwise.
    page = PageSource(index=0, file_name=cut.name, path=cut, media_type="image/jpeg", frame=0, born_digital_text=None)
    with pytest.raises(InputRejected) as refused:
        decode_page(page, tmp_path, 300)
    message = str(refused.value)
    assert message.startswith("to-khai.jpg: page 1 cannot be decoded") and "Corrupt JPEG data" in message
    assert str(tmp_path) not in message


def test_a_sound_jpeg_decodes_like_opencv_and_upright_by_its_exif_orientation(tmp_path):
    with Image.open(JPEG) as image:
        small = image.convert("RGB").resize((300, 200))
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=90, exif=exif, dpi=(300, 300))
        path = tmp_path / f"o{orientation}.jpg"
        path.write_bytes(buffer.getvalue())
        pixels, dpi = decode_page(_page(path), tmp_path, 300)
        expected = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)  # honours EXIF
        assert pixels.shape == expected.shape, orientation
        assert np.abs(pixels.astype(int) - expected.astype(int)).max() <= 1, orientation
        assert dpi == 300
