"""Configuration, read from the environment once at the edge (CLI, API, worker), never inside a stage."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sohoa.archive import StorageSettings, settings_from_env
from sohoa.errors import SettingInvalid
from sohoa.services.db import default_sqlite_url


@dataclass(frozen=True)
class Config:
    """Everything an edge needs to build the engines. `Config.from_env()` documents each variable."""

    data_dir: Path
    """SOHOA_DATA_DIR: embedded database, embedded S3 data, demo PKI (default ~/.local/share/sohoa)."""
    database_url: str
    """SOHOA_DATABASE_URL: SQLAlchemy URL (default SQLite in the data dir)."""
    redis_url: str
    """SOHOA_REDIS_URL: Redis for the RQ queue (default redis://127.0.0.1:6379/0)."""
    queue_name: str
    """SOHOA_QUEUE: RQ queue name (default 'sohoa')."""
    storage: StorageSettings | None
    """SOHOA_S3_*: an S3 endpoint; None means the embedded SeaweedFS under the data dir."""
    signing_pkcs12: Path | None
    """SOHOA_SIGNING_P12: the organisation's PKCS#12; None means the local DEMO identity (not for production)."""
    signing_passphrase_file: Path | None
    """SOHOA_SIGNING_PASSPHRASE_FILE: file holding the PKCS#12 passphrase (else SOHOA_SIGNING_PASSPHRASE)."""
    organisation: str
    """SOHOA_ORGANISATION: receiving organisation printed in the copy mark."""
    agency_code: str
    """SOHOA_AGENCY_CODE: receiving agency code, the first part of dossier codes."""
    jobs: int
    """SOHOA_JOBS: pages processed at once (default: one per core)."""
    model_cache: Path
    """SOHOA_MODEL_CACHE: where the trained page classifier is cached (default $XDG_CACHE_HOME/sohoa or ~/.cache/sohoa)."""
    catalog_dir: Path | None = None
    """SOHOA_CATALOG_DIR: the agency's own procedure files (e.g. from `sohoa catalog import`), loaded on top of the
    shipped catalogue (default: none)."""
    lifecycle_dir: Path | None = None
    """SOHOA_LIFECYCLE_DIR: a folder with the agency's own transitions.yaml, calendar.yaml and departments.yaml
    (default: the shipped ones in sohoa/lifecycle/data)."""
    public_url: str = "http://127.0.0.1:8000"
    """SOHOA_PUBLIC_URL: the address citizens and auditors reach the service at (printed in QR codes)."""
    timestamp_url: str | None = None
    """SOHOA_TSA_URL: RFC 3161 timestamping service; with it results are signed at PAdES B-LTA (else B-B)."""
    trust_anchors: tuple[Path, ...] = ()
    """SOHOA_TRUST_ANCHORS: PEM root certificates (separated by ':') for the revocation data embedded at B-LT/B-LTA."""
    max_dossier_files: int = 500
    """SOHOA_MAX_DOSSIER_FILES: most files one dossier may hold, its supplements included (default 500)."""
    max_dossier_pages: int = 2000
    """SOHOA_MAX_DOSSIER_PAGES: most pages one dossier may hold, its supplements included (default 2000)."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("SOHOA_DATA_DIR") or Path.home() / ".local" / "share" / "sohoa").expanduser()
        p12 = env.get("SOHOA_SIGNING_P12")
        passphrase_file = env.get("SOHOA_SIGNING_PASSPHRASE_FILE")
        return cls(
            data_dir=data_dir,
            database_url=env.get("SOHOA_DATABASE_URL") or default_sqlite_url(data_dir.resolve()),
            redis_url=env.get("SOHOA_REDIS_URL") or "redis://127.0.0.1:6379/0",
            queue_name=env.get("SOHOA_QUEUE") or "sohoa",
            storage=settings_from_env(env),
            signing_pkcs12=Path(p12) if p12 else None,
            signing_passphrase_file=Path(passphrase_file) if passphrase_file else None,
            organisation=env.get("SOHOA_ORGANISATION") or "Trung tâm Phục vụ hành chính công (DEMO)",
            agency_code=env.get("SOHOA_AGENCY_CODE") or "000.00.00.H00",
            jobs=_jobs(env),
            model_cache=default_model_cache(env),
            catalog_dir=Path(env["SOHOA_CATALOG_DIR"]) if env.get("SOHOA_CATALOG_DIR") else None,
            lifecycle_dir=Path(env["SOHOA_LIFECYCLE_DIR"]) if env.get("SOHOA_LIFECYCLE_DIR") else None,
            public_url=(env.get("SOHOA_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
            timestamp_url=env.get("SOHOA_TSA_URL") or None,
            trust_anchors=tuple(Path(p) for p in (env.get("SOHOA_TRUST_ANCHORS") or "").split(":") if p),
            max_dossier_files=_whole_number(env, "SOHOA_MAX_DOSSIER_FILES", 500, "a number of files", minimum=1),
            max_dossier_pages=_whole_number(env, "SOHOA_MAX_DOSSIER_PAGES", 2000, "a number of pages", minimum=1),
        )


def _jobs(env: Mapping[str, str]) -> int:
    return _whole_number(env, "SOHOA_JOBS", 0, "a whole number of pages at once (0: one per core)")


def _whole_number(env: Mapping[str, str], name: str, default: int, meaning: str, minimum: int = 0) -> int:
    raw = (env.get(name) or str(default)).strip()
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingInvalid(name, raw, f"{meaning}, at least {minimum}" if minimum else meaning)
    return int(raw)


def check_environment(environ: Mapping[str, str] | None = None) -> Config:
    """Read every setting a long-running edge (API, worker) uses, so that a wrong value stops it at start with
    :class:`SettingInvalid` naming the variable, instead of failing the first request that needs it."""
    from sohoa.archive.settings import replica_settings_from_env
    from sohoa.signing.verify import TrustSettings

    env = dict(os.environ if environ is None else environ)
    config = Config.from_env(env)
    TrustSettings.from_env(env, config.data_dir)
    if config.storage is not None:
        replica_settings_from_env(env, config.storage)
    return config


def default_model_cache(environ: Mapping[str, str]) -> Path:
    """SOHOA_MODEL_CACHE from `environ`, else $XDG_CACHE_HOME/sohoa, else ~/.cache/sohoa."""
    base = environ.get("SOHOA_MODEL_CACHE") or os.path.join(environ.get("XDG_CACHE_HOME") or
                                                             os.path.expanduser("~/.cache"), "sohoa")
    return Path(base).expanduser()
