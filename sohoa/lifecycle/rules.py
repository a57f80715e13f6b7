"""The lifecycle's rules as data: actions and the statuses they join, the holiday calendar, the department of each
procedure. Read from ``sohoa/lifecycle/data/*.yaml`` (or the files an agency points to), validated here.

Everything is pure: which status an action leads to, whether it is allowed, when a dossier is promised.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, field_validator

from sohoa.lifecycle.errors import IllegalTransition, LifecycleDataError
from sohoa.lifecycle.workdays import add_working_days
from sohoa.models.base import FrozenModel
from sohoa.services.db import VIETNAM_TIME, DossierStatus

DATA_DIR = Path(__file__).with_name("data")
"""The shipped data files."""
END_OF_WORKING_DAY = dt.time(17, 0)
"""A promised date means the end of that working day, Vietnam time."""


class Action(FrozenModel):
    """One thing that can happen to a dossier."""

    title: str = Field(description="Vietnamese name, as the forms and the history show it.")
    from_statuses: tuple[int, ...] = Field(alias="from", description="Statuses it may start from; empty: only "
                                                                      "the registration of a new dossier.")
    to: int | Literal["previous", "same"] = Field(description="Status it leads to; `previous`: the one before the "
                                                               "request to supplement; `same`: unchanged.")
    form: str | None = Field(default=None, description="The national form it issues (mau-01 … mau-04), if one.")
    reason_required: bool = Field(default=False, description="A reason must be given (a refusal, a stop …).")
    needs_result: Literal["result", "apology"] | None = Field(
        default=None, description="A signed document of this kind must be handed in with the action.")


class Transitions(FrozenModel):
    """The actions of ``transitions.yaml``, by id."""

    actions: dict[str, Action] = Field(description="Action id → action.")

    @field_validator("actions")
    @classmethod
    def _statuses_exist(cls, actions: dict[str, Action]) -> dict[str, Action]:
        codes = {int(status) for status in DossierStatus}
        for name, action in actions.items():
            unknown = [s for s in (*action.from_statuses, action.to) if isinstance(s, int) and s not in codes]
            if unknown:
                raise ValueError(f"action {name}: unknown status {unknown[0]} (national codes are 1-10)")
        return actions

    def action(self, name: str) -> Action:
        """The action called `name`; :class:`IllegalTransition` naming the known ones when there is none."""
        try:
            return self.actions[name]
        except KeyError:
            raise IllegalTransition(f"unknown action {name!r}; known: {', '.join(sorted(self.actions))}") from None

    def target(self, name: str, current: DossierStatus | None, before_supplement: DossierStatus | None,
               code: str = "") -> DossierStatus:
        """The status `name` leads to from `current`; :class:`IllegalTransition` when it may not happen now."""
        action = self.action(name)
        allowed = current is None if not action.from_statuses else current is not None and int(current) in action.from_statuses
        if not allowed:
            starts = ", ".join(f"{s} {DossierStatus(s).vietnamese}" for s in action.from_statuses) or "a new dossier"
            now = f"{int(current)} {current.vietnamese}" if current is not None else "none"
            raise IllegalTransition(f"dossier {code}: {name} ({action.title}) is not allowed in status {now}; "
                                    f"only from {starts}")
        if action.to == "same":
            return current  # type: ignore[return-value]
        if action.to == "previous":
            return before_supplement or DossierStatus.RECEIVED_NEW
        return DossierStatus(action.to)


class HolidayCalendar(FrozenModel):
    """Days off besides weekends."""

    fixed: tuple[str, ...] = Field(description="Month-day (MM-DD) of holidays every year.")
    years: dict[int, tuple[dt.date, ...]] = Field(default_factory=dict, description="Year → its announced days off "
                                                                                    "(Tết, Giỗ Tổ, compensatory days).")

    @field_validator("fixed")
    @classmethod
    def _month_days(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            dt.date.fromisoformat(f"2024-{value}")  # 2024 is a leap year: 02-29 is accepted
        return values

    def holidays(self, first_year: int, last_year: int) -> frozenset[dt.date]:
        """Every day off (fixed and announced) from `first_year` to `last_year`."""
        days = {dt.date.fromisoformat(f"{year}-{value}") for year in range(first_year, last_year + 1)
                for value in self.fixed if value != "02-29" or year % 4 == 0}
        for year in range(first_year, last_year + 1):
            days.update(self.years.get(year, ()))
        return frozenset(days)

    def announced(self, year: int) -> bool:
        """Whether the year's lunar holidays are in the calendar."""
        return year in self.years

    def promised_at(self, received_at: dt.datetime, processing_days: int) -> dt.datetime:
        """End of the working day `processing_days` working days after the day of receipt (Vietnam time)."""
        day = received_at.astimezone(VIETNAM_TIME).date()
        holidays = self.holidays(day.year, day.year + 1 + processing_days // 200)
        promised = add_working_days(day, processing_days, holidays)
        return dt.datetime.combine(promised, END_OF_WORKING_DAY, VIETNAM_TIME)


class Departments(FrozenModel):
    """Which department handles a procedure."""

    default: str = Field(description="Department of procedures not listed.")
    procedures: dict[str, str] = Field(default_factory=dict, description="Procedure code or code prefix → department.")

    def for_procedure(self, code: str) -> str:
        """The department of procedure `code`: exact code, else the longest listed prefix, else the default."""
        if code in self.procedures:
            return self.procedures[code]
        prefixes = [prefix for prefix in self.procedures if code.startswith(prefix)]
        return self.procedures[max(prefixes, key=len)] if prefixes else self.default


class LifecycleRules(FrozenModel):
    """All three files, loaded once at the edge."""

    transitions: Transitions = Field(description="Actions and statuses.")
    calendar: HolidayCalendar = Field(description="Days off.")
    departments: Departments = Field(description="Department per procedure.")


def load_rules(data_dir: Path | None = None) -> LifecycleRules:
    """The rules in `data_dir` (default: the shipped ones); :class:`LifecycleDataError` naming the file and field."""
    return _load(Path(data_dir or DATA_DIR))


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> LifecycleRules:
    parts = {"transitions": Transitions, "calendar": HolidayCalendar, "departments": Departments}
    values = {}
    for name, model in parts.items():
        path = directory / f"{name}.yaml"
        try:
            values[name] = model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except OSError as error:
            raise LifecycleDataError(f"cannot read {path}: {error.strerror}") from None
        except (yaml.YAMLError, ValidationError) as error:
            raise LifecycleDataError(f"{path} does not match its schema: {error}") from None
    return LifecycleRules(**values)


__all__ = ["Action", "Departments", "HolidayCalendar", "LifecycleRules", "Transitions", "load_rules"]
