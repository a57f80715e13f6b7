"""Active content in a PDF: what could run or carry a payload when the file is opened (JavaScript, launch
actions, embedded files, XFA forms). Intake names it for the report; the PDF/A copies never carry it
(`sohoa.pdfa.assemble` keeps only page content)."""

from __future__ import annotations

import pikepdf

_RUNNING_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "a launch action (runs a program)",
                    "/ImportData": "an import-data action", "/SubmitForm": "a form-submit action"}


def _action_kind(action) -> str | None:
    if not isinstance(action, pikepdf.Dictionary):
        return None
    return _RUNNING_ACTIONS.get(str(action.get("/S", "")))


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
        for annotation in page.obj.get("/Annots", []) or []:
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            if annotation.get("/Subtype") == "/FileAttachment":
                found.append(f"an attached file on page {number}")
            found += [f"{kind} in a link on page {number}" for kind in _actions_of(annotation)]
    return tuple(dict.fromkeys(found))


def strip_page_actions(page: pikepdf.Page) -> None:
    """Remove from a page (of a copy being built) its additional actions and the annotations that run
    something or carry a file; the page's content stays as it is."""
    if "/AA" in page.obj:
        del page.obj["/AA"]
    annotations = page.obj.get("/Annots")
    if annotations is None:
        return
    kept = [a for a in annotations if isinstance(a, pikepdf.Dictionary)
            and a.get("/Subtype") != "/FileAttachment" and not _actions_of(a)]
    if kept:
        page.obj["/Annots"] = pikepdf.Array(kept)
    else:
        del page.obj["/Annots"]
