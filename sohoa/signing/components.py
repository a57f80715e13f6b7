"""Stage 5: every component signed as the receiving organisation's electronic copy (NĐ 30/2020)."""

from __future__ import annotations

import dataclasses

from sohoa.models.dossier import ComponentBuild, ProgressCallback
from sohoa.pdfa.assemble import check_signed_pdfa
from sohoa.signing.model import CopySigner
from sohoa.signing.signer import sign_copy


def sign_components(builds: tuple[ComponentBuild, ...], signer: CopySigner | None,
                    progress: ProgressCallback) -> tuple[ComponentBuild, ...]:
    """Sign each component as the receiving organisation's electronic copy."""
    if signer is None:
        return builds
    signed = []
    for done, build in enumerate(builds, start=1):
        copy = sign_copy(build.pdfa_path.read_bytes(), signer)
        path = build.pdfa_path.with_suffix(".signed.pdf")
        path.write_bytes(copy.data)
        signed.append(dataclasses.replace(build, signed_path=path, signed_verdict=check_signed_pdfa(path), signer=copy.signer_subject))
        progress("sign", done, len(builds))
    return tuple(signed)
