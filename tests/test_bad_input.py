"""The bad-input corpus (sohoa/tools/badinput) through the real `sohoa process` executable and the real API server
(`sohoa serve`): every case refused cleanly (or accepted with its flag), nothing accepted wrongly, no dossier
recorded by a refusal, no server path in an answer. The table is docs/reliability.md "Bad input"."""

from __future__ import annotations

import dataclasses
import os
import uuid

from sohoa.tools.badinput.__main__ import markdown, summary
from sohoa.tools.badinput.corpus import bad_requests, build_corpus
from sohoa.tools.badinput.run import run_corpus
from tests.conftest_s3 import drop_bucket


def test_every_bad_input_is_refused_cleanly_through_the_cli_and_the_api(tmp_path, s3_settings):
    storage = dataclasses.replace(s3_settings, bucket=f"bad-{uuid.uuid4().hex[:12]}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {
        "SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_S3_ENDPOINT": storage.endpoint,
        "SOHOA_S3_ACCESS_KEY": storage.access_key, "SOHOA_S3_SECRET_KEY": storage.secret_key,
        "SOHOA_S3_BUCKET": storage.bucket, "SOHOA_S3_LOCK_MODE": "GOVERNANCE", "SOHOA_S3_RETENTION_DAYS": "1",
        "SOHOA_REDIS_URL": "redis://127.0.0.1:1/0"}  # no queue: nothing refused may be queued either
    try:
        results = run_corpus(build_corpus(tmp_path / "corpus"), bad_requests(), env)
    finally:
        drop_bucket(storage)
    tried, clean, wrong = summary(results)
    assert tried >= 30 and wrong == 0 and clean == tried, markdown(results)
