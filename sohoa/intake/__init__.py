"""Stage 1, intake: every handed-in file identified by its content and checked, its pages listed."""
