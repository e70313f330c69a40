"""Fictional demo content: the three pilot regions, twelve organisations, boards, people and
threads in Finnish, Swedish and English. No real person or organisation appears here."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from forum.auth import actions as auth_actions
from forum.auth import invitations
from forum.auth.models import Membership
from forum.boards.models import Board, ModerationScope
from forum.database import begin_write, utcnow
from forum.events import actions as event_actions
from forum.events.models import EVENT_ZONE, Registration
from forum.extensions import db
from forum.goals import actions as goal_actions
from forum.goals.models import Goal, GoalUpdate
from forum.groups import actions as group_actions
from forum.groups.models import TrainingGroup
from forum.notifications import mailing, watching
from forum.notifications.models import WatchLevel, WatchTarget
from forum.organisations import assessments
from forum.practices import actions as practice_actions
from forum.practices.models import GoodPractice
from forum.regions.models import Organisation, Region
from forum.tags.models import Tag
from forum.threads import actions as thread_actions
from forum.threads import unread
from forum.threads.models import Post, Thread

REGIONS = [
    ("pirkanmaa", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
    ("etela-pohjanmaa", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    ("uusimaa", "Uusimaa", "Nyland", "Uusimaa"),
]

ORGANISATIONS = [
    ("pirkanmaa", "Kuusikylän kunta", "municipality"),
    ("pirkanmaa", "Järvenrannan Kiinteistöhuolto Oy", "company"),
    ("pirkanmaa", "Kaislarannan Työvalmennussäätiö sr", "foundation"),
    ("pirkanmaa", "Koskenrannan Konepaja Oy", "company"),
    ("etela-pohjanmaa", "Lakeuden kaupunki", "municipality"),
    ("etela-pohjanmaa", "Nummen Elintarvike Oy", "company"),
    ("etela-pohjanmaa", "Pohjan Kuntoutusyhdistys ry", "association"),
    ("etela-pohjanmaa", "Kyrönjoen Puutuote Oy", "company"),
    ("uusimaa", "Merikaaren kaupunki", "municipality"),
    ("uusimaa", "Kallioniemen Logistiikka Oy", "company"),
    ("uusimaa", "Havsvikens Vårdförening rf", "association"),
    ("uusimaa", "Ohjelman koordinaatiotiimi (demo)", "public_agency"),
]

# What some organisations tell about themselves, each in its own language.
DESCRIPTIONS = {
    "Kuusikylän kunta": ("fi", "Noin 1 200 työntekijän kunta. Kehitämme työkokeiluja ja "
                         "uudelleensijoitusta yhdessä työterveyshuollon kanssa."),
    "Havsvikens Vårdförening rf": ("sv", "En vårdförening med cirka 40 anställda. Vi utvecklar "
                                   "mentorskap och anpassade arbetsuppgifter."),
    "Kallioniemen Logistiikka Oy": ("en", "A logistics company of 300 people piloting job "
                                    "carving in its warehouses."),
}  # fmt: skip
# An organisation that tried a practice too: practice title, adopter, language, how it went.
ADOPTIONS = [
    ("Mentorskap för nya medarbetare med partiell arbetsförmåga", "koordinaattori@example.fi",
     "fi", "Kokeilimme mentorointia kahdella uudella työntekijällä. Mentorin oma aika piti "
     "sopia esihenkilön kanssa etukäteen, muuten toimi hyvin."),
]  # fmt: skip

# Initial assessments: organisation, author, language, shared with members, the four answers,
# the services, benefits and tools it needs to know more about.
ASSESSMENTS = [
    ("Kuusikylän kunta", "koordinaattori@example.fi", "fi", True, {
        "approaches": "Työkokeilut, työjärjestelyt ja uudelleensijoitus. Työkykykoordinaattori "
                      "kokoaa esihenkilön, työterveyshuollon ja työntekijän yhteiseen palaveriin.",
        "works_well": "Varhainen puuttuminen: esihenkilöt ottavat koordinaattoriin yhteyttä "
                      "ajoissa.",
        "challenges": "Tieto ei kulje työterveyshuollon ja henkilöstöhallinnon välillä. "
                      "Työkokeilujen seuranta on kirjaamatonta.",
        "information_needs": "Palkkatuki ja osasairauspäiväraha: milloin kumpaakin voi käyttää.",
    }, ("palkkatuki", "osasairauspaivaraha")),
    ("Havsvikens Vårdförening rf", "koordinator@example.fi", "sv", False, {
        "approaches": "Mentorskap och anpassade arbetsuppgifter.",
        "works_well": "Mentorskapet: alla nya medarbetare har stannat kvar.",
        "challenges": "Små resurser för att utbilda mentorerna.",
        "information_needs": "Lönesubvention och arbetsträning.",
    }, ("palkkatuki", "tyohonvalmennus")),
    ("Lakeuden kaupunki", "eetu@example.fi", "fi", False, {
        "approaches": "Työhönvalmennus yhdessä työllisyyspalvelujen kanssa.",
        "works_well": "Yhteistyö työllisyyspalvelujen kanssa.",
        "challenges": "Osatyökykyisten tunnistaminen rekrytoinnissa.",
        "information_needs": "Kuntoutuksen ja sosiaaliturvan yhteensovittaminen.",
    }, ("kuntoutus", "sosiaaliturva", "palkkatuki")),
]  # fmt: skip

DEMO_DOMAINS = {
    "Kuusikylän kunta": "kuusikyla.example.fi",
    "Lakeuden kaupunki": "lakeus.example.fi",
    "Kallioniemen Logistiikka Oy": "kallioniemi.example.fi",
}
# Someone who confirmed an address no organisation vouches for, waiting for staff.
PENDING_MEMBER = ("hakija@example.fi", "Helmi Hakija", "Merikaaren kaupunki", "fi")
# Someone the programme's administrator invited, who has not opened the link yet: its mail is
# in instance/mail/ after `make run`.
INVITED = ("uusi.koordinaattori@example.fi", "Havsvikens Vårdförening rf", "sv")

BOARDS = [
    # slug, region, visibility, names fi/sv/en, descriptions fi/sv/en
    (
        "yleinen",
        None,
        "public",
        ("Yleinen keskustelu", "Allmän diskussion", "General discussion"),
        (
            "Kokemuksia ja kysymyksiä työkykykoordinaattorin työstä.",
            "Erfarenheter och frågor om arbetet som arbetsförmågekoordinator.",
            "Experiences and questions about the work of a work ability coordinator.",
        ),
    ),
    (
        "hyvat-kaytannot",
        None,
        "public",
        ("Hyvät käytännöt", "God praxis", "Good practices"),
        (
            "Toimiviksi havaittuja keinoja osatyökykyisten tukemiseen.",
            "Beprövade sätt att stödja personer med partiell arbetsförmåga.",
            "Proven ways of supporting people with partial work capacity.",
        ),
    ),
    (
        "pilotit",
        None,
        "members",
        ("Pilottiorganisaatiot", "Pilotorganisationerna", "Pilot organisations"),
        (
            "Alkukartoitukset, tavoitteet ja pilotoinnin eteneminen. Vain jäsenille.",
            "Inledande kartläggningar, mål och pilotprojektets framsteg. Endast för medlemmar.",
            "Initial assessments, goals and how the piloting is going. Members only.",
        ),
    ),
    (
        "pirkanmaa",
        "pirkanmaa",
        "region",
        ("Pirkanmaan verkosto", "Nätverket i Birkaland", "Pirkanmaa network"),
        (
            "Pirkanmaan koordinaattorien omat työpajat ja tilaisuudet.",
            "Workshoppar och evenemang för koordinatorerna i Birkaland.",
            "Workshops and events of the coordinators in Pirkanmaa.",
        ),
    ),
    (
        "etela-pohjanmaa",
        "etela-pohjanmaa",
        "region",
        (
            "Etelä-Pohjanmaan verkosto",
            "Nätverket i Södra Österbotten",
            "South Ostrobothnia network",
        ),
        (
            "Etelä-Pohjanmaan koordinaattorien keskustelut.",
            "Diskussioner för koordinatorerna i Södra Österbotten.",
            "Discussions of the coordinators in South Ostrobothnia.",
        ),
    ),
    (
        "uusimaa",
        "uusimaa",
        "public",
        ("Uudenmaan verkosto", "Nätverket i Nyland", "Uusimaa network"),
        (
            "Uudenmaan alueelliset työpajat ja tilaisuudet.",
            "Regionala workshoppar och evenemang i Nyland.",
            "Regional workshops and events in Uusimaa.",
        ),
    ),
]

# The spring cohort of the coordinator training, and its closed board.
TRAINING_GROUP = (
    "koulutus-kevat-2027",
    ("Koordinaattorikoulutus, kevät 2027", "Koordinatorutbildningen, våren 2027",
     "Coordinator training, spring 2027"),
    ("Kevään 2027 koulutusryhmä: tehtävät, kysymykset ja vertaistuki.",
     "Utbildningsgruppen våren 2027: uppgifter, frågor och kamratstöd.",
     "The spring 2027 training cohort: assignments, questions and peer support."),
)  # fmt: skip
GROUP_BOARD = ("koulutusryhma-kevat-2027", ("Koulutusryhmän keskustelut", "Utbildningsgruppens "
               "diskussioner", "Training cohort discussions"))  # fmt: skip
GROUP_MEMBERS = ("koordinaattori@example.fi", "koordinator@example.fi", "coordinator@example.fi")
GROUP_INVITED = "eetu@example.fi"  # invited, not yet accepted: the board stays closed to him

# Events: board of the discussion, region, audience, days from now, start hour (Finnish
# time), hours, capacity, place, online link, title, description; who signed up.
EVENTS = [
    ("pirkanmaa", "pirkanmaa", "public", 9, 9, 4, 1, "Tampere-talo, Yliopistonkatu 55",
     "", "Pirkanmaan alueellinen työpaja: työkokeilut",
     "Työpaja Pirkanmaan pilottiorganisaatioille. Käymme läpi työkokeilujen **tavoitteet ja "
     "seurannan**. Tuo mukaan oma alkukartoituksesi.",
     ["koordinaattori@example.fi", "admin@example.fi"]),
    ("etela-pohjanmaa", "etela-pohjanmaa", "region", 23, 12, 3, 15, "Seinäjoki, Frami", "",
     "Etelä-Pohjanmaan verkostotapaaminen",
     "Alueen pilottien tapaaminen: tavoitteiden tilanne ja seuraavat askeleet.",
     ["eetu@example.fi"]),
    ("yleinen", None, "public", 16, 13, 2, None, "", "https://meet.example.fi/koordinaattorit",
     "Koordinaattorien verkkotapaaminen: palkkatuki",
     "Avoin verkkotapaaminen palkkatuesta ja sen yhdistämisestä työkokeiluun.",
     ["eetu@example.fi", "coordinator@example.fi"]),
    ("pilotit", None, "members", -20, 9, 7, None, "Helsinki, Säätytalo", "",
     "Työkykykoordinaattorien koulutuspäivä",
     "Koulutuspäivän materiaalit ja opit löytyvät keskusteluketjusta.",
     ["koordinaattori@example.fi", "koordinator@example.fi"]),
]  # fmt: skip

# Goals: organisation, author, title, description, the assessment answer it comes from,
# tags, days since it was set, then its progress: (days ago, status, what happened).
GOALS = [
    ("Kuusikylän kunta", "koordinaattori@example.fi", "Työkokeilujen seuranta kirjataan",
     "Jokaisesta työkokeilusta kirjataan tavoitteet ja seurantapalaverit yhteiseen malliin.",
     "challenges", ("tyokokeilu", "seuranta"), 150,
     [(120, "in_progress", "Malli on luonnosteltu ja testissä kahdessa yksikössä."),
      (30, "achieved", "Malli on käytössä kaikissa yksiköissä.")]),
    ("Kuusikylän kunta", "koordinaattori@example.fi", "Esihenkilöille palkkatukikoulutus",
     "Kaikki esihenkilöt tietävät, milloin palkkatukea voi hakea.", "information_needs",
     ("palkkatuki",), 90, [(40, "in_progress", "Ensimmäinen koulutus pidetty, 12 osallistujaa.")]),
    ("Havsvikens Vårdförening rf", "koordinator@example.fi", "Utbilda fler mentorer",
     "Fem nya mentorer utbildas under året.", "challenges", ("tyopaikka",), 100,
     [(60, "in_progress", "Två mentorer har gått utbildningen.")]),
    ("Lakeuden kaupunki", "eetu@example.fi", "Osatyökykyiset mukaan rekrytointiin",
     "Rekrytointi-ilmoituksiin ja haastatteluihin lisätään työjärjestelyjen mahdollisuus.",
     "challenges", ("tyojarjestelyt",), 60, []),
    ("Lakeuden kaupunki", "eetu@example.fi", "Oma työhönvalmentaja",
     "Palkataan oma työhönvalmentaja.", None, ("tyohonvalmennus",), 200,
     [(150, "dropped", "Hankerahoitus ei toteutunut; jatketaan työllisyyspalvelujen kanssa.")]),
]  # fmt: skip

# email, name, organisation, role, locale; the demo password is printed by seed-demo.
USERS = [
    ("koordinaattori@example.fi", "Aino Demo", "Kuusikylän kunta", "member", "fi"),
    ("koordinator@example.fi", "Britta Demo", "Havsvikens Vårdförening rf", "member", "sv"),
    ("coordinator@example.fi", "Chris Demo", "Kallioniemen Logistiikka Oy", "member", "en"),
    ("eetu@example.fi", "Eetu Demo", "Lakeuden kaupunki", "member", "fi"),
    (
        "moderaattori@example.fi",
        "Mirja Moderaattori",
        "Ohjelman koordinaatiotiimi (demo)",
        "moderator",
        "fi",
    ),
    ("admin@example.fi", "Antti Ylläpito", "Ohjelman koordinaatiotiimi (demo)", "admin", "fi"),
]
MODERATED_BOARDS = ("yleinen", "hyvat-kaytannot", "pilotit")
DEMO_PASSWORD = "demo-salasana-2026"  # noqa: S105 - printed and in the README on purpose

# A thread: board, author, language, title, body, then its replies in the order they were
# written: (name, replying to: a reply's name or None for the thread, author, language, body).
THREADS = [
    (
        "yleinen",
        "koordinaattori@example.fi",
        "fi",
        "Miten järjestitte työkokeilun osatyökykyiselle?",
        "Meillä alkaa ensimmäinen **työkokeilu** ensi kuussa. Miten te sovitte tavoitteista "
        "ja seurannasta työpaikan kanssa?\n\n- Kuka tekee alkukartoituksen?\n"
        "- Kuinka usein seurantapalaveri?\n- Miten työterveyshuolto on mukana?",
        [
            ("a", None, "eetu@example.fi", "fi",
             "Me teimme alkukartoituksen yhdessä esihenkilön kanssa ja sovimme "
             "seurantapalaverin kahden viikon välein."),
            ("b", "a", "koordinaattori@example.fi", "fi",
             "Kiitos! Oliko työterveyshuolto mukana ensimmäisessä palaverissa?"),
            ("c", "b", "eetu@example.fi", "fi",
             "Oli, ja se auttoi: työkyvyn arvio saatiin heti yhteiseksi."),
            ("d", "c", "coordinator@example.fi", "en",
             "Same here: involving occupational health from day one saved us weeks."),
            ("e", "d", "koordinator@example.fi", "sv",
             "Samma erfarenhet hos oss. Företagshälsovården var med redan i "
             "den inledande kartläggningen."),
            ("f", None, "koordinator@example.fi", "sv",
             "Hos oss har arbetsprövningen fungerat bäst när målen skrivs ner "
             "tillsammans med medarbetaren."),
        ],
    ),
    (
        "hyvat-kaytannot",
        "koordinator@example.fi",
        "sv",
        "Mentorskap för nya medarbetare med partiell arbetsförmåga",
        "Vi har provat ett enkelt mentorskap: varje ny medarbetare får en erfaren kollega "
        "som stöd under de första tre månaderna.\n\nResultatet har varit gott.",
        [
            ("a", None, "koordinaattori@example.fi", "fi", "Hieno idea! Miten mentorit valittiin?"),
            ("b", "a", "koordinator@example.fi", "sv",
             "Frivilligt, och de fick en kort utbildning först."),
            ("c", "b", "admin@example.fi", "fi",
             "Lisään tämän hyvien käytäntöjen koosteeseen."),
        ],
    ),
    (
        "yleinen",
        "coordinator@example.fi",
        "en",
        "Finding information on wage subsidies",
        "Where do you look for up-to-date information on wage subsidies and other "
        "benefits? Our managers keep asking and I would like one good source.",
        [
            ("a", None, "eetu@example.fi", "fi",
             "TE-palveluiden sivuilta ja alueellisista työpajoista. Tilaisuuksissa sai "
             "hyviä vinkkejä."),
        ],
    ),
    (
        "pirkanmaa",
        "koordinaattori@example.fi",
        "fi",
        "Pirkanmaan työpaja keväällä",
        "Kokoonnutaan keväällä alueelliseen työpajaan. Ehdottakaa aiheita!",
        [],
    ),
]  # fmt: skip


# Tags of the demo threads, by title (the taxonomy itself comes with the migrations).
THREAD_TAGS = {
    "Miten järjestitte työkokeilun osatyökykyiselle?": ["tyokokeilu", "tyopaikka", "suunnittelu"],
    "Mentorskap för nya medarbetare med partiell arbetsförmåga": ["tyopaikka", "toteutus"],
    "Finding information on wage subsidies": ["palkkatuki", "tyollisyyspalvelut"],
}


# Threads that programme staff marked as good practices: maturity, language, summary.
PRACTICES = {
    "Mentorskap för nya medarbetare med partiell arbetsförmåga": (
        "piloted",
        "fi",
        {
            "core_idea": "Jokainen uusi osatyökykyinen työntekijä saa kokeneen kollegan "
            "mentoriksi kolmeksi ensimmäiseksi kuukaudeksi.",
            "environment": "Hoiva-alan yhdistys, noin 40 työntekijää.",
            "conditions": "Vapaaehtoiset mentorit ja lyhyt mentorikoulutus ennen aloitusta.",
            "results": "Kaikki viisi mentoroitua työntekijää jatkoivat työssä koeajan jälkeen.",
        },
    ),
}


def _seed_training_group(users) -> None:
    slug, names, descriptions = TRAINING_GROUP
    group = TrainingGroup(slug=slug, name_fi=names[0], name_sv=names[1], name_en=names[2],
                          description_fi=descriptions[0], description_sv=descriptions[1],
                          description_en=descriptions[2])  # fmt: skip
    board_slug, board_names = GROUP_BOARD
    begin_write()
    db.session.add(group)
    db.session.flush()
    board = Board(slug=board_slug, visibility="group", group_id=group.id, position=90,
                  name_fi=board_names[0], name_sv=board_names[1], name_en=board_names[2],
                  description_fi=descriptions[0], description_sv=descriptions[1],
                  description_en=descriptions[2])  # fmt: skip
    db.session.add(board)
    db.session.commit()
    admin = users["admin@example.fi"]
    for email in (*GROUP_MEMBERS, GROUP_INVITED):
        group_actions.invite(group, users[email], by=admin)
    for email in GROUP_MEMBERS:
        group_actions.accept(group, by=users[email])
    thread_actions.start_thread(
        board, by=users["koordinaattori@example.fi"], language="fi",
        title="Ensimmäisen lähijakson tehtävä: alkukartoituksen neljä kysymystä",
        body="Jakakaa tähän, miten vastasitte alkukartoituksen kysymyksiin omassa "
        "organisaatiossanne. Mikä oli vaikeinta?", tags=[],
    )  # fmt: skip


def _seed_events(users, boards, regions) -> None:
    zone = ZoneInfo(EVENT_ZONE)
    today = utcnow().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    for (board, region, audience, days, hour, hours, capacity, place, link, title,
         description, signed_up) in EVENTS:  # fmt: skip
        starts = (today + timedelta(days=days)).replace(hour=hour)
        details = event_actions.Details(
            title=title, description=description, language="fi", starts_at=starts,
            ends_at=starts + timedelta(hours=hours), place=place, online_url=link,
            region_id=regions[region].id if region else None, audience=audience,
            group_id=None, capacity=capacity,
        )  # fmt: skip
        event = event_actions.schedule(details, by=users["admin@example.fi"], board=boards[board])
        for email in signed_up:
            if days < 0:  # sign-up for an event already held: written as it was
                begin_write()
                db.session.add(Registration(event_id=event.id, user_id=users[email].id,
                                            status="confirmed"))  # fmt: skip
                db.session.commit()
            else:
                event_actions.sign_up(event, by=users[email])


def _seed_goals(users, organisations) -> None:
    """Goals set months ago and told of since, so that the programme's chart has a history."""
    now = utcnow()
    for name, email, title, description, answer, tags, age, progress in GOALS:
        organisation = organisations[name]
        latest = assessments.versions(organisation, users[email])[0]
        tag_ids = db.session.scalars(select(Tag.id).where(Tag.slug.in_(tags))).all()
        goal = goal_actions.set_goal(
            organisation, by=users[email], title=title, description=description,
            language=latest.language, target_date=(now + timedelta(days=180)).date(),
            tag_ids=tag_ids, cited=(latest.id, answer) if answer else None,
        )  # fmt: skip
        told = [goal_actions.tell_progress(goal, by=users[email], body=body,
                                           language=latest.language, status=status)
                for _days, status, body in progress]  # fmt: skip
        # Written as it happened, over the months (the chart reads the statuses over time).
        begin_write()
        db.session.get(Goal, goal.id).created_at = now - timedelta(days=age)
        for update, (days, _status, _body) in zip(told, progress, strict=True):
            db.session.get(GoalUpdate, update.id).created_at = now - timedelta(days=days)
        db.session.commit()


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Region))


