"""Corrections over HTTP: read a dossier's key fields (confidence, page region, check) and correct one; move a
misclassified page to its component.

GET /dossiers/{code}/fields                      read-report: every document's key fields and the corrections made
PUT /dossiers/{code}/pages/{page}/fields/{name}  process: set a key field of the document covering `page`
POST /dossiers/{code}/pages/{page}/component     upload: put `page` in another component, or out of the checklist
"""


from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path
from pydantic import BaseModel, Field

from sohoa.lifecycle.page_correction import UNEXPECTED, correct_page
from sohoa.services.access import Permission, status_summary
from sohoa.services.db.fields import FieldCorrectionRecord
from sohoa.services.fields import correct_key_field, read_fields


class FieldCorrectionBody(BaseModel):
    """A person's value for a key field."""

    value: str = Field(max_length=1000, description="The value as the paper carries it ('' when the paper has none); "
                                                    "dates as dd/mm/yyyy, ngày … tháng … năm … or ISO.")
    accept_invalid: bool = Field(default=False, description="Keep a value that fails its check (the paper carries it so).")


class PageMoveBody(BaseModel):
    """Where a misclassified page belongs."""

    position: int | None = Field(description="Component position in the procedure's checklist; null: a paper the "
                                             "checklist does not ask for (unexpected).")
    reason: str = Field(default="", max_length=500, description="Why, kept with the correction.")


class PageMoveView(BaseModel):
    """The verdict after a page was moved."""

    dossier_code: str = Field(description="The dossier.")
    status: int = Field(description="The dossier's status after the desk followed the new verdict.")
    checklist: dict[str, Any] = Field(description="The checklist verdict computed again (as `GET /dossiers/{code}` shows it without `read-report`).")
    job_id: str = Field(description="The job that builds the components' copies again with the move (no page is read again).")
    queued: bool = Field(description="False when the queue was unreachable (the job waits for a worker's sweep).")


class FieldCorrectionView(BaseModel):
    """One recorded correction."""

    page: int = Field(description="Dossier page index the correction was made on.")
    field: str = Field(description="Key field name.")
    extracted_value: str = Field(description="The value first read from the page.")
    old_value: str = Field(description="The value before this correction.")
    new_value: str = Field(description="The value set.")
    normalized_value: str = Field(description="Its normal form (report and paper index).")
    actor: str = Field(description="Who.")
    corrected_at: str = Field(description="When, ISO 8601 UTC.")
    event_hash: str = Field(description="Hash of the access-log entry that records it.")


class DocumentFieldsView(BaseModel):
    """One document's key fields."""

    pages: list[int] = Field(description="Dossier page indexes.")
    position: int | None = Field(description="Checklist component.")
    document_type: str | None = Field(description="Document type recognised.")
    fields: list[dict[str, Any]] = Field(description="The key fields (report schema KeyField).")


class DossierFieldsView(BaseModel):
    """The key fields of a dossier and their corrections."""

    dossier_code: str = Field(description="The dossier.")
    documents: list[DocumentFieldsView] = Field(description="Every document found, in page order.")
    corrections: list[FieldCorrectionView] = Field(description="Every correction, oldest first.")


def correction_view(record: FieldCorrectionRecord) -> FieldCorrectionView:
    """A recorded correction as the API shows it."""
    return FieldCorrectionView(**{**vars(record), "corrected_at": record.corrected_at.isoformat()})


def install_field_routes(app: FastAPI, RuntimeDep, caller, get_queue, worker_settings) -> None:  # noqa: N803 - a type alias
    """Register GET /dossiers/{code}/fields and PUT /dossiers/{code}/pages/{page}/fields/{name}."""

    @app.get("/dossiers/{code}/fields", response_model=DossierFieldsView)
    def dossier_fields(code: str, runtime: RuntimeDep, user: caller(Permission.READ_REPORT)) -> DossierFieldsView:
        """Every document's key fields with confidence, page region and check, and the corrections made."""
        documents, corrections = read_fields(runtime.database, code, f"api:{user.name}")
        return DossierFieldsView(dossier_code=code, corrections=[correction_view(c) for c in corrections],
                                 documents=[DocumentFieldsView(pages=list(d.pages), position=d.position,
                                                               document_type=d.document_type, fields=list(d.fields))
                                            for d in documents])

    @app.put("/dossiers/{code}/pages/{page}/fields/{name}", response_model=FieldCorrectionView)
    def correct_field(code: str, page: Annotated[int, Path(ge=0, le=100_000)], name: str, body: FieldCorrectionBody,
                      runtime: RuntimeDep, user: caller(Permission.PROCESS)) -> FieldCorrectionView:
        """Set key field `name` (number, issue_date, issuer, enterprise_code, enterprise_name) of the document covering page `page`; 422 when the value
        fails its check and `accept_invalid` is not set, 404 when no document covers the page."""
        record = correct_key_field(runtime.database, code, page, name, body.value, f"api:{user.name}",
                                   body.accept_invalid)
        return correction_view(record)

    @app.post("/dossiers/{code}/pages/{page}/component", response_model=PageMoveView)
    def move_page(code: str, page: Annotated[int, Path(ge=0, le=100_000)], body: PageMoveBody, runtime: RuntimeDep,
                  user: caller(Permission.UPLOAD), queue=Depends(get_queue)) -> PageMoveView:
        """Put page `page` in component `position` (null: unexpected), compute the checklist verdict again and queue
        the job that builds the components' copies with the move; 404 for a page the dossier does not have, 422 for
        a component not on its checklist, 409 when the dossier is past the desk or being digitized."""
        from sohoa.edges.workers.jobs import queue_order

        report, order = correct_page(runtime, code, page, UNEXPECTED if body.position is None else body.position,
                                     f"api:{user.name}", body.reason)
        return PageMoveView(dossier_code=code, status=int(runtime.database.get_dossier(code).status),
                            checklist=status_summary(report.model_dump(mode="json"))["checklist"], job_id=order.job_id,
                            queued=queue_order(queue, order, worker_settings))
