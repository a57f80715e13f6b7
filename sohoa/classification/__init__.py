"""Classification of dossier pages: statistical page model, OCR-noise simulation, field extraction, evaluation.

The entry points the pipeline calls stay in `sohoa.classify` (`classify_pages`, `checklist_verdict`).
"""
