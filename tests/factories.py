"""Keyword-only factories that write through the real actions, so test data is real data."""

import itertools
from datetime import timedelta

from sqlalchemy import select

from forum.auth import actions as auth_actions
from forum.auth.models import User
from forum.boards.models import Board, ModerationScope
from forum.database import begin_write
from forum.extensions import db
from forum.groups.models import GroupMember, TrainingGroup
from forum.regions.models import Organisation, Region
from forum.threads import actions as thread_actions
from forum.threads.models import Post, Thread

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


class Factories:
    def region(self, *, slug: str | None = None) -> Region:
        number = next(_sequence)
        slug = slug or f"region-{number}"
        region = Region(
            slug=slug,
            name_fi=f"Alue {number}",
            name_sv=f"Region {number}",
            name_en=f"Region {number}",
            position=number,
        )
        return self._save(region)

    def organisation(self, *, region: Region | None = None, name: str | None = None):
        number = next(_sequence)
        organisation = Organisation(
            name=name or f"Organisation {number}",
            kind="company",
            region_id=(region or self.region()).id,
        )
        return self._save(organisation)

    def user(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        role: str = "member",
        organisation: Organisation | None = None,
        region: Region | None = None,
        locale: str = "en",
        password: str = PASSWORD,
        new: bool = False,
    ) -> User:
        """A member of some standing, or with `new`, one who registered just now (whose first
        day is capped)."""
        number = next(_sequence)
        organisation = organisation or self.organisation(region=region)
        user = auth_actions.register(
            display_name=name or f"Member {number}",
            email=email or f"member{number}@example.fi",
            password=password,
            organisation_id=organisation.id,
            locale=locale,
        )
        begin_write()
        user.role = role
        if not new:
            user.created_at -= timedelta(days=30)
        user.email_confirmed_at = user.created_at  # followed the link sent to the address
        db.session.commit()
        return user

    def board(
        self,
        *,
        slug: str | None = None,
        visibility: str = "public",
        region: Region | None = None,
        archived: bool = False,
        group: TrainingGroup | None = None,
    ) -> Board:
        number = next(_sequence)
        board = Board(
            slug=slug or f"board-{number}",
            name_fi=f"Alue {number}",
            name_sv=f"Område {number}",
            name_en=f"Board {number}",
            description_fi="Kuvaus",
            description_sv="Beskrivning",
            description_en="Description",
            visibility=visibility,
            region_id=region.id if region else None,
            group_id=group.id if group else None,
            archived=archived,
            position=number,
        )
        return self._save(board)

    def group(self, *, members=(), invited=(), slug: str | None = None) -> TrainingGroup:
        """A training group that `members` have joined and `invited` are invited to."""
        number = next(_sequence)
        group = self._save(TrainingGroup(
            slug=slug or f"group-{number}", name_fi=f"Ryhmä {number}",
            name_sv=f"Grupp {number}", name_en=f"Group {number}", position=number,
        ))  # fmt: skip
        begin_write()
        for user, status in [(user, "joined") for user in members] + [
            (user, "invited") for user in invited
        ]:
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, status=status))
        db.session.commit()
        return group

    def scope(self, user: User, *, board: Board | None = None, region: Region | None = None):
        """Make `user` moderate one board or every board of one region."""
        return self._save(
            ModerationScope(
                user_id=user.id,
                board_id=board.id if board else None,
                region_id=region.id if region else None,
            )
        )

    def thread(
        self,
        board: Board | None = None,
        *,
        author: User | None = None,
        title: str | None = None,
        body: str = "Opening post",
        language: str = "en",
        replies: int = 0,
        tags=(),
    ) -> Thread:
        board = board or self.board()
        author = author or self.user()
        thread = thread_actions.start_thread(
            board,
            by=author,
            title=title or f"Thread {next(_sequence)}",
            body=body,
            language=language,
            tags=tags,
        )
        opening = self.opening_post(thread)
        for number in range(replies):
            thread_actions.reply(opening, by=author, body=f"Reply {number}", language="en")
        return thread

    def reply(
        self,
        parent: Post,
        *,
        author: User | None = None,
        body: str | None = None,
        language: str = "en",
    ) -> Post:
        return thread_actions.reply(
            parent,
            by=author or self.user(),
            body=body or f"Reply {next(_sequence)}",
            language=language,
        )

    def opening_post(self, thread: Thread) -> Post:
        return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))

    def _save(self, obj):
        begin_write()
        db.session.add(obj)
        db.session.commit()
        return obj
