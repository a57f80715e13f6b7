"""Active content in a PDF: what could run or carry a payload when the file is opened (JavaScript, launch
actions, embedded files, XFA forms). Intake names it for the report; the PDF/A copies never carry it
(`sohoa.pdfa.assemble` keeps only page content)."""

from __future__ import annotations

import pikepdf

_RUNNING_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "a launch action (runs a program)",
                    "/ImportData": "an import-data action", "/SubmitForm": "a form-submit action",
                    "/Rendition": "a rendition action", "/GoToE": "a jump into an embedded file"}
_MEDIA_ANNOTATIONS = {"/FileAttachment": "an attached file", "/Screen": "a media screen", "/RichMedia": "rich media",
                      "/Movie": "a movie", "/Sound": "a sound"}
_MAX_CHAIN = 50
"""Actions followed along /Next (a chain longer than this is itself suspect and counts as active)."""


def _action_kind(action, depth: int = 0) -> str | None:
    """What runs when `action` does, following its /Next actions; None for a harmless one (a link, a jump)."""
    if isinstance(action, pikepdf.Array):
        return next((kind for item in action if (kind := _action_kind(item, depth + 1))), None)
    if not isinstance(action, pikepdf.Dictionary):
        return None
    if depth > _MAX_CHAIN:
        return "a chain of actions too long to follow"
    kind = _RUNNING_ACTIONS.get(str(action.get("/S", "")))
    if kind is None and "/JS" in action:
        kind = "JavaScript"
    return kind or _action_kind(action.get("/Next"), depth + 1)


def _annotations(page) -> list:
    annotations = page.obj.get("/Annots")
    return [a for a in annotations if isinstance(a, pikepdf.Dictionary)] if isinstance(annotations, pikepdf.Array) else []


def _actions_of(dictionary) -> list[str]:
    """Running actions in a dictionary's /A and in its /AA (additional actions) entries."""
    found = [_action_kind(dictionary.get("/A"))]
    additional = dictionary.get("/AA")
    if isinstance(additional, pikepdf.Dictionary):
        found += [_action_kind(additional.get(key)) for key in additional.keys()]
    return [kind for kind in found if kind]


def active_content(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    """Short descriptions of the active content in `pdf`, e.g. "JavaScript run on open"; () when there is none."""
    root, found = pdf.Root, []
    opening = _action_kind(root.get("/OpenAction"))
    if opening:
        found.append(f"{opening} run on open")
    found += [f"{kind} (document action)" for kind in _actions_of(root) if kind]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            found.append("document-level JavaScript")
        found += [f"embedded file {name!r}" for name in pdf.attachments.keys()]
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        found.append("an XFA form")
    for number, page in enumerate(pdf.pages, start=1):
        found += [f"{kind} on page {number}" for kind in _actions_of(page.obj)]
        for annotation in _annotations(page):
            media = _MEDIA_ANNOTATIONS.get(str(annotation.get("/Subtype", "")))
            if media:
                found.append(f"{media} on page {number}")
            found += [f"{kind} in a link on page {number}" for kind in _actions_of(annotation)]
    return tuple(dict.fromkeys(found))


def strip_page_actions(page: pikepdf.Page) -> None:
    """Remove from a page (of a copy being built) its additional actions and the annotations that run
    something or carry a file; the page's content stays as it is."""
    if "/AA" in page.obj:
        del page.obj["/AA"]
    if "/Annots" not in page.obj:
        return
    kept = [a for a in _annotations(page)
            if str(a.get("/Subtype", "")) not in _MEDIA_ANNOTATIONS and not _actions_of(a)]
    if kept:
        page.obj["/Annots"] = pikepdf.Array(kept)
    else:
        del page.obj["/Annots"]
