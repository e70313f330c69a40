"""The personal-data check finds identity codes, phone numbers and e-mail addresses, and raises no
alarm on dates, amounts, postal codes, business IDs or figures in a table."""

import pytest

from forum.personal_data import scan
from tests.personal_data_corpus import FOUND, NOT_FOUND


def test_the_corpus_is_large_enough():
    assert len(FOUND) >= 40 and len(NOT_FOUND) >= 40


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[text[:40] for text, _ in FOUND])
def test_finds_personal_data(text, expected):
    assert [(found.kind, found.text) for found in scan(text)] == expected


@pytest.mark.parametrize("text", NOT_FOUND, ids=[text[:40] for text in NOT_FOUND])
def test_no_false_alarm(text):
    assert scan(text) == []


def test_the_line_is_given():
    assert [found.line for found in scan("Ensimmäinen\n\nKolmas 040 123 4567")] == [3]
