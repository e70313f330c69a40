"""Board visibility, decided in forum.policy and applied in the queries of every page."""

import pytest
from flask_login import AnonymousUserMixin

from forum import policy
from forum.extensions import db
from forum.threads import reading
from forum.threads.models import Thread
from tests.conftest import Auth

EVERYONE = {"outsider", "member", "other_region", "mod_board", "mod_region", "mod_elsewhere",
            "admin"}  # fmt: skip
SIGNED_IN = EVERYONE - {"outsider"}
# Who may do what, by board: (visibility, region: home or None, archived).
# view: read the board; write: start threads and reply; moderate: act as its moderator.
MATRIX = {
    ("public", None, False): {
        "view": EVERYONE, "write": SIGNED_IN, "moderate": {"admin"},
    },
    ("members", None, False): {
        "view": SIGNED_IN, "write": SIGNED_IN, "moderate": {"admin"},
    },
    ("region", "home", False): {
        "view": {"member", "mod_board", "mod_region", "admin"},
        "write": {"member", "mod_board", "mod_region", "admin"},
        "moderate": {"mod_board", "mod_region", "admin"},
    },
    ("public", "home", False): {
        "view": EVERYONE,
        "write": {"member", "mod_region", "admin"},
        "moderate": {"mod_region", "admin"},
    },
    ("members", "home", True): {
        "view": SIGNED_IN, "write": set(), "moderate": {"mod_region", "admin"},
    },
    # A training group's board: "member" joined the group, "other_region" is only invited.
    ("group", None, False): {
        "view": {"member", "admin"}, "write": {"member", "admin"}, "moderate": {"admin"},
    },
}  # fmt: skip
ROLES = sorted(EVERYONE)


@pytest.fixture
def world(make):
    home, away = make.region(), make.region()
    users = {
        "member": make.user(region=home, email="member@example.fi"),
        "other_region": make.user(region=away, email="other@example.fi"),
        "mod_board": make.user(region=away, role="moderator", email="modb@example.fi"),
        "mod_region": make.user(region=away, role="moderator", email="modr@example.fi"),
        "mod_elsewhere": make.user(region=away, role="moderator", email="mode@example.fi"),
        "admin": make.user(region=away, role="admin", email="admin@example.fi"),
    }
    group = make.group(members=[users["member"]], invited=[users["other_region"]])
    boards = {}
    for visibility, region, archived in MATRIX:
        board = make.board(visibility=visibility, region=home if region else None,
                           group=group if visibility == "group" else None)  # fmt: skip
        boards[(visibility, region, archived)] = board
    elsewhere = make.board(visibility="region", region=away)
    make.scope(users["mod_board"], board=boards[("region", "home", False)])
    make.scope(users["mod_region"], region=home)
    make.scope(users["mod_elsewhere"], board=elsewhere)
    threads = {
        key: make.thread(board, author=users["admin"], title=f"Secret {board.slug}")
        for key, board in boards.items()
    }
    for (_visibility, _region, archived), board in boards.items():
        board.archived = archived  # after its thread was written
    db.session.commit()
    return users, {key: (boards[key], threads[key]) for key in boards}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", list(MATRIX))
def test_permission_matrix(world, role, scope):
    users, boards = world
    board, thread = boards[scope]
    actor = users.get(role) or AnonymousUserMixin()
    expected = MATRIX[scope]
    assert policy.can(actor, "board.view", board) == (role in expected["view"])
    assert policy.can(actor, "thread.view", thread) == (role in expected["view"])
    assert policy.can(actor, "thread.start", board) == (role in expected["write"])
    assert policy.can(actor, "thread.reply", thread) == (role in expected["write"])
    assert policy.can(actor, "board.moderate", board) == (role in expected["moderate"])


