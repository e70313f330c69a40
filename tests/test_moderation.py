"""Moderation: flags, the review queue, staff tools, authors' edits, and the audit trail."""

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from forum import policy
from forum.audit.models import AuditEntry
from forum.auth.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.moderation import actions
from forum.moderation.models import Flag
from forum.staff import URL_PREFIX as STAFF_URL_PREFIX
from forum.threads.actions import NotAllowed
from forum.threads.models import Post, PostRevision, Thread
from tests.conftest import Auth, form_token, post_form


@pytest.fixture
def forum(make):
    """A board with a moderator, another board with its own moderator, and a thread."""
    board, other_board = make.board(), make.board()
    people = {
        "author": make.user(email="author@example.fi", name="Author"),
        "reader": make.user(email="reader@example.fi", name="Reader"),
        "moderator": make.user(email="mod@example.fi", name="Mod", role="moderator"),
        "other_moderator": make.user(email="othermod@example.fi", role="moderator"),
        "admin": make.user(email="admin@example.fi", role="admin"),
    }
    make.scope(people["moderator"], board=board)
    make.scope(people["other_moderator"], board=other_board)
    thread = make.thread(board, author=people["author"], title="A thread", body="Opening text")
    opening = make.opening_post(thread)
    reply = make.reply(opening, author=people["author"], body="Sensitive reply text")
    return {"board": board, "other_board": other_board, "thread": thread, "opening": opening,
            "reply": reply, **people}  # fmt: skip


def _audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _fresh(model, obj_id):
    db.session.commit()
    return db.session.get(model, obj_id)


def test_member_flags_a_post_once(client, forum):
    Auth(client).login("reader@example.fi")
    reply = forum["reply"]
    response = post_form(client, f"/posts/{reply.id}/flag", {"reason": "spam"})
    assert response.status_code == 302
    again = post_form(client, f"/posts/{reply.id}/flag", {"reason": "inappropriate"})
    assert again.status_code == 302
    assert "already flagged" in client.get(again.headers["Location"], follow_redirects=True).text
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 1
    assert _fresh(Post, reply.id).status == "visible"


def test_other_reason_needs_a_note_and_keeps_the_choice(client, forum):
    Auth(client).login("reader@example.fi")
    response = post_form(client, f"/posts/{forum['reply'].id}/flag", {"reason": "other"})
    assert response.status_code == 422
    assert "Tell the moderators what is wrong." in response.text
    assert re.search(r'<input checked[^>]*value="other"', response.text)


def test_health_data_flag_hides_the_post_at_once(client, forum):
    Auth(client).login("reader@example.fi")
    reply = forum["reply"]
    post_form(client, f"/posts/{reply.id}/flag", {"reason": "personal_data"})
    assert _fresh(Post, reply.id).status == "pending"
    assert _fresh(Thread, forum["thread"].id).reply_count == 0
    page = client.get(f"/threads/{forum['thread'].id}").text
    assert "Sensitive reply text" not in page
    assert "Hidden while a moderator reviews a flag." in page
    assert "0 replies" in page


def test_author_sees_their_hidden_post_and_why(client, forum):
    actions.moderate_post(forum["reply"], "hide", by=forum["moderator"], reason="Names a person")
    Auth(client).login("author@example.fi")
    page = client.get(f"/threads/{forum['thread'].id}").text
    assert "Sensitive reply text" in page and "Names a person" in page


def test_moderator_queue_shows_own_boards_oldest_first(client, make, forum):
    elsewhere = make.thread(forum["other_board"], author=forum["author"], body="Elsewhere text")
    first = forum["reply"]
    second = forum["opening"]
    for post in (first, second, make.opening_post(elsewhere)):
        actions.flag_post(post, by=forum["reader"], reason="spam")
    Auth(client).login("mod@example.fi")
    page = client.get("/staff/moderation/").text
    assert "Sensitive reply text" in page and "Opening text" in page
    assert "Elsewhere text" not in page
    assert page.index("Sensitive reply text") < page.index("Opening text")
    assert forum["reader"].email not in page and forum["author"].email not in page


def test_admin_queue_shows_every_board(client, make, forum):
    elsewhere = make.thread(forum["other_board"], author=forum["author"], body="Elsewhere text")
    actions.flag_post(make.opening_post(elsewhere), by=forum["reader"], reason="spam")
    Auth(client).login("admin@example.fi")
    assert "Elsewhere text" in client.get("/staff/moderation/").text


