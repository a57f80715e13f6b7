"""Stage 3, classification: the catalogue rules (`rules`: titles, keywords, separator sheets, the checklist
verdict), the statistical page model they consult (`model`, trained by `sohoa.tools.training`), the key fields
read from the papers (`fields`) and the report's page rows (`report`)."""
