"""The audit trail as staff read it: each recorded action in words, in the reader's language;
each target as a link; each change as "what: before → after" with the values readable.

Entries are recorded in a language-neutral form (audit.actions); they are put in words only
when shown, so a language added later reads every old entry too.
"""

import re

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.email_change": _l("changed their e-mail address"),
    "account.email_restore": _l("took back their earlier e-mail address"),
    "board.create": _l("created a board"),
    "board.update": _l("changed a board"),
    "region.create": _l("created a region"),
    "region.update": _l("changed a region"),
    "organisation.create": _l("created an organisation"),
    "organisation.update": _l("changed an organisation"),
    "organisation.describe": _l("described an organisation on its page"),
    "tag_group.create": _l("created a tag group"),
    "tag_group.update": _l("changed a tag group"),
    "tag.create": _l("created a tag"),
    "tag.update": _l("changed a tag"),
    "tag.merge": _l("merged tags"),
    "training_group.create": _l("created a training group"),
    "training_group.update": _l("changed a training group"),
    "group.invite": _l("invited a member to a training group"),
    "event.schedule": _l("announced an event"),
    "event.change": _l("changed an event"),
    "event.cancel": _l("cancelled an event"),
    "group.remove": _l("took a member out of a training group"),
    "flag.dismiss": _l("dismissed a report about a message"),
    "flag.hide": _l("hid a reported message"),
    "flag.delete": _l("deleted a reported message"),
    "member.approve": _l("approved a membership request"),
    "member.refuse": _l("refused a membership request"),
    "member.update": _l("changed a member’s role, organisation or moderation"),
    "member.deactivate": _l("closed an account"),
    "member.erase": _l("erased an account"),
    "member.invite": _l("invited a new member"),
    "member.invitation_withdraw": _l("withdrew an invitation"),
    "member.reset_link": _l("sent a link for a new password"),
    "member.suspend": _l("suspended a member"),
    "member.unsuspend": _l("lifted a suspension"),
    "post.edit": _l("edited a message"),
    "post.hide": _l("hid a message"),
    "post.unhide": _l("showed a message again"),
    "post.delete": _l("deleted a message"),
    "post.restore": _l("restored a message"),
    "post.hide_pending": _l("hid a reported message until it is reviewed"),
    "post.hold_personal_data": _l("held a message for the personal-data check"),
    "practice.mark": _l("marked a thread as a good practice"),
    "practice.summary": _l("wrote a good practice’s summary"),
    "revision.purge": _l("removed an earlier version of a message"),
    "thread.lock": _l("locked a thread"),
    "thread.unlock": _l("unlocked a thread"),
    "thread.pin": _l("pinned a thread"),
    "thread.unpin": _l("unpinned a thread"),
    "thread.move": _l("moved a thread"),
    "thread.tag": _l("changed a thread’s tags"),
    # Staff actions as the policy names them, for refusals ("refused." + the action).
    "board.moderate": _l("moderated a board"),
    "thread.curate": _l("curated a thread as a good practice"),
    "post.history": _l("read a message’s earlier versions"),
    "moderation.review": _l("reviewed reports"),
    "forum.administer": _l("administered the forum"),
    "staff.enter": _l("opened the staff pages"),
    "group.manage": _l("managed a training group"),
    "event.manage": _l("managed an event"),
}
_REFUSED = "refused."

TARGET_LABELS = {
    "thread": _l("Thread %(id)s"),
    "post": _l("Message %(id)s"),
    "account": _l("Member %(id)s"),
    "board": _l("Board %(id)s"),
    "region": _l("Region %(id)s"),
    "organisation": _l("Organisation %(id)s"),
    "tag": _l("Tag %(id)s"),
    "tag_group": _l("Tag group %(id)s"),
    "flag": _l("Report %(id)s"),
    "invitation": _l("Invitation %(id)s"),
    "training_group": _l("Training group %(id)s"),
    "event": _l("Event %(id)s"),
}
_ADMIN_KINDS = {"board": "boards", "region": "regions", "organisation": "organisations",
                "tag": "tags", "tag_group": "tag-groups",
                "training_group": "training-groups"}  # fmt: skip

