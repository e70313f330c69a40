from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from forum.forms import ForumForm
from forum.notifications.models import WatchLevel

LEVEL_LABELS = {
    WatchLevel.WATCHING: _l("Watching: every new message"),
    WatchLevel.FIRST_POST: _l("New threads: each new thread, and replies to you"),
    WatchLevel.NORMAL: _l("Normal: replies to your messages and threads"),
    WatchLevel.MUTED: _l("Muted: nothing from here, not even replies to you"),
}


class WatchForm(ForumForm):
    level = RadioField(
        _l("What should you be told about?"),
        validators=[InputRequired(message=_l("Choose one."))],
    )

    def offer(self, levels) -> "WatchForm":
        loudest_first = sorted(levels, key=list(WatchLevel).index, reverse=True)
        self.level.choices = [(level.value, str(LEVEL_LABELS[level])) for level in loudest_first]
        return self


MAIL_CHOICES = {
    "off": _l("No e-mail: only on the forum"),
    "soon": _l("By e-mail: a message a few minutes after it happens, several together"),
    "digest": _l("In a digest, if you have not been on the forum since the last one"),
}
DIGEST_CHOICES = {
    "daily": _l("Every morning at 7"),
    "weekly": _l("On Monday mornings at 7"),
}


def _mail_field(label):
    return RadioField(
        label,
        choices=lambda: [(value, str(text)) for value, text in MAIL_CHOICES.items()],
        validators=[InputRequired(message=_l("Choose one."))],
    )


class NotificationSettingsForm(ForumForm):
    mail_posts = _mail_field(
        _l("Replies to you, new messages where you watch, and news of your good practices")
    )
    mail_staff = _mail_field(_l("What staff do to your messages"))
    digest_every = RadioField(
        _l("Digests"),
        choices=lambda: [(value, str(text)) for value, text in DIGEST_CHOICES.items()],
        validators=[InputRequired(message=_l("Choose one."))],
    )
    watch_participated = BooleanField(
        _l("Watch the threads I start or reply to"),
        description=_l("You are told of every new message in them, until you mute them."),
    )