def test_members_have_no_queue(client, forum):
    Auth(client).login("reader@example.fi")
    assert client.get("/staff/moderation/").status_code == 403


@pytest.mark.parametrize(
    ("decision", "status"), [("dismiss", "visible"), ("hide", "hidden"), ("delete", "deleted")]
)
def test_resolving_a_flag(client, forum, decision, status):
    reply = forum["reply"]
    flag = actions.flag_post(reply, by=forum["reader"], reason="personal_data")
    Auth(client).login("mod@example.fi")
    page = client.get("/staff/moderation/")
    response = client.post(
        f"/staff/moderation/flags/{flag.id}",
        data={"csrf_token": form_token(page.text), "decision": decision, "reason": "Checked"},
    )
    assert response.status_code == 302
    assert _fresh(Post, reply.id).status == status
    assert _fresh(Flag, flag.id).status == decision
    assert len(_audit(f"flag.{decision}")) == 1
    expected_replies = 1 if status == "visible" else 0
    assert _fresh(Thread, forum["thread"].id).reply_count == expected_replies


def test_two_moderators_on_one_flag_leave_one_outcome(app, forum):
    flag = actions.flag_post(forum["reply"], by=forum["reader"], reason="personal_data")
    flag_id, reply_id = flag.id, forum["reply"].id
    ids = {"moderator": forum["moderator"].id, "admin": forum["admin"].id}
    decisions = {"moderator": "dismiss", "admin": "delete"}
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def act(who: str) -> None:
        with app.app_context():
            moderator = db.session.get(User, ids[who])
            found = db.session.get(Flag, flag_id)
            barrier.wait()
            try:
                actions.resolve_flag(found, by=moderator, decision=decisions[who], reason="x")
                outcomes[who] = "done"
            except actions.AlreadyResolved:
                outcomes[who] = "refused"
            finally:
                db.session.remove()

    workers = [threading.Thread(target=act, args=(who,)) for who in decisions]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(outcomes.values()) == ["done", "refused"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "done")
    post = _fresh(Post, reply_id)
    assert post.status == {"dismiss": "visible", "delete": "deleted"}[decisions[winner]]
    assert _fresh(Flag, flag_id).status == decisions[winner]
    expected = 1 if post.status == "visible" else 0
    assert _fresh(Thread, forum["thread"].id).reply_count == expected