def seed() -> None:
    """Create the demo forum. Call only on an empty database."""
    begin_write()
    regions = {}
    for position, (slug, fi, sv, en) in enumerate(REGIONS):
        regions[slug] = Region(slug=slug, name_fi=fi, name_sv=sv, name_en=en, position=position)
    db.session.add_all(regions.values())
    organisations = {
        # Fictional domains, each vouched for by its organisation: a confirmed address there
        # joins without a request.
        name: Organisation(
            name=name,
            kind=kind,
            region=regions[region],
            email_domains=DEMO_DOMAINS.get(name, ""),
            description=DESCRIPTIONS.get(name, ("fi", ""))[1],
            description_language=DESCRIPTIONS.get(name, ("fi", ""))[0],
        )  # fmt: skip
        for region, name, kind in ORGANISATIONS
    }
    db.session.add_all(organisations.values())
    boards = {}
    for position, (slug, region, visibility, names, descriptions) in enumerate(BOARDS):
        boards[slug] = Board(
            slug=slug,
            region=regions.get(region),
            visibility=visibility,
            position=position,
            name_fi=names[0],
            name_sv=names[1],
            name_en=names[2],
            description_fi=descriptions[0],
            description_sv=descriptions[1],
            description_en=descriptions[2],
        )
    db.session.add_all(boards.values())
    db.session.commit()

    users = {}
    for email, name, organisation, role, locale in USERS:
        user = auth_actions.register(
            display_name=name,
            email=email,
            password=DEMO_PASSWORD,
            organisation_id=organisations[organisation].id,
            locale=locale,
        )
        users[email] = user
        # Coordinators of a programme that has run for a while, not accounts of today (whose
        # first day is capped).
        begin_write()
        user.role = role
        user.created_at = user.email_confirmed_at = utcnow() - timedelta(days=120)
        db.session.commit()
    email, name, organisation, locale = PENDING_MEMBER
    applicant = auth_actions.register(
        display_name=name, email=email, password=DEMO_PASSWORD,
        organisation_id=organisations[organisation].id, locale=locale,
    )  # fmt: skip
    begin_write()
    applicant.email_confirmed_at = utcnow() - timedelta(days=1)
    applicant.membership = Membership.PENDING
    db.session.commit()
    email, organisation, locale = INVITED
    invitations.invite(email=email, organisation=organisations[organisation], locale=locale,
                       by=users["admin@example.fi"])  # fmt: skip
    # The demo moderator looks after the national boards.
    begin_write()
    db.session.add_all(
        ModerationScope(user_id=users["moderaattori@example.fi"].id, board_id=boards[slug].id)
        for slug in MODERATED_BOARDS
    )
    db.session.commit()

    # Eetu hears of every new thread on the good-practice board; Britta of every message there.
    watching.set_level(
        users["eetu@example.fi"],
        WatchTarget.BOARD,
        boards["hyvat-kaytannot"].id,
        WatchLevel.FIRST_POST,
    )
    watching.set_level(users["koordinator@example.fi"], WatchTarget.BOARD,
                       boards["hyvat-kaytannot"].id, WatchLevel.WATCHING)  # fmt: skip
    # Eetu asked for e-mail too: `make run`'s worker writes it under instance/mail/.
    mailing.set_mail_choice(users["eetu@example.fi"].id, "posts", mailing.SOON)

    for board, author, language, title, body, replies in THREADS:
        tags = db.session.scalars(select(Tag).where(Tag.slug.in_(THREAD_TAGS.get(title, [])))).all()
        thread = thread_actions.start_thread(
            boards[board], by=users[author], title=title, body=body, language=language, tags=tags
        )
        opening = db.session.scalar(
            select(Post).where(Post.thread_id == thread.id, Post.depth == 0)
        )
        if title in PRACTICES:
            maturity, language, summary = PRACTICES[title]
            practice_actions.curate(thread, by=users["admin@example.fi"], maturity=maturity,
                                    language=language, summary=summary)  # fmt: skip
        posts = {None: opening}
        for name, replying_to, author, language, body in replies:
            posts[name] = thread_actions.reply(
                posts[replying_to], by=users[author], body=body, language=language
            )

    for title, email, language, comment in ADOPTIONS:
        practice = db.session.scalar(select(GoodPractice).join(Thread).where(Thread.title == title))
        practice_actions.adopt(practice, by=users[email], comment=comment, language=language)
    for name, email, language, shared, answers, needs in ASSESSMENTS:
        need_ids = db.session.scalars(select(Tag.id).where(Tag.slug.in_(needs))).all()
        assessments.assess(organisations[name], by=users[email], language=language,
                           answers=answers, need_ids=need_ids, shared=shared)  # fmt: skip
    _seed_training_group(users)
    _seed_events(users, boards, regions)
    _seed_goals(users, organisations)

    # Eetu has been reading: the first thread to its end, the second up to its opening post (its
    # replies are new to him, and marked so); the other threads he has not opened.
    eetu = users["eetu@example.fi"]
    first, second = db.session.scalars(select(Thread).order_by(Thread.id).limit(2)).all()
    unread.mark_thread_read(eetu, first.id, first.last_activity_at)
    second_opened = db.session.scalar(
        select(Post.created_at).where(Post.thread_id == second.id, Post.depth == 0)
    )
    unread.mark_thread_read(eetu, second.id, second_opened)
    # What the job worker would do next: tell the watchers of each post.
    while watching.tell_watchers_due():
        pass
