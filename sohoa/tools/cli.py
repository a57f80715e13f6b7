"""`sohoa-lab`: the tools that are not the product, beside the `sohoa` command.

    sohoa-lab corpus generate DIR   synthetic scanned dossiers with ground truth
    sohoa-lab eval DIR              the pipeline scored on a generated corpus
    sohoa-lab train                 the page model trained into the model cache
    sohoa-lab eval-families         leave-one-family-out: trained on one template family, scored on the other
"""

from __future__ import annotations

import os

import typer
from rich.console import Console

from sohoa.tools.evaluation.cli import corpus_app, eval_command
from sohoa.tools.evaluation.families_cli import eval_families_command

app = typer.Typer(help="Tools beside sohoa: the synthetic corpus, the evaluation and the page-model training.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(corpus_app, name="corpus")
app.command("eval")(eval_command)
app.command("eval-families")(eval_families_command)


@app.command()
def train() -> None:
    """Train the page model into the model cache (SOHOA_MODEL_CACHE), unless the same model is already there."""
    from sohoa.catalog import load_catalog
    from sohoa.services.config import default_model_cache
    from sohoa.tools.training.train import train_command

    Console().print(train_command(default_model_cache(os.environ), load_catalog()))


def main() -> None:
    """Entry point of `sohoa-lab`."""
    app()
