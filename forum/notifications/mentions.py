"""@mentions: "@Aino Virtanen" in a message tells Aino, in the message's transaction.

Members have display names, not user names, so a mention is "@" and the name as shown, one to four
words; the longest name that a member has wins ("@Aino Virtanen kiitos" finds "Aino Virtanen"
before "Aino"). A name two members share mentions neither: telling the wrong person about a
message on someone's health is worse than telling nobody. Only members in good standing who
may read the message are told, at most MAX_MENTIONS a message, and not its author.
"""

import re

from sqlalchemy import func, select

from forum import policy
from forum.auth.models import Membership, User
from forum.extensions import db
from forum.threads.models import Post

MAX_MENTIONS = 10
_IN_GOOD_STANDING = (
    User.active.is_(True),
    User.email_confirmed_at.is_not(None),
    User.membership == Membership.APPROVED,
)
_MENTION = re.compile(r"(?<![\w@])@(\w[\w'’.-]*(?:[ \u00a0]\w[\w'’.-]*){0,3})")


def candidate_names(text: str) -> list[str]:
    """Every name a mention in `text` may stand for, lower-cased: each mention's one to four
    words, longest first."""
    names = []
    for match in _MENTION.finditer(text):
        words = match.group(1).replace("\u00a0", " ").split(" ")
        for length in range(len(words), 0, -1):
            names.append(" ".join(words[:length]).rstrip(".’'-").lower())
    return names


def mentioned_in(text: str) -> set[int]:
    """The members a text mentions (by the rules above, before who may read it)."""
    candidates = candidate_names(text)
    if not candidates:
        return set()
    found: dict[str, list[int]] = {}
    rows = db.session.execute(
        select(User.id, func.lower(User.display_name)).where(
            func.lower(User.display_name).in_(sorted(set(candidates))), *_IN_GOOD_STANDING
        )
    )
    for user_id, name in rows:
        found.setdefault(name, []).append(user_id)
    told: list[int] = []
    for match in _MENTION.finditer(text):
        words = match.group(1).replace("\u00a0", " ").split(" ")
        for length in range(len(words), 0, -1):
            owners = found.get(" ".join(words[:length]).rstrip(".’'-").lower())
            if owners:
                if len(owners) == 1 and owners[0] not in told:
                    told.append(owners[0])
                break
    return set(told[:MAX_MENTIONS])


def who_may_read(post_id: int, user_ids: set[int]) -> set[int]:
    """Those of the members, signed up and in good standing, who may read the post: asked once
    for each kind of reader (policy.Viewer) among them."""
    if not user_ids:
        return set()
    members = db.session.scalars(
        select(User).where(User.id.in_(sorted(user_ids)), *_IN_GOOD_STANDING)
    ).all()
    by_viewer: dict[policy.Viewer, list[int]] = {}
    for member in members:
        by_viewer.setdefault(policy.viewer(member), []).append(member.id)
    posts = Post.__table__
    readable: set[int] = set()
    for reader, ids in by_viewer.items():
        statement = policy.visible_post_rows(reader).where(posts.c.id == post_id)
        if db.session.scalar(statement) is not None:
            readable.update(ids)
    return readable


PICKER_LENGTH = 8


def names_starting(prefix: str) -> list[str]:
    """Up to PICKER_LENGTH display names of members in good standing that start with `prefix`
    (at least two letters), for the picker."""
    prefix = prefix.strip().lower()
    if len(prefix) < 2:
        return []
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            select(User.display_name)
            .where(func.lower(User.display_name).like(f"{escaped}%", escape="\\"),
                   *_IN_GOOD_STANDING)
            .order_by(User.display_name)
            .distinct()
            .limit(PICKER_LENGTH)
        )
    )  # fmt: skip
