"""The `sohoa` command (typer and rich live here and nowhere in the core)."""