STAFF_ACTIONS = {
    "hide": lambda f, by: actions.moderate_post(f["reply"], "hide", by=by, reason="r"),
    "delete": lambda f, by: actions.moderate_post(f["reply"], "delete", by=by, reason="r"),
    "lock": lambda f, by: actions.moderate_thread(f["thread"], "lock", by=by),
    "pin": lambda f, by: actions.moderate_thread(f["thread"], "pin", by=by),
    "move": lambda f, by: actions.move_thread(f["thread"], by=by, to=f["other_board"]),
    "resolve": lambda f, by: actions.resolve_flag(
        actions.flag_post(f["opening"], by=f["reader"], reason="spam"),
        by=by, decision="hide", reason="r",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", STAFF_ACTIONS)
def test_a_moderator_of_another_board_cannot_act(forum, name):
    with pytest.raises(NotAllowed):
        STAFF_ACTIONS[name](forum, forum["other_moderator"])
    assert db.session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize("name", STAFF_ACTIONS)
def test_every_staff_action_is_audited(forum, name):
    by = forum["admin"] if name == "move" else forum["moderator"]
    STAFF_ACTIONS[name](forum, by)
    entries = db.session.scalars(select(AuditEntry)).all()
    assert entries and all(
        entry.actor_id == by.id for entry in entries if entry.action != "post.hide_pending"
    )


def test_staff_tools_through_the_pages(client, forum):
    Auth(client).login("mod@example.fi")
    thread, reply = forum["thread"], forum["reply"]
    page = client.get(f"/threads/{thread.id}")
    token = form_token(page.text)
    client.post(f"/staff/posts/{reply.id}/moderate", data={"csrf_token": token, "verb": "hide",
                                                     "reason": "Too personal"})  # fmt: skip
    page = client.get(f"/threads/{thread.id}").text
    assert "Hidden by a moderator." in page and "Too personal" in page  # marked, still there
    client.post(f"/staff/posts/{reply.id}/moderate", data={"csrf_token": token, "verb": "unhide"})
    client.post(f"/staff/threads/{thread.id}/moderate", data={"csrf_token": token, "verb": "lock"})
    client.post(f"/staff/threads/{thread.id}/moderate", data={"csrf_token": token, "verb": "pin"})
    thread = _fresh(Thread, thread.id)
    assert thread.locked and thread.pinned and _fresh(Post, reply.id).status == "visible"
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "post.hide", "post.unhide", "thread.lock", "thread.pin"
    ]  # fmt: skip


def test_locked_thread_refuses_replies_but_moderators_can_unlock(client, forum):
    actions.moderate_thread(forum["thread"], "lock", by=forum["moderator"])
    Auth(client).login("reader@example.fi")
    assert client.get(f"/posts/{forum['opening'].id}/reply").status_code == 403


def test_move_keeps_counters_exact(forum):
    actions.move_thread(forum["thread"], by=forum["admin"], to=forum["other_board"])
    source, target = _fresh(Board, forum["board"].id), _fresh(Board, forum["other_board"].id)
    assert (source.thread_count, source.post_count) == (0, 0)
    assert (target.thread_count, target.post_count) == (1, 2)


def test_move_page_offers_only_boards_the_moderator_moderates(client, make, forum):
    make.scope(forum["moderator"], board=forum["other_board"])
    unrelated = make.board()
    Auth(client).login("mod@example.fi")
    page = client.get(f"/staff/threads/{forum['thread'].id}/move").text
    assert forum["other_board"].name_en in page and unrelated.name_en not in page
    response = post_form(
        client,
        f"/staff/threads/{forum['thread'].id}/move",
        {"board": str(forum["other_board"].id), "reason": "Better fit"},
    )
    assert response.status_code == 302
    assert _fresh(Thread, forum["thread"].id).board_id == forum["other_board"].id


def test_suspended_member_reads_but_cannot_post_or_flag(client, forum):
    Auth(client).login("mod@example.fi")
    response = post_form(client, f"/staff/users/{forum['author'].id}/suspend",
                         {"until": "2099-01-01", "reason": "Cooling off"})  # fmt: skip
    assert response.status_code == 302
    Auth(client).logout()
    Auth(client).login("author@example.fi")
    thread_page = client.get(f"/threads/{forum['thread'].id}")
    assert thread_page.status_code == 200 and "Opening text" in thread_page.text
    assert client.get(f"/posts/{forum['reply'].id}/reply").status_code == 403
    assert client.get(f"/posts/{forum['reply'].id}/flag").status_code == 403
    assert client.get(f"/boards/{forum['board'].slug}/new").status_code == 403
    assert "Cooling off" in client.get(f"/users/{forum['author'].id}").text
    assert len(_audit("member.suspend")) == 1


def test_members_cannot_suspend_and_nobody_suspends_an_admin(client, forum):
    Auth(client).login("reader@example.fi")
    assert client.get(f"/staff/users/{forum['author'].id}/suspend").status_code == 403
    Auth(client).logout()
    Auth(client).login("mod@example.fi")
    assert client.get(f"/staff/users/{forum['admin'].id}/suspend").status_code == 403


def test_a_board_moderator_suspends_only_members_who_wrote_in_their_boards(client, forum):
    Auth(client).login("mod@example.fi")
    # Never wrote in the moderator's board; staff; the moderator's own colleague.
    for person in ("reader", "other_moderator", "admin"):
        assert client.get(f"/staff/users/{forum[person].id}/suspend").status_code == 403, person
    assert client.get(f"/staff/users/{forum['author'].id}/suspend").status_code == 200
    Auth(client).logout()
    Auth(client).login("othermod@example.fi")
    assert client.get(f"/staff/users/{forum['author'].id}/suspend").status_code == 403


def test_a_region_moderator_suspends_the_regions_members_and_admins_suspend_staff(make):
    region, elsewhere = make.region(), make.region()
    moderator = make.user(role="moderator", region=region)
    make.scope(moderator, region=region)
    neighbour, stranger = make.user(region=region), make.user(region=elsewhere)
    colleague = make.user(role="moderator", region=region)
    admin = make.user(role="admin")
    assert policy.can(moderator, "member.suspend", neighbour)
    assert not policy.can(moderator, "member.suspend", stranger)
    assert not policy.can(moderator, "member.suspend", colleague)
    assert policy.can(admin, "member.suspend", colleague)
    assert not policy.can(admin, "member.suspend", make.user(role="admin"))


def test_a_suspended_moderator_holds_no_staff_power_until_it_is_lifted(client, forum):
    moderator, reply = forum["moderator"], forum["reply"]
    actions.suspend_member(moderator, by=forum["admin"], until=datetime(2099, 1, 1, tzinfo=UTC),
                           reason="Under review")  # fmt: skip
    Auth(client).login("mod@example.fi")
    assert client.get("/staff/moderation/").status_code == 403
    assert client.get(f"/staff/posts/{reply.id}/history").status_code == 403
    assert client.get(f"/staff/users/{forum['author'].id}/suspend").status_code == 403
    assert not policy.can(_fresh(User, moderator.id), "post.hide", reply)
    actions.lift_suspension(_fresh(User, moderator.id), by=forum["admin"])
    assert client.get("/staff/moderation/").status_code == 200
    assert client.get(f"/staff/posts/{reply.id}/history").status_code == 200


def test_every_refused_staff_attempt_is_audited(client, forum):
    Auth(client).login("reader@example.fi")
    assert client.get(f"/staff/users/{forum['author'].id}/suspend").status_code == 403
    assert client.get("/staff/admin/").status_code == 403
    reader = forum["reader"].id
    # A member is stopped at the staff pages' door, each time.
    assert [(e.action, e.actor_id) for e in _audit_like("refused.")] == [
        ("refused.staff.enter", reader), ("refused.staff.enter", reader)
    ]  # fmt: skip
    # A member refused an edit of someone else's post tried a staff power too.
    assert client.get(f"/posts/{forum['reply'].id}/edit").status_code == 403
    assert ("refused.post.edit", reader) in {(e.action, e.actor_id) for e in _audit_like("ref")}
    # Past the door, a moderator refused another board's tools is audited for that action.
    Auth(client).logout()
    Auth(client).login("othermod@example.fi")
    assert client.get(f"/staff/posts/{forum['reply'].id}/history").status_code == 403
    other = forum["other_moderator"].id
    assert ("refused.post.history", other) in {(e.action, e.actor_id) for e in _audit_like("r")}


def _audit_like(prefix: str) -> list[AuditEntry]:
    db.session.commit()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))).all()


