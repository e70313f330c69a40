"""Board visibility, decided in forum.policy and applied in the queries of every page."""

import pytest
from flask_login import AnonymousUserMixin

from forum import policy
from tests.conftest import Auth

# (board visibility, whose region) -> who may read it
READERS = {
    ("public", None): {"outsider", "member", "other_region", "moderator"},
    ("members", None): {"member", "other_region", "moderator"},
    ("region", "home"): {"member", "moderator"},
    ("public", "home"): {"outsider", "member", "other_region", "moderator"},
}
# Posting follows the scope: a regional board takes posts from its own region (and staff).
WRITERS = {
    ("public", None): {"member", "other_region", "moderator"},
    ("members", None): {"member", "other_region", "moderator"},
    ("region", "home"): {"member", "moderator"},
    ("public", "home"): {"member", "moderator"},
}
ROLES = ("outsider", "member", "other_region", "moderator")


@pytest.fixture
def world(make):
    home, away = make.region(), make.region()
    users = {
        "member": make.user(region=home, email="member@example.fi"),
        "other_region": make.user(region=away, email="other@example.fi"),
        "moderator": make.user(region=away, role="moderator", email="mod@example.fi"),
    }
    boards = {}
    for visibility, region in READERS:
        board = make.board(visibility=visibility, region=home if region else None)
        thread = make.thread(board, author=users["member"], title=f"Secret {board.slug}")
        boards[(visibility, region)] = (board, thread)
    return users, boards


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", list(READERS))
def test_permission_matrix(world, role, scope):
    users, boards = world
    board, thread = boards[scope]
    actor = users.get(role) or AnonymousUserMixin()
    assert policy.can(actor, "board.view", board) == (role in READERS[scope])
    assert policy.can(actor, "thread.view", thread) == (role in READERS[scope])
    assert policy.can(actor, "thread.start", board) == (role in WRITERS[scope])
    assert policy.can(actor, "thread.reply", thread) == (role in WRITERS[scope])


@pytest.mark.parametrize("role", ROLES)
def test_hidden_boards_leak_nowhere(app, client, make, world, role):
    users, boards = world
    if role != "outsider":
        Auth(client).login(users[role].email)
    index = client.get("/").text
    profile = client.get(f"/users/{users['member'].id}").text
    for scope, (board, thread) in boards.items():
        visible = role in READERS[scope]
        status = 200 if visible else 404
        post = make.opening_post(thread)
        assert client.get(f"/boards/{board.slug}").status_code == status, scope
        assert client.get(f"/threads/{thread.id}").status_code == status, scope
        assert client.get(f"/posts/{post.id}/branch").status_code == status, scope
        assert client.get(f"/posts/{post.id}").status_code == (302 if visible else 404), scope
        assert (board.name_en in index) == visible, scope
        assert (thread.title in profile) == visible, scope


def test_a_hidden_post_cannot_be_replied_to(client, world, make):
    _users, boards = world
    _board, thread = boards[("region", "home")]
    post = make.opening_post(thread)
    # Signed out, every reply address asks for sign-in alike, existing or not.
    assert client.get(f"/posts/{post.id}/reply").status_code == 302
    Auth(client).login("other@example.fi")
    assert client.get(f"/posts/{post.id}/reply").status_code == 404


def test_unknown_action_fails_closed(world):
    users, boards = world
    board, _thread = boards[("public", None)]
    with pytest.raises(LookupError):
        policy.can(users["member"], "board.delete_everything", board)
