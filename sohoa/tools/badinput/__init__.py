"""The bad-input corpus: files and requests sohoa must refuse cleanly, run through the CLI and the API."""