@pytest.mark.parametrize("role", ROLES)
def test_hidden_boards_leak_nowhere(app, client, make, world, role):
    users, boards = world
    if role != "outsider":
        Auth(client).login(users[role].email)
    index = client.get("/").text
    # The author of every thread; profiles are for members, a visitor is sent to sign in.
    profile = client.get(f"/users/{users['admin'].id}").text if role != "outsider" else ""
    for scope, (board, thread) in boards.items():
        visible = role in MATRIX[scope]["view"]
        status = 200 if visible else 404
        post = make.opening_post(thread)
        assert client.get(f"/boards/{board.slug}").status_code == status, scope
        assert client.get(f"/threads/{thread.id}").status_code == status, scope
        assert client.get(f"/posts/{post.id}/branch").status_code == status, scope
        assert client.get(f"/posts/{post.id}").status_code == (302 if visible else 404), scope
        assert (board.name_en in index) == visible, scope
        assert (thread.title in profile) == (visible and role != "outsider"), scope


def test_a_hidden_post_cannot_be_replied_to(client, world, make):
    _users, boards = world
    _board, thread = boards[("region", "home", False)]
    post = make.opening_post(thread)
    # Signed out, every reply address asks for sign-in alike, existing or not.
    assert client.get(f"/posts/{post.id}/reply").status_code == 302
    Auth(client).login("other@example.fi")
    assert client.get(f"/posts/{post.id}/reply").status_code == 404


def test_unknown_action_fails_closed(world):
    users, boards = world
    board, _thread = boards[("public", None, False)]
    with pytest.raises(LookupError):
        policy.can(users["member"], "board.delete_everything", board)


SHORTCUT_ACTIONS = [
    ("read", "post.read"), ("reply", "post.reply"), ("edit", "post.edit"),
    ("flag", "post.flag"), ("delete", "post.delete"), ("moderate", "post.hide"),
]  # fmt: skip


@pytest.fixture
def posts_of_every_kind(world, make):
    """On every board of the world, an open and a locked thread, each with posts of every
    status by a member, by a member later suspended, and by the admin; boards archived and
    threads locked after they were written, as happens."""
    from datetime import UTC, datetime

    from forum.moderation import actions as moderation

    users, boards = world
    member, admin = users["member"], users["admin"]
    users["suspended"] = make.user(organisation=member.organisation, email="susp@example.fi")
    from forum.groups.models import GroupMember

    group_id = boards[("group", None, False)][0].group_id
    db.session.add(GroupMember(group_id=group_id, user_id=users["suspended"].id, status="joined"))
    db.session.commit()
    threads = []
    for board, thread in boards.values():
        archived, board.archived = board.archived, False
        db.session.commit()
        locked = make.thread(board, author=member, title=f"Locked {board.slug}")
        for shown in (thread, locked):
            opening = make.opening_post(shown)
            for author in (member, users["suspended"], admin):
                make.reply(opening, author=author)
            for status in ("hidden", "pending", "deleted"):
                post = make.reply(opening, author=member)
                if status == "pending":
                    closed = board.visibility in ("region", "group")
                    moderation.flag_post(post, by=admin if closed else users["other_region"],
                                         reason="personal_data")  # fmt: skip
                else:
                    verb = {"hidden": "hide", "deleted": "delete"}[status]
                    moderation.moderate_post(post, verb, by=admin, reason="")
            threads.append((board, shown))
        moderation.moderate_thread(locked, "lock", by=admin)
        board.archived = archived
        db.session.commit()
    moderation.suspend_member(users["suspended"], by=admin, until=datetime(2099, 1, 1, tzinfo=UTC),
                              reason="test")  # fmt: skip
    return users, threads


