"""Docs stay true to the code: every report field is documented; the README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from sohoa.models import report

ROOT = Path(__file__).resolve().parent.parent


def test_every_report_field_is_documented():
    documented = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    models = [m for m in vars(report).values() if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == report.__name__]
    for model in models:
        if model.__name__.startswith("_"):
            continue
        assert f"## {model.__name__}" in documented, model.__name__
        for name in model.model_fields:
            assert f"| `{name}` |" in documented, f"{model.__name__}.{name}"


def test_readme_first_screen_gives_the_two_make_targets_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:20])
    assert "make demo" in first_screen and "make test" in first_screen
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert {"demo", "test"} <= targets
