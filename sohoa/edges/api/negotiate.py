"""Which format a client asked for in its ``Accept`` header (RFC 9110 §12.5.1, quality values honoured)."""

from __future__ import annotations

REPORT_FORMATS = {"application/json": "json", "text/html": "html", "application/pdf": "pdf"}
"""Media types of the verification report and the ``format`` value each stands for."""


def accepted_format(accept: str | None, offered: dict[str, str] = REPORT_FORMATS, default: str = "json") -> str:
    """The offered format the client prefers: the highest quality among the media types it names; ``default`` when
    it names none of them (no header, ``*/*``), so a browser asking for ``text/html,…,*/*;q=0.8`` gets HTML."""
    best, best_quality = default, 0.0
    for item in (accept or "").split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        chosen = offered.get(media_type.lower())
        if chosen is not None and quality > best_quality:
            best, best_quality = chosen, quality
    return best
