"""Preservation over storage and the database: BagIt export of a dossier and fixity audits with replica repair."""