def test_author_edits_and_the_old_version_is_kept_for_staff(client, forum):
    Auth(client).login("author@example.fi")
    reply = forum["reply"]
    response = post_form(
        client,
        f"/posts/{reply.id}/edit",
        {"body": "Rewritten without details", "reason": "Too specific"},
    )
    assert response.status_code == 302
    page = client.get(f"/threads/{forum['thread'].id}").text
    assert "Rewritten without details" in page and "edited" in page
    assert "Sensitive reply text" not in page
    assert (
        client.get(f"/staff/posts/{reply.id}/history").status_code == 403
    )  # authors do not see it
    revisions = db.session.scalars(select(PostRevision)).all()
    assert [r.body_source for r in revisions] == ["Sensitive reply text"]
    Auth(client).logout()
    Auth(client).login("mod@example.fi")
    history = client.get(f"/staff/posts/{reply.id}/history").text
    assert "Sensitive reply text" in history and "Too specific" in history


def test_staff_purge_an_earlier_version_for_good(client, forum):
    from forum.threads.actions import edit_post

    edit_post(forum["reply"], by=forum["author"], body="Clean text", expected_version=1)
    revision = db.session.scalar(select(PostRevision))
    Auth(client).login("mod@example.fi")
    page = client.get(f"/staff/posts/{forum['reply'].id}/history")
    response = client.post(
        f"/staff/revisions/{revision.id}/purge",
        data={"csrf_token": form_token(page.text), "reason": "Health data"},
    )
    assert response.status_code == 302
    assert db.session.scalars(select(PostRevision)).all() == []
    assert (
        "Sensitive reply text" not in client.get(f"/staff/posts/{forum['reply'].id}/history").text
    )
    assert _audit("revision.purge")[0].reason == "Health data"


def test_concurrent_edits_refuse_the_second_save_and_keep_its_text(app, client, forum):
    reply = forum["reply"]
    Auth(client).login("author@example.fi")
    form_page = client.get(f"/posts/{reply.id}/edit").text
    # Meanwhile a moderator saves an edit of the same post.
    moderator_client = app.test_client()
    Auth(moderator_client).login("mod@example.fi")
    post_form(moderator_client, f"/posts/{reply.id}/edit",
              {"body": "Moderator's version", "reason": "Removed a name"})  # fmt: skip
    from tests.conftest import hidden_value

    response = client.post(
        f"/posts/{reply.id}/edit",
        data={"csrf_token": form_token(form_page), "version": hidden_value(form_page, "version"),
              "body": "Author's careful version", "reason": ""},
    )  # fmt: skip
    assert response.status_code == 409
    assert "Someone else saved this message" in response.text
    assert "Author&#39;s careful version</textarea>" in response.text
    assert "<strong>saved:</strong> Moderator&#39;s version" in response.text
    assert _fresh(Post, reply.id).body_source == "Moderator's version"