@pytest.mark.parametrize("role", [*ROLES, "suspended"])
def test_thread_permissions_agree_with_can(posts_of_every_kind, role):
    """The per-page shortcut gives the same answer as the rules for every post and action."""
    from sqlalchemy import select

    from forum.threads.models import Post

    users, threads = posts_of_every_kind
    actor = users.get(role) or AnonymousUserMixin()
    statuses = set()
    for board, thread in threads:
        permissions = policy.ThreadPermissions(actor, thread)
        posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).all()
        for post in posts:
            statuses.add(post.status)
            # Pages ask about post rows, not objects: the answers must not depend on which.
            row = reading.post_row(post)
            for shortcut in (
                permissions.for_post(post),
                policy.ThreadPermissions(actor, thread).for_post(row),
            ):
                for field, action in SHORTCUT_ACTIONS:
                    expected = policy.can(actor, action, post)
                    assert getattr(shortcut, field) == expected, (
                        role, board.slug, thread.locked, post.status, field,
                    )  # fmt: skip
            assert permissions.may_suspend_author(row) == policy.can(
                actor, "member.suspend", post.author
            )
    assert statuses == {"visible", "hidden", "pending", "deleted"}
    assert any(thread.locked for _board, thread in threads)
    assert any(board.archived for board, _thread in threads)


def test_the_rules_refuse_edits_in_locked_threads_and_archived_boards(posts_of_every_kind):
    """The rules themselves, for the author: what the shortcut above must agree with."""
    from sqlalchemy import select

    from forum.threads.models import Post

    users, threads = posts_of_every_kind
    member = users["member"]
    for board, thread in threads:
        own = db.session.scalars(
            select(Post).where(Post.thread_id == thread.id, Post.author_id == member.id,
                               Post.status == "visible", Post.depth > 0)
        ).first()  # fmt: skip
        if not policy.can(member, "thread.view", thread):
            continue
        frozen = thread.locked or board.archived
        assert policy.can(member, "post.edit", own) == (not frozen), (board.slug, thread.locked)


@pytest.mark.parametrize("role", ROLES)
def test_row_and_id_filters_select_what_the_object_filters_select(world, make, role):
    """visible_threads() and its form for reads of columns agree, as do visible_practices() and
    its rows, removed threads included."""
    from sqlalchemy import select

    from forum.practices import actions as practice_actions
    from forum.practices.models import GoodPractice

    users, boards = world
    for board, thread in boards.values():
        archived, board.archived = board.archived, False  # as the world does: write, then archive
        removed = make.thread(board, author=users["admin"], title=f"Removed {board.slug}")
        for shown in (thread, removed):
            practice_actions.curate(shown, by=users["admin"], maturity="idea", language="en",
                                    summary={"core_idea": "Idea"})  # fmt: skip
        removed.removed, board.archived = True, archived
    db.session.commit()
    reader = users.get(role) or AnonymousUserMixin()

    def ids(statement):
        return set(db.session.scalars(statement).all())

    threads = {thread.id for thread in db.session.scalars(policy.visible_threads(reader)).all()}
    assert threads == ids(policy.visible_thread_rows(reader))
    practices = ids(policy.visible_practices(reader).with_only_columns(GoodPractice.id))
    assert practices == ids(policy.visible_practice_rows(reader))
    practice_threads = ids(select(GoodPractice.thread_id).where(GoodPractice.id.in_(practices)))
    assert practice_threads == threads & ids(select(GoodPractice.thread_id))
    # The removed threads are there for their boards' moderators, and for no one else.
    sees_removed = any(title.startswith("Removed") for title in db.session.scalars(
        select(Thread.title).where(Thread.id.in_(threads))))  # fmt: skip
    assert sees_removed == (role in {"admin", "mod_board", "mod_region"})


