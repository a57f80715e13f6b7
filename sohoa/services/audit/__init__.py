"""Tamper-evident audit log: the hash-chained access log, its verification and its anchors in
write-once storage. See ``docs/audit.md``."""

from sohoa.services.audit.chain import ANCHOR_PREFIX, ChainVerdict, anchor_chain_head, verify_audit_chain

__all__ = ["ANCHOR_PREFIX", "ChainVerdict", "anchor_chain_head", "verify_audit_chain"]