def test_author_deletes_own_post_and_the_tree_stays(client, make, forum):
    child = make.reply(forum["reply"], author=forum["reader"], body="A reply below")
    Auth(client).login("author@example.fi")
    page = client.get(f"/threads/{forum['thread'].id}")
    response = client.post(f"/posts/{forum['reply'].id}/delete",
                           data={"csrf_token": form_token(page.text)})  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/threads/{forum['thread'].id}").text
    assert "Deleted by its author." in page and "Sensitive reply text" not in page
    assert "A reply below" in page and f'id="post-{child.id}"' in page
    assert _fresh(Thread, forum["thread"].id).reply_count == 1


def test_hidden_content_is_gone_from_members_listings(client, make, forum):
    actions.moderate_post(forum["reply"], "hide", by=forum["moderator"], reason="r")
    actions.moderate_post(forum["opening"], "hide", by=forum["moderator"], reason="r")
    board = _fresh(Board, forum["board"].id)
    assert (board.thread_count, board.post_count) == (0, 0)
    Auth(client).login("reader@example.fi")
    assert "A thread" not in client.get(f"/boards/{board.slug}").text
    assert client.get(f"/threads/{forum['thread'].id}").status_code == 404
    profile = client.get(f"/users/{forum['author'].id}").text
    assert "A thread" not in profile and "Sensitive reply text" not in profile
    Auth(client).logout()
    Auth(client).login("mod@example.fi")
    page = client.get(f"/threads/{forum['thread'].id}").text
    assert "This thread is removed" in page and "Sensitive reply text" in page


def test_restoring_brings_counters_back(forum):
    actions.moderate_post(forum["opening"], "delete", by=forum["moderator"], reason="r")
    actions.moderate_post(forum["opening"], "restore", by=forum["moderator"], reason="r")
    board = _fresh(Board, forum["board"].id)
    assert (board.thread_count, board.post_count) == (1, 2)
    assert _fresh(Thread, forum["thread"].id).removed is False


def test_every_staff_endpoint_refuses_a_member(app, client, make, forum):
    """Walks the URL map: a signed-in member gets 403 or 404 from every staff page."""
    from forum.threads.actions import edit_post

    edit_post(forum["reply"], by=forum["author"], body="Edited", expected_version=1)
    revision = db.session.scalar(select(PostRevision))
    flag = actions.flag_post(forum["opening"], by=forum["reader"], reason="spam")
    values = {"thread_id": forum["thread"].id, "post_id": forum["reply"].id,
              "user_id": forum["author"].id, "flag_id": flag.id, "revision_id": revision.id,
              "tag_id": 1, "kind": "regions", "item_id": 1,
              "member_id": forum["author"].id, "invitation_id": 1, "group_id": 1,
              "event_id": 1}  # fmt: skip
    Auth(client).login("reader@example.fi")
    token = form_token(client.get("/").text)
    seen = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(STAFF_URL_PREFIX + "/"):
            continue
        seen.add(rule.endpoint)
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), url)
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token, "verb": "lock", "decision": "hide", "reason": "x"}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code in (403, 404), (rule.endpoint, method)
    # Every staff page is there, and nothing of the staff is left outside /staff/.
    assert {"staff.moderation.queue", "staff.moderation.suspend", "staff.practices.curate",
            "staff.tags.merge", "staff.admin.dashboard"} <= seen  # fmt: skip
    outside = {rule.endpoint for rule in app.url_map.iter_rules()
               if not rule.rule.startswith(STAFF_URL_PREFIX + "/")}  # fmt: skip
    assert not {e for e in outside if e.startswith("staff.") or e.startswith("admin.")}
    # Every refusal is in the audit trail as a refusal, and nothing else the member did is.
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == forum["reader"].id)
    ).all()
    assert entries and all(entry.action.startswith("refused.") for entry in entries)


def test_a_hidden_post_stays_hidden_where_a_branch_page_quotes_it(client, make, forum):
    answer = make.reply(forum["reply"], author=forum["reader"], body="An answer")
    actions.moderate_post(forum["reply"], "hide", by=forum["moderator"], reason="r")
    Auth(client).login("reader@example.fi")
    page = client.get(f"/posts/{answer.id}/branch").text
    assert "An answer" in page and "A removed message" in page
    assert "Sensitive reply text" not in page
    Auth(client).logout()
    Auth(client).login("mod@example.fi")
    assert "Sensitive reply text" in client.get(f"/posts/{answer.id}/branch").text


