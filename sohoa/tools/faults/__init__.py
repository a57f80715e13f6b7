"""Proof that faults and bad input lose nothing: the fault-injection suite (`make faults`) and the bad-input corpus."""