FIELD_LABELS = {
    "role": _l("Role"),
    "organisation_id": _l("Organisation"),
    "active": _l("Account open"),
    "visibility": _l("Visibility"),
    "region_id": _l("Region"),
    "slug": _l("Address name"),
    "position": _l("Position"),
    "archived": _l("Archived"),
    "name_fi": _l("Name in Finnish"),
    "name_sv": _l("Name in Swedish"),
    "name_en": _l("Name in English"),
    "description_fi": _l("Description in Finnish"),
    "description_sv": _l("Description in Swedish"),
    "description_en": _l("Description in English"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "moderated boards": _l("Moderated boards"),
    "moderated regions": _l("Moderated regions"),
    "messages": _l("Messages"),
    "tags": _l("Tags"),
    "language": _l("Language"),
    "until": _l("Until"),
    "revision": _l("Earlier version"),
    "board": _l("Board"),
    "group": _l("Training group"),
    "group_id": _l("Training group"),
}
_CHANGE = re.compile(r"^(?P<field>[\w ]+): (?P<before>.*?) → (?P<after>.*)$")
_PLAIN = re.compile(r"^(?P<field>[\w ]+): (?P<value>.*)$")
_UNTIL = re.compile(r"^until (?P<when>\d{4}-\d\d-\d\d)")
# The lines some actions record in a shape of their own (moderation and tags actions).
_REVISION = re.compile(r"^revision (?P<id>\d+)$")
_MERGED = re.compile(r"^merged '(?P<source>.*)' into '(?P<target>.*)'$")
# Words some actions record as values (privacy.erasure: what became of the messages).
VALUE_LABELS = {"kept": _l("kept"), "removed": _l("removed")}


def action_label(action: str) -> str:
    if action.startswith(_REFUSED):
        tried = action_label(action[len(_REFUSED) :])
        return gettext("was refused, having tried this: %(action)s", action=tried)
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def target_label(target_type: str, target_id: int) -> str:
    label = TARGET_LABELS.get(target_type)
    return str(label) % {"id": target_id} if label is not None else f"{target_type} {target_id}"


def target_url(target_type: str, target_id: int, *, admin: bool) -> str | None:
    """Where the reader can look at the target, if anywhere (the admin pages for admins)."""
    if target_type == "thread":
        return url_for("threads.show", thread_id=target_id)
    if target_type == "post":
        return url_for("threads.permalink", post_id=target_id)
    if target_type == "account":
        if admin:
            return url_for("staff.admin.member", member_id=target_id)
        return url_for("auth.profile", user_id=target_id)
    if admin and target_type in _ADMIN_KINDS:
        return url_for("staff.admin.edit", kind=_ADMIN_KINDS[target_type], item_id=target_id)
    return None


def _value(text: str) -> str:
    text = text.strip()
    if text in ("True", "False"):
        return gettext("yes") if text == "True" else gettext("no")
    if text in ("None", "''", ""):
        return "–"
    if text.startswith("[") and text.endswith("]"):  # a list of slugs or ids
        return ", ".join(_value(item) for item in text[1:-1].split(",") if item.strip()) or "–"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    label = VALUE_LABELS.get(text)
    return str(label) if label is not None else text


def readable_details(details: str) -> list[str]:
    """Each recorded line, with its field named and its values as people write them."""
    lines = []
    for line in (details or "").splitlines():
        if change := _CHANGE.match(line):
            field = FIELD_LABELS.get(change["field"], change["field"])
            lines.append(f"{field}: {_value(change['before'])} → {_value(change['after'])}")
        elif until := _UNTIL.match(line):
            lines.append(gettext("Until %(when)s", when=until["when"]))
        elif revision := _REVISION.match(line):
            lines.append(gettext("Earlier version %(id)s", id=revision["id"]))
        elif merged := _MERGED.match(line):
            lines.append(gettext("%(source)s merged into %(target)s", **merged.groupdict()))
        elif plain := _PLAIN.match(line):
            field = FIELD_LABELS.get(plain["field"], plain["field"])
            lines.append(f"{field}: {_value(plain['value'])}")
        else:
            lines.append(line)
    return lines
