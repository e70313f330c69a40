"""Personal data in what a member is about to post: Finnish personal identity codes (with a valid
check character and date, the old century signs and those of 2023, temporary numbers too),
phone numbers and e-mail addresses.

A warning, not a block: the form comes back with the text and what was found, and the member
removes it or confirms that it may be shown; a message sent anyway is held for a moderator
(threads.actions). Tuned against false alarms (tests/personal_data_corpus.py): dates, amounts,
postal codes, business IDs and numbers in a table are not phone numbers.
"""

import re
from dataclasses import dataclass

from stdnum.fi import hetu

IDENTITY_CODE, PHONE, EMAIL = "identity_code", "phone", "email"

_IDENTITY_CODE = re.compile(r"(?<![\w+-])(\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y])(?![\w])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w@])")
# +358 or 00358, or a trunk 0 and an area or mobile code; groups of digits parted by single
# spaces or hyphens; not inside a longer run of digits, dots or slashes (dates, amounts).
_PHONE = re.compile(
    r"(?<![\w.,/+=-])(?:(?:\+|00)358[ -]?(?:\(0\)[ -]?)?[1-9]|0[1-9])(?:[ -]?\d){5,9}"
    r"(?![\w/-]|[.,]\d)"
)
_BUSINESS_ID = re.compile(r"^\d{7}-\d$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_ADDRESS = re.compile(r"\w+://\S+")


@dataclass(frozen=True)
class Finding:
    kind: str  # IDENTITY_CODE, PHONE or EMAIL
    text: str
    line: int  # 1-based, in the text scanned


def scan(text: str) -> list[Finding]:
    """What looks like personal data in `text`, in order."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        for match in _IDENTITY_CODE.finditer(line):
            if hetu.is_valid(match.group(1).upper(), allow_temporary=True):
                found.append(Finding(IDENTITY_CODE, match.group(1), number))
        for match in _EMAIL.finditer(line):
            found.append(Finding(EMAIL, match.group(0), number))
        if _TABLE_ROW.match(line):
            continue  # numbers in a table are figures
        for match in _PHONE.finditer(_ADDRESS.sub(" ", line)):
            digits = re.sub(r"\D", "", match.group(0))
            if 7 <= len(digits) <= 15 and not _BUSINESS_ID.match(match.group(0)):
                found.append(Finding(PHONE, match.group(0), number))
    return found
