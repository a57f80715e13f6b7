"""The core of the web pages on SQLite: sessions end with their account or token, form tokens are checked,
check codes depend on the secret, wrong lookups make the client wait (and a right one then waits too)."""

from __future__ import annotations

import pytest

from sohoa.errors import DossierNotFound
from sohoa.services.access import NotAuthenticated, Role, issue_token
from sohoa.services.db import Database
from sohoa.services.lookup import FREE_ATTEMPTS, LookupThrottled, check_code, load_secret, public_lookup
from sohoa.services.sessions import FormRefused, check_form, find_session, sign_in, sign_out


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'web.db'}")
    db.upgrade()
    yield db
    db.close()


def _user(database, name="mot-cua-01"):
    token, digest = issue_token()
    database.add_api_user(name, Role.INTAKE, digest)
    return name, token


def test_a_session_ends_on_logout_revocation_and_rotation(database):
    name, token = _user(database)
    with pytest.raises(NotAuthenticated):
        sign_in(database, name, token + "x", "POST /dang-nhap")
    opened = sign_in(database, name, token, "POST /dang-nhap")
    assert find_session(database, opened.cookie_value).principal.name == name
    assert find_session(database, opened.cookie_value + "x") is None
    sign_out(database, opened.cookie_value, opened.session)
    assert find_session(database, opened.cookie_value) is None

    again = sign_in(database, name, token, "POST /dang-nhap")
    _, new_digest = issue_token()
    database.replace_api_token(name, new_digest)
    assert find_session(database, again.cookie_value) is None  # a rotated token ends the sessions opened with it
    other_name, other_token = _user(database, "mot-cua-02")
    third = sign_in(database, other_name, other_token, "POST /dang-nhap")
    database.revoke_api_user(other_name)
    assert find_session(database, third.cookie_value) is None
    with pytest.raises(NotAuthenticated):  # another user's token does not open this user's session
        sign_in(database, name, other_token, "POST /dang-nhap")


def test_form_tokens_are_checked(database):
    name, token = _user(database)
    session = sign_in(database, name, token, "POST /dang-nhap").session
    check_form(session, session.csrf_token)
    for wrong in (None, "", session.csrf_token[:-1], "x" * 43):
        with pytest.raises(FormRefused):
            check_form(session, wrong)


def test_check_codes_need_the_secret_and_wrong_lookups_wait(database, tmp_path):
    from datetime import datetime, timezone

    secret = load_secret(tmp_path)
    assert load_secret(tmp_path) == secret and (tmp_path / "lookup-secret").stat().st_mode & 0o077 == 0
    received = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    code = database.allocate_dossier_code("000.00.00.H00", received)
    database.create_dossier(code, "2.000620", None, 1, received)
    right = check_code(secret, code)
    assert right != check_code(b"another secret", code) and right != check_code(secret, code[:-1] + "9")
    assert public_lookup(database, secret, code, right.lower().replace("-", ""), "10.0.0.1").status_name == "Được tiếp nhận"
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(DossierNotFound):
            public_lookup(database, secret, code, "AAAA-AAAA", "10.0.0.1")
    with pytest.raises(LookupThrottled):
        public_lookup(database, secret, code, right, "10.0.0.1")
    assert public_lookup(database, secret, code, right, "10.0.0.2").dossier_code == code  # another client
    outcomes = [entry.outcome for entry in database.access_log(code)]
    assert any(o.startswith("not found") for o in outcomes) and any(o.startswith("refused") for o in outcomes)