def test_the_reason_for_hiding_a_message_is_shown_to_its_author_and_staff_only(client, auth, make):
    from forum.moderation.actions import moderate_post

    board = make.board()
    author = make.user(email="kirjoittaja@example.fi")
    make.user(email="lukija@example.fi")
    admin = make.user(role="admin", email="yllapito@example.fi")
    thread = make.thread(board, author=admin)
    post = make.reply(make.opening_post(thread), author=author, body="Viesti")
    moderate_post(post, "hide", by=admin, reason="Sisälsi työntekijän nimen")
    url = f"/threads/{thread.id}"
    assert "Sisälsi työntekijän nimen" not in client.get(url).text  # signed out
    for reader, sees in (("lukija@example.fi", False), ("kirjoittaja@example.fi", True),
                         ("yllapito@example.fi", True)):  # fmt: skip
        auth.login(reader)
        page = client.get(url).text
        assert "Hidden by a moderator." in page
        assert ("Sisälsi työntekijän nimen" in page) is sees, reader
        auth.logout()


def test_hiding_or_deleting_asks_for_a_reason_and_keeps_what_was_typed(client, forum):
    Auth(client).login("mod@example.fi")
    thread_page = f"/threads/{forum['thread'].id}"
    url = f"/staff/posts/{forum['reply'].id}/moderate"

    def send(verb: str, reason: str):
        return post_form(client, thread_page, {"verb": verb, "reason": reason}, action=url)

    empty = send("hide", "  ")
    assert empty.status_code == 422
    assert "Give a reason: the author is told it." in empty.text
    assert _fresh(Post, forum["reply"].id).status == "visible"
    done = send("hide", "Nimi näkyvissä")
    assert done.status_code == 302 and _fresh(Post, forum["reply"].id).status == "hidden"
    back = send("unhide", "")
    assert back.status_code == 302 and _fresh(Post, forum["reply"].id).status == "visible"


@pytest.mark.parametrize("language, message", [
    ("en", "Enter a date as year-month-day, for example 2026-12-31."),
    ("fi", "Anna päivämäärä muodossa vuosi-kuukausi-päivä, esimerkiksi 2026-12-31."),
])  # fmt: skip
def test_a_suspension_date_that_is_not_a_date_is_refused_in_the_readers_language(
    client, forum, language, message
):
    forum["moderator"].locale = language
    db.session.commit()
    Auth(client).login("mod@example.fi")
    response = post_form(client, f"/staff/users/{forum['author'].id}/suspend",
                         {"until": "ensi viikolla", "reason": "Cooling off"})  # fmt: skip
    assert response.status_code == 422
    assert message in response.text and "Cooling off</textarea>" in response.text


def test_a_suspended_member_is_told_until_when_and_why_on_every_page(client, forum):
    from datetime import UTC, datetime

    from forum.moderation.actions import suspend_member

    suspend_member(forum["author"], by=forum["admin"], until=datetime(2099, 1, 1, tzinfo=UTC),
            reason="Cooling off")  # fmt: skip
    Auth(client).login("author@example.fi")
    for url in ("/", f"/threads/{forum['thread'].id}", f"/posts/{forum['reply'].id}/reply"):
        page = client.get(url)
        assert "Your account is suspended until" in page.text, url
        assert "Reason: Cooling off" in page.text, url
    Auth(client).logout()
    Auth(client).login("reader@example.fi")
    assert "suspended" not in client.get("/").text


def test_a_moderator_reads_the_audit_trail_of_their_own_boards_only(client, forum, make):
    actions.moderate_thread(forum["thread"], "lock", by=forum["moderator"], reason="Rauhoitus")
    other_thread = make.thread(forum["other_board"], author=forum["author"], title="Muualla")
    actions.moderate_thread(other_thread, "pin", by=forum["admin"], reason="Tärkeä")
    Auth(client).login("mod@example.fi")
    page = client.get("/staff/moderation/log")
    assert page.status_code == 200
    assert "locked a thread" in page.text and "Rauhoitus" in page.text
    assert "pinned a thread" not in page.text and "Tärkeä" not in page.text
    assert f'href="/threads/{forum["thread"].id}"' in page.text
    Auth(client).logout()
    Auth(client).login("reader@example.fi")
    assert client.get("/staff/moderation/log").status_code in (403, 404)
