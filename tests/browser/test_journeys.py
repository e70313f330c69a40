"""The main journeys, as a person does them in a real browser."""

import re
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import expect

from forum.extensions import db
from forum.mail.delivery import deliver_due
from tests.browser.conftest import sign_in


def _confirmation_link(app, email: str) -> str:
    """The job worker's run, then the link from the .eml file the message was written to."""
    with app.app_context():
        deliver_due()
        db.session.remove()
    for eml in sorted((Path(app.instance_path) / "mail").glob("*-confirm_email.eml")):
        message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
        if message["To"] == email:
            return re.search(r"http://\S+/confirm/\S+", message.get_body(("plain",)).get_content())[
                0
            ]
    raise AssertionError(f"no confirmation mail to {email}")


def test_register_confirm_be_approved_and_start_a_thread_and_reply_in_a_branch(
    page, browser, live_app
):
    app, live_server = live_app
    email = f"new-{uuid.uuid4().hex[:8]}@example.fi"
    page.goto(f"{live_server}/register")
    page.fill("#display_name", "Uusi Koordinaattori")
    page.fill("#email", email)
    page.fill("#password", "hyvä pitkä salasana")
    page.fill("#password_confirm", "hyvä pitkä salasana")
    page.select_option("#organisation", label="Kuusikylän kunta")
    page.select_option("#locale", "fi")
    page.click("form.narrow-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(_confirmation_link(app, email))
    expect(page.locator(".flash")).to_contain_text("Your email address is confirmed")
    expect(page.locator(".flash")).to_contain_text("request to join your organisation")
    page.fill("#email", email)
    page.fill("#password", "hyvä pitkä salasana")
    page.click("main form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    # Waiting for staff: the public boards only, and nothing to write with.
    page.click("text=Yleinen keskustelu")
    expect(page.locator("text=Aloita uusi ketju")).to_have_count(0)

    # An administrator approves the request, in a browser of their own.
    staff = browser.new_context(locale="en-GB").new_page()
    sign_in(staff, live_server, "admin@example.fi")
    staff.goto(f"{live_server}/staff/members/requests")
    request = staff.locator("section.flag-card", has_text=email)
    request.locator("button[value=approve]").click()
    expect(staff.locator(".flash")).to_contain_text("Hakemus on hyväksytty.")  # the admin is fi
    staff.context.close()

    page.goto(live_server)
    page.click("text=Yleinen keskustelu")
    page.click("text=Aloita uusi ketju")
    page.fill("#title", "Työkokeilun päättyminen")
    page.fill("#body", "Miten **päätätte** työkokeilun?")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Työkokeilun päättyminen")
    expect(page.locator(".post__body strong")).to_have_text("päätätte")

    page.fill("#body", "Ensimmäinen vastaus")
    page.click("main form.js-reply-form button[type=submit]")
    expect(page.locator("text=Ensimmäinen vastaus")).to_be_visible()
    # Reply in place to the reply, four levels deep.
    for level in range(2, 5):
        page.locator("a.reply-link").last.click()
        form = page.locator("form.in-place")
        form.locator("textarea").fill(f"Vastaus tasolla {level}")
        form.locator("button[type=submit]:not([name=preview])").click()
        expect(page.locator(f"text=Vastaus tasolla {level}")).to_be_visible()
    page.reload()
    for level in range(2, 5):
        expect(page.locator(f"text=Vastaus tasolla {level}")).to_be_visible()
    assert page.locator("ul.replies ul.replies ul.replies").count() >= 1


def test_switch_language(page, live_server):
    page.goto(live_server)
    page.click("a[hreflang=sv]")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text("Diskussionsområden")
    expect(page.locator("a[hreflang=sv]")).to_have_attribute("aria-current", "true")
    page.click("a[hreflang=fi]")
    expect(page.locator("h1")).to_have_text("Keskustelualueet")


def test_collapse_and_expand_a_branch(page, live_server):
    page.goto(f"{live_server}/threads/1")
    toggle = page.locator("button.collapse-toggle").first
    expect(toggle).to_have_attribute("aria-expanded", "true")
    controlled = page.locator(f"#{toggle.get_attribute('aria-controls')}")
    label = toggle.inner_text()
    assert re.search(r"\d", label), "the button's label carries the count"
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(controlled).to_be_hidden()
    toggle.click()
    expect(controlled).to_be_visible()


def test_permalink_opens_a_collapsed_branch_and_focuses_the_post(page, live_server):
    page.goto(f"{live_server}/threads/1")
    page.locator("button.collapse-toggle").first.click()
    deep = page.locator("ul.replies ul.replies article.post").first
    post_id = deep.get_attribute("id")
    page.evaluate(f"location.hash = '#{post_id}'")
    expect(page.locator(f"#{post_id}")).to_be_visible()
    expect(page.locator(f"#{post_id}")).to_be_focused()


def test_markdown_preview(page, live_server):
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/boards/yleinen/new")
    page.fill("#body", "Some **strong** words <script>alert(1)</script>")
    page.click("button.js-preview")
    output = page.locator(".preview__output")
    expect(output.locator("strong")).to_have_text("strong")
    assert output.locator("script").count() == 0


def test_flag_a_post_and_moderate_it(browser, live_server):
    member = browser.new_context(locale="en-GB")
    page = member.new_page()
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/threads/2")
    post = page.locator("article.post").nth(1)
    post_id = post.get_attribute("id")
    text = post.locator(".post__body").inner_text()
    post.locator("text=Flag").click()
    page.check("input[value=personal_data]")
    page.click("text=Send to the moderators")
    expect(page.locator(".flash")).to_contain_text("A moderator will look")
    expect(page.locator(f"#{post_id}")).to_contain_text("Hidden while a moderator reviews")
    member.close()

    staff = browser.new_context(locale="en-GB")
    page = staff.new_page()
    sign_in(page, live_server, "admin@example.fi")  # prefers Finnish
    page.click("text=Tarkistusjono")
    card = page.locator(".flag-card", has_text=text[:30])
    card.locator("input[value=dismiss]").check()
    card.locator("textarea").fill("Nothing identifying after all")
    card.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Päätös tallennettu")
    page.goto(f"{live_server}/threads/2")
    expect(page.locator(f"#{post_id} .post__body")).to_contain_text(text[:30])
    staff.close()


def test_xss_payloads_do_not_run(page, live_server):
    payloads = [
        '<img src=x onerror="window.__xss=1">',
        '<svg onload="window.__xss=1">',
        "[click](javascript:window.__xss=1)",
        '<a href="javascript:window.__xss=1">x</a>',
        '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
        '<details open ontoggle="window.__xss=1">',
        '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
    ]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/boards/yleinen/new")
    page.fill("#title", "XSS probes")
    page.fill("#body", "\n\n".join(payloads))
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("XSS probes")
    for link in page.locator(".post__body a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")
        link.click()
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_tag_a_thread_and_browse_the_tag(page, live_server):
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/boards/yleinen/new")
    page.fill("#title", "Job coaching at our depot")
    page.fill("#body", "We paired every new employee with a coach.")
    page.check("text=Job coaching")
    page.check("text=Implement")
    page.click("main form button[type=submit]")
    expect(page.locator(".tag-list")).to_contain_text("Job coaching")
    page.click(".tag-list >> text=Job coaching")
    expect(page.locator("h1")).to_have_text("Job coaching")
    expect(page.locator("main")).to_contain_text("Job coaching at our depot")


def test_search_finds_inflected_forms(page, live_server):
    page.goto(f"{live_server}/language/fi?next=/search")
    page.fill("#q", "työkyky")
    page.click("main form button[type=submit]")
    expect(page.locator(".search-results mark").first).to_have_text("työkyvyn")
    page.click(".search-results a")
    expect(page.locator("h1")).to_contain_text("työkokeilun")


def test_browse_the_good_practice_library(page, live_server):
    page.goto(f"{live_server}/language/en?next=/practices")
    expect(page.locator("main")).to_contain_text("Mentorskap")
    page.locator(".library-filters summary").click()
    page.check("#tag-tyokokeilu")
    page.click(".library-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"tag=tyokokeilu"))
    expect(page.locator("main")).to_contain_text("0 good practices")
    page.goto(f"{live_server}/practices?tag=tyopaikka")
    page.click("text=Mentorskap för nya medarbetare med partiell arbetsförmåga")
    expect(page.locator(".practice__badge")).to_have_text("Good practice")


def test_a_reply_reaches_the_author_by_the_bell_and_the_new_mark(browser, live_server):
    """One member replies; the thread's author sees the bell and the "New" mark, opens the
    notification and lands on the reply, marked new."""
    title = f"Who has tried a work trial? {uuid.uuid4().hex[:6]}"
    author = browser.new_context(locale="en-GB").new_page()
    sign_in(author, live_server, "coordinator@example.fi")
    author.goto(f"{live_server}/boards/yleinen/new")
    author.fill("#title", title)
    author.fill("#body", "We are planning our first one.")
    author.click("main form button[type=submit]")
    expect(author.locator("h1")).to_have_text(title)
    thread_url = author.url

    replier = browser.new_context(locale="en-GB").new_page()
    sign_in(replier, live_server, "koordinator@example.fi")  # writes in Swedish
    replier.goto(thread_url)
    replier.fill("#body", "Vi har provat det i två år.")
    replier.click("main form.js-reply-form button[type=submit]")
    expect(replier.locator("text=Vi har provat det i två år.")).to_be_visible()
    replier.context.close()

    author.goto(f"{live_server}/boards/yleinen")
    expect(author.locator("tr", has_text=title).locator("a.badge--new")).to_be_visible()
    bell = author.locator("a[href='/notifications']")
    expect(bell.locator(".badge")).to_be_visible()
    bell.click()
    author.click(f"text=1 new reply in “{title}”")
    expect(author).to_have_url(re.compile(r"/threads/\d+(\?page=\d+)?#post-\d+$"))
    reply = author.locator(f"#post-{author.url.rsplit('#post-', 1)[1]}")
    expect(reply).to_contain_text("Vi har provat det i två år.")
    expect(reply.locator(".badge--new")).to_be_visible()
    author.context.close()


def test_mention_a_member_with_the_picker_and_the_keyboard(page, live_server):
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/boards/yleinen/new")
    body = page.locator("#body")
    body.click()
    body.type("Kysytään @Ai")
    expect(page.locator(".mention-picker__name", has_text="@Aino Demo")).to_be_visible()
    body.press("ArrowDown")
    expect(page.locator(".mention-picker__name").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(body).to_have_value("Kysytään @Aino Demo ")
    expect(body).to_be_focused()


def test_an_identity_code_in_a_reply_is_warned_of_while_typing_and_the_reply_posts_without_it(
    page, live_server
):
    """The early warning is the server's own check (personal_data.scan), asked while typing."""
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/threads/1")
    body = page.locator("main form.js-reply-form #body")
    body.click()
    body.type("Matti Meikäläinen (hetu 131052-308T) on ollut pitkään poissa.")
    warning = page.locator("main form.js-reply-form .field__warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("131052-308T")
    expect(warning).to_have_attribute("role", "status")
    body.fill("")
    body.type("Eräs työntekijämme on ollut pitkään poissa; miten aloitatte paluun?")
    expect(warning).to_be_hidden()
    page.click("main form.js-reply-form button[type=submit]")
    expect(page.locator("text=miten aloitatte paluun?")).to_be_visible()
    expect(page.locator("text=131052-308T")).to_have_count(0)


def test_on_a_phone_the_header_is_one_line_the_menu_opens_and_the_counts_are_labelled(
    browser, live_server
):
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    page = phone.new_page()
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/boards/yleinen")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 740 / 8  # was a quarter of the screen
    expect(page.locator(".site-nav").first).to_be_hidden()
    page.click(".site-menu-link")  # no JavaScript involved: the menu is the link's target
    expect(page.get_by_role("link", name="Good practices")).to_be_visible()
    page.click(".site-menu-close")
    expect(page.locator(".site-nav").first).to_be_hidden()
    row = page.locator(".thread-table tbody tr").first
    expect(row.locator(".thread-table__label").first).to_be_visible()
    expect(row).to_contain_text(re.compile(r"\d+ repl(y|ies)"))
    page.goto(f"{live_server}/")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375
    phone.close()
