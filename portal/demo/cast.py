"""Who appears in the demo: its user accounts and the organisations of the two stories.

Both are looked up by their natural key (username, organisation name) and created only when
missing; an existing account or organisation is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from stdnum import luhn

from core.roles import Role, role_group_name
from partners.models import Membership, Organisation
from partners.services import membership_create, organisation_create

# Demo data only: these accounts exist to be tried, and `make run` prints the password.
DEMO_PASSWORD = "regia-demo"  # noqa: S105


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: Role | None
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


PEOPLE = (
    Person("admin", "Alessandra", "Neri", None, is_staff=True, is_superuser=True),
    Person("manager", "Marco", "Bellandi", Role.PROGRAMME_MANAGER, is_staff=True),
    Person("pm.livorno", "Paola", "Marchetti", Role.PROJECT_MANAGER),
    Person("partner.gida", "Giulio", "Bettini", Role.PARTNER_REPRESENTATIVE),
    Person("partner.citelum", "Carla", "Lenzi", Role.PARTNER_REPRESENTATIVE),
    Person("partner.telecom", "Tommaso", "Ferri", Role.PARTNER_REPRESENTATIVE),
    Person("council", "Chiara", "Conti", Role.COUNCIL_MEMBER),
    Person("moderator", "Matteo", "Galli", Role.MODERATOR),
    Person("citizen", "Cinzia", "Rossi", Role.CITIZEN),
)
DEMO_USERNAMES = tuple(person.username for person in PEOPLE)


def made_up_partita_iva(first_ten: str) -> str:
    """A fictional partita IVA: ten digits (the last three an office code) and their check digit.

    Only the two municipalities carry their real codice fiscale.
    """
    return first_ten + luhn.calc_check_digit(first_ten)


K = Organisation.Kind


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    short_name: str
    kind: str
    tax_code: str
    city: str
    website: str = ""
    # Companies' partita IVA is their codice fiscale; public bodies' may differ, so none is set.
    is_company: bool = False


BODIES = (
    Body(
        "livorno",
        "Comune di Livorno",
        "Comune di Livorno",
        K.MUNICIPALITY,
        "00104330493",
        "Livorno",
        "https://www.comune.livorno.it",
    ),
    Body(
        "prato",
        "Comune di Prato",
        "Comune di Prato",
        K.MUNICIPALITY,
        "84006890481",
        "Prato",
        "https://www.comune.prato.it",
    ),
    Body(
        "miur",
        "Ministero dell'Istruzione, dell'Università e della Ricerca",
        "MIUR",
        K.PUBLIC_BODY,
        made_up_partita_iva("8090001058"),
        "Roma",
    ),
    Body(
        "telecom",
        "Telecom Italia S.p.A.",
        "Telecom Italia",
        K.TELECOM,
        made_up_partita_iva("0909001015"),
        "Milano",
        is_company=True,
    ),
    Body(
        "fastweb",
        "Fastweb S.p.A.",
        "Fastweb",
        K.TELECOM,
        made_up_partita_iva("0909002015"),
        "Milano",
        is_company=True,
    ),
    Body(
        "cispel",
        "Confservizi CISPEL Toscana",
        "CISPEL Toscana",
        K.ASSOCIATION,
        made_up_partita_iva("9409003048"),
        "Firenze",
    ),
    Body(
        "cap",
        "CAP Società Cooperativa — Consorzio Autolinee Pratesi",
        "Cap",
        K.UTILITY,
        made_up_partita_iva("0909004100"),
        "Prato",
        is_company=True,
    ),
    Body(
        "gida",
        "GIDA S.p.A. — Gestione Impianti Depurazione Acque",
        "Gida",
        K.UTILITY,
        made_up_partita_iva("0909005100"),
        "Prato",
        is_company=True,
    ),
    Body(
        "citelum",
        "Citelum Italia S.r.l.",
        "Citelum",
        K.UTILITY,
        made_up_partita_iva("0909006015"),
        "Milano",
        is_company=True,
    ),
    Body(
        "pin",
        "PIN S.c.r.l. — Polo universitario città di Prato",
        "PIN",
        K.UNIVERSITY,
        made_up_partita_iva("0909007100"),
        "Prato",
        is_company=True,
    ),
    # Fictional suppliers of the projects' contracts.
    Body(
        "tirreno",
        "Tirreno Digitale S.r.l.",
        "Tirreno Digitale",
        K.COMPANY,
        made_up_partita_iva("0909008049"),
        "Livorno",
        is_company=True,
    ),
    Body(
        "nuvola",
        "Nuvola Labronica S.r.l.",
        "Nuvola Labronica",
        K.COMPANY,
        made_up_partita_iva("0909009049"),
        "Livorno",
        is_company=True,
    ),
    Body(
        "bisenzio",
        "Bisenzio Sistemi S.r.l.",
        "Bisenzio Sistemi",
        K.COMPANY,
        made_up_partita_iva("0909010100"),
        "Prato",
        is_company=True,
    ),
)

R = Membership.Role
# username, organisation key, role, since when.
MEMBERSHIPS = (
    # The demo's programme manager works for both municipalities, so one account shows all.
    ("manager", "livorno", R.STAFF, date(2014, 1, 1)),
    ("manager", "prato", R.STAFF, date(2018, 12, 1)),
    ("pm.livorno", "livorno", R.STAFF, date(2014, 1, 1)),
    ("partner.telecom", "telecom", R.REPRESENTATIVE, date(2013, 7, 18)),
    ("partner.gida", "gida", R.REPRESENTATIVE, date(2019, 5, 14)),
    ("partner.citelum", "citelum", R.REPRESENTATIVE, date(2019, 5, 14)),
)


@dataclass
class Cast:
    """The demo's people (by username) and organisations (by key), once they exist."""

    users: dict[str, object] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users_created: int = 0
    organisations_created: int = 0

    def user(self, username: str):
        return self.users[username]

    def org(self, key: str) -> Organisation:
        return self.organisations[key]


def cast_assemble() -> Cast:
    """Find or create the demo's users, organisations and memberships."""
    cast = Cast()
    _gather_people(cast)
    admin = cast.user("admin")
    for body in BODIES:
        organisation = Organisation.objects.filter(name=body.name).first()
        if organisation is None:
            organisation = organisation_create(
                actor=admin,
                name=body.name,
                short_name=body.short_name,
                kind=body.kind,
                tax_code=body.tax_code,
                vat_number=body.tax_code if body.is_company else "",
                city=body.city,
                website=body.website,
            )
            cast.organisations_created += 1
        cast.organisations[body.key] = organisation
    for username, key, role, since in MEMBERSHIPS:
        user, organisation = cast.user(username), cast.org(key)
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            membership_create(
                user=user, organisation=organisation, role=role, started_on=since, actor=admin
            )
    return cast


def _gather_people(cast: Cast) -> None:
    User = get_user_model()
    cast.users = User.objects.in_bulk(DEMO_USERNAMES, field_name="username")
    missing = [person for person in PEOPLE if person.username not in cast.users]
    if not missing:
        return
    # Hashing is slow on purpose; the accounts share a password, so hash it once.
    password = make_password(DEMO_PASSWORD)
    for person in missing:
        user = User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            password=password,
        )
        user.full_clean()
        user.save()
        cast.users[person.username] = user
    cast.users_created = len(missing)
    for person in missing:
        if person.role is not None:
            cast.user(person.username).groups.add(
                Group.objects.get(name=role_group_name(person.role))
            )
