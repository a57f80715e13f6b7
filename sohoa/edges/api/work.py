"""The digitization work of a dossier over HTTP: its jobs, and running a failed one again (admin)."""


from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, Field

from sohoa.edges.workers.jobs import queue_order as hand_to_queue
from sohoa.edges.workers.settings import WorkerSettings
from sohoa.services.access import Permission, logged_access
from sohoa.services.db.work import WorkRecord


class WorkView(BaseModel):
    """One digitization job of a dossier."""

    job_id: str = Field(description="Queue job id.")
    state: str = Field(description="queued, working, retrying, done or failed.")
    attempts: int = Field(description="How many times a worker started it.")
    error: str | None = Field(description="Why the last attempt failed, if one did.")
    updated_at: str = Field(description="When its state last changed, ISO 8601.")


def work_view(work: WorkRecord) -> dict:
    """A job as the API shows it."""
    return WorkView(job_id=work.job_id, state=work.state, attempts=work.attempts, error=work.error,
                    updated_at=work.updated_at.isoformat()).model_dump()


def install_work_routes(app: FastAPI, RuntimeDep, get_queue, caller, settings: WorkerSettings) -> None:  # noqa: N803
    """Register GET /dossiers/{code}/work and POST /dossiers/{code}/retry."""
    @app.get("/dossiers/{code}/work", response_model=list[WorkView])
    def dossier_work(code: str, runtime: RuntimeDep, user: caller(Permission.READ_STATUS)) -> list[dict]:
        """The dossier's digitization jobs: state, attempts and the reason of a failure."""
        with logged_access(runtime.database, code, f"api:{user.name}", "work"):
            runtime.database.get_dossier(code)
            return [work_view(work) for work in runtime.database.work_of(code)]

    @app.post("/dossiers/{code}/retry", status_code=202)
    def retry_dossier_work(code: str, request: Request, runtime: RuntimeDep, user: caller(Permission.RETRY),
                           queue=Depends(get_queue)) -> dict:
        """Queue again the dossier's failed digitization (409 when nothing failed)."""
        from sohoa.lifecycle.work import retry_dossier

        orders = retry_dossier(runtime, code, f"api:{user.name}")
        queued = all(hand_to_queue(queue, order, settings) for order in orders)
        return {"dossier_code": code, "job_ids": [order.job_id for order in orders], "queued": queued,
                "status_url": str(request.url_for("dossier_status", code=code))}
