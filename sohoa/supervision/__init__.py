"""Supervision (to come): the 766 indicators, violations and reuse of papers already digitized, computed from
the recorded events of the lifecycle."""