@pytest.mark.parametrize("role", ROLES)
def test_counts_kept_per_board_are_what_the_reader_sees(world, make, role):
    """The counts that the tag page and the tag index read (TagBoardCount) equal a count of the
    threads the reader may see, and the unfiltered library's (PracticeCount) a count of the
    practices, after every action that changes them: starting, tagging, removing, restoring and
    moving threads, curating practices and merging tags."""
    from sqlalchemy import func, select

    from forum.moderation import actions as moderation
    from forum.practices import actions as practice_actions
    from forum.practices import library
    from forum.tags import actions as tag_actions
    from forum.tags.models import Tag, thread_tag
    from forum.tags.queries import visible_tag_count
    from forum.threads.models import Thread

    users, boards = world
    admin = users["admin"]
    first, second, third, fourth = db.session.scalars(
        select(Tag).where(Tag.status == "approved").order_by(Tag.id).limit(4)
    ).all()
    pairs = list(boards.values())
    for board, _thread in pairs:
        board.archived = False  # written to first, as the world does
    db.session.commit()

    def curate(thread, language="en"):
        practice_actions.curate(thread, by=admin, maturity="idea", language=language,
                                summary={"core_idea": "Idea"})  # fmt: skip

    for number, (board, thread) in enumerate(pairs):
        curate(thread)
        tag_actions.set_thread_tags(thread, [first, second], by=admin)
        curate(make.thread(board, author=users["member"], tags=[second, third]), "fi")
        if number % 2:
            hidden = make.thread(board, author=admin, tags=[first, fourth])
            curate(hidden, "sv")
            moderation.moderate_post(make.opening_post(hidden), "hide", by=admin, reason="test")
    curate(db.session.get(Thread, pairs[0][1].id), "fi")  # a second summary language
    restored = make.opening_post(make.thread(pairs[0][0], author=admin, tags=[third]))
    moderation.moderate_post(restored, "delete", by=admin, reason="test")
    moderation.moderate_post(restored, "restore", by=admin, reason="test")
    moved = make.thread(pairs[0][0], author=admin, tags=[first, third])
    curate(moved)
    moderation.move_thread(db.session.get(Thread, moved.id), by=admin, to=pairs[2][0])
    hidden_and_moved = make.thread(pairs[0][0], author=admin, tags=[fourth])
    moderation.moderate_post(make.opening_post(hidden_and_moved), "hide", by=admin, reason="x")
    moderation.move_thread(db.session.get(Thread, hidden_and_moved.id), by=admin, to=pairs[1][0])
    tag_actions.set_thread_tags(db.session.get(Thread, pairs[1][1].id), [third], by=admin)
    tag_actions.merge_tag(second, first, by=admin)
    for (_visibility, _region, archived), (board, _thread) in boards.items():
        board.archived = archived
    db.session.commit()

    reader = users.get(role) or AnonymousUserMixin()
    seen = policy.visible_threads(reader).subquery()
    expected = dict(
        db.session.execute(
            select(thread_tag.c.tag_id, func.count())
            .join(seen, seen.c.id == thread_tag.c.thread_id)
            .group_by(thread_tag.c.tag_id)
        ).all()
    )
    counted = dict(db.session.execute(policy.visible_tag_counts(reader)).all())
    assert {tag: n for tag, n in counted.items() if n} == expected
    assert expected  # every reader sees some tagged threads
    for tag in (first, third, fourth):
        assert visible_tag_count(reader, tag.id) == expected.get(tag.id, 0)
    kept = library._facets_kept(reader)
    assert kept == library._facets_counted(reader, library.Filters())
    assert kept.total and kept.tag and kept.language and kept.region


@pytest.mark.parametrize("role", ROLES)
def test_membership_filters_select_what_the_rules_allow(world, make, role):
    """The organisations a reader may invite to, and the requests they may decide on, are those
    member.invite and member.approve allow them, organisation by organisation."""
    from sqlalchemy import select

    from forum.auth.models import Membership, User
    from forum.regions.models import Organisation

    users, _boards = world
    for organisation in db.session.scalars(select(Organisation)).all():
        waiting = make.user(organisation=organisation, email=f"odottaa{organisation.id}@ex.fi")
        waiting.membership = Membership.PENDING
    db.session.commit()
    reader = users.get(role) or AnonymousUserMixin()
    organisations = db.session.scalars(select(Organisation)).all()
    invitable = set(db.session.scalars(policy.invitable_organisations(reader)).all())
    assert invitable == {o for o in organisations if policy.can(reader, "member.invite", o)}
    pending = db.session.scalars(select(User).where(User.membership == Membership.PENDING)).all()
    decidable = set(db.session.scalars(policy.membership_requests(reader)).all())
    assert decidable == {p for p in pending if policy.can(reader, "member.approve", p)}
    assert bool(invitable) == (role in {"admin", "mod_region"})
