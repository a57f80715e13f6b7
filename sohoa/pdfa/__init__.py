"""Stage 4, PDF/A: one PDF/A-2b per component, and the PDF/A-2b check of signed files."""
