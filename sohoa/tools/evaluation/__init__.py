"""The evaluation harness: run the pipeline over a generated corpus and score it against its truth.

>>> from sohoa.tools.evaluation import evaluate_corpus, render_table
>>> report = evaluate_corpus(Path("corpus"), runtime.settings, runtime.engines, split="test")  # doctest: +SKIP

Figures: CER and WER (NFC, whitespace-normalised), page→component accuracy, checklist decisions
(exact match of the missing set), document boundary F1, unexpected-document recall, pages per
minute. See docs/evaluation.md.
"""

from sohoa.tools.evaluation.metrics import (
    BoundaryCount, EditCount, UnexpectedCount, boundary_count, boundary_f1, cer, char_errors, checklist_match,
    document_starts, levenshtein, normalize_text, unexpected_count, wer, word_errors,
)
from sohoa.tools.evaluation.models import Confusion, DossierRow, EvaluationReport, PageRow, Totals
from sohoa.tools.evaluation.table import percent, render_confusions, render_table

_RUNNER = ("CorpusDossier", "CorpusError", "EvalProgress", "aggregate", "evaluate_corpus", "load_dossiers", "predicted_document_starts",
           "score_dossier")


def __getattr__(name: str):  # the runner imports the whole pipeline: load it on first use, so the CLI starts fast
    if name in _RUNNER:
        from sohoa.tools.evaluation import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BoundaryCount", "Confusion", "CorpusDossier", "CorpusError", "DossierRow", "EditCount", "EvalProgress",
    "EvaluationReport", "PageRow", "Totals", "UnexpectedCount", "aggregate", "boundary_count", "boundary_f1", "cer",
    "char_errors", "checklist_match", "document_starts", "evaluate_corpus", "levenshtein", "load_dossiers",
    "normalize_text", "percent", "predicted_document_starts", "render_confusions", "render_table", "score_dossier", "unexpected_count", "wer",
    "word_errors",
]
