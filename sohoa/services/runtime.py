"""What every edge builds once: the engines, the database, the settings and the signing key of one process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sohoa.archive import S3ObjectStore, ensure_embedded_storage
from sohoa.catalog import load_catalog
from sohoa.intake.files import IntakeLimits
from sohoa.ocr.pages import PageSettings, default_jobs
from sohoa.pipeline import Engines, PipelineSettings
from sohoa.services.config import Config
from sohoa.services.db import Database, open_database
from sohoa.signing import CopySigner, SigningSettings, init_demo_identity, load_signer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """The engines and settings of one process, built once at its edge."""

    config: Config
    """Where everything is."""
    database: Database
    """Dossier state and access log."""
    engines: Engines
    """Storage, catalogue, signer."""
    settings: PipelineSettings
    """Pipeline settings."""
    demo_identity: bool
    """True when signing with the local DEMO identity (not for production)."""


def build_runtime(config: Config, sign: bool = True) -> Runtime:
    """Connect to storage and the database, load the catalogue and the signing key."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    storage = config.storage or ensure_embedded_storage(config.data_dir / "s3")
    database = open_database(config.database_url)
    signer, demo = _signer(config) if sign else (None, False)
    engines = Engines(store=S3ObjectStore(storage), catalog=load_catalog(extra=config.catalog_dir), signer=signer)
    return Runtime(config=config, database=database, engines=engines, settings=pipeline_settings(config), demo_identity=demo)


def pipeline_settings(config: Config) -> PipelineSettings:
    """The pipeline settings of `config` (the page cache under its data directory)."""
    limits = IntakeLimits(max_dossier_files=config.max_dossier_files, max_dossier_pages=config.max_dossier_pages)
    return PipelineSettings(pages=PageSettings(), jobs=config.jobs or default_jobs(), organisation=config.organisation,
                            model_cache=config.model_cache, page_cache=config.data_dir / "pages", limits=limits)


def _signer(config: Config) -> tuple[CopySigner, bool]:
    if config.signing_pkcs12 is not None:
        settings = SigningSettings(pkcs12_path=config.signing_pkcs12, passphrase_file=config.signing_passphrase_file,
                                   organisation=config.organisation, timestamp_url=config.timestamp_url,
                                   trust_anchors=config.trust_anchors)
        return load_signer(settings), False
    identity = init_demo_identity(config.data_dir / "pki", config.organisation)
    log.warning("signing with the local DEMO identity %s: NOT FOR PRODUCTION (set SOHOA_SIGNING_P12)", identity.subject)
    settings = SigningSettings(pkcs12_path=identity.pkcs12_path, passphrase_file=identity.passphrase_path,
                               organisation=config.organisation)
    return load_signer(settings), True
