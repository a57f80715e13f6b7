"""The catalogue/state database (SQLAlchemy 2 + Alembic): SQLite embedded by default, PostgreSQL for the service.

>>> from sohoa.services.db import Database, default_sqlite_url
>>> db = Database(default_sqlite_url(data_dir))   # or SOHOA_DATABASE_URL   # doctest: +SKIP
>>> db.upgrade()                                                            # doctest: +SKIP

See docs/database.md.
"""

from sohoa.services.db.codes import VIETNAM_TIME, DossierCode, parse_dossier_code
from sohoa.services.db.database import MAX_LIST, Database, open_database, utc_now
from sohoa.services.db.engine import ENV_URL, database_url_from_env, default_sqlite_url
from sohoa.services.db.errors import ArtifactNotFound, DatabaseError, DossierConflict, InvalidRecord
from sohoa.services.db.records import (
    ARTIFACT_KINDS,
    AccessRecord,
    ApiUserRecord,
    ArtifactRecord,
    AuditAnchor,
    Channel,
    DossierRecord,
    DossierStatus,
    FixityRecord,
    PreservationEvent,
)

__all__ = [
    "ARTIFACT_KINDS",
    "ENV_URL",
    "MAX_LIST",
    "VIETNAM_TIME",
    "AccessRecord",
    "ApiUserRecord",
    "ArtifactNotFound",
    "ArtifactRecord",
    "AuditAnchor",
    "FixityRecord",
    "PreservationEvent",
    "Channel",
    "Database",
    "DatabaseError",
    "DossierCode",
    "DossierConflict",
    "DossierRecord",
    "DossierStatus",
    "InvalidRecord",
    "database_url_from_env",
    "default_sqlite_url",
    "open_database",
    "parse_dossier_code",
    "utc_now",
]
