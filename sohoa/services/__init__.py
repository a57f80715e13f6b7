"""What the edges share, apart from the stages: configuration, the runtime built once per process, the
database, the hash-chained audit log, access control, search and the preservation jobs (BagIt, fixity)."""
