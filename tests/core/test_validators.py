"""Italian public-administration identifiers: check digits, formats, and where they are required."""

import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from core.validators import (
    CUP_PATTERN,
    validate_cig,
    validate_codice_fiscale,
    validate_cup,
    validate_partita_iva,
)
from tests.factories import ContractFactory, OrganisationFactory, ProjectFactory, partita_iva

pytestmark = pytest.mark.usefixtures("english")

COMUNE_DI_LIVORNO = "00104330493"
TELECOM_ITALIA = "00488410010"
FASTWEB = "12878470157"
A_PERSON = "RSSMRA85T10A562S"


@pytest.mark.parametrize("number", [COMUNE_DI_LIVORNO, TELECOM_ITALIA, FASTWEB])
def test_real_partite_iva_pass(number):
    validate_partita_iva(number)


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("00104330494", id="wrong-check-digit"),
        pytest.param("00104330439", id="swapped-digits"),
        pytest.param("0010433049", id="ten-digits"),
        pytest.param("001043304930", id="twelve-digits"),
        pytest.param("0010433049A", id="letter"),
        pytest.param("00000000000", id="all-zero"),
        pytest.param("12345671400", id="unknown-office-code"),
    ],
)
def test_wrong_partite_iva_are_refused_with_the_number_in_the_message(number):
    with pytest.raises(ValidationError) as error:
        validate_partita_iva(number)

    assert error.value.messages == [
        f"{number} is not a valid partita IVA (11 digits with a check digit)."
    ]


@pytest.mark.parametrize("code", [COMUNE_DI_LIVORNO, FASTWEB, A_PERSON])
def test_codici_fiscali_of_organisations_and_people_pass(code):
    validate_codice_fiscale(code)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("00104330494", id="organisation-wrong-check-digit"),
        pytest.param("RSSMRA85T10A562T", id="person-wrong-check-character"),
        pytest.param("RSSMRA85T10A562", id="person-fifteen-characters"),
        pytest.param("RSSMRA85Z10A562S", id="person-impossible-month"),
    ],
)
def test_wrong_codici_fiscali_are_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_codice_fiscale(code)

    assert error.value.messages == [f"{code} is not a valid codice fiscale."]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["0010-4330493", "0010433049 3"])
def test_codice_fiscale_written_another_way_is_stored_as_printed(code):
    organisation = OrganisationFactory.build(tax_code=code, vat_number="")

    organisation.full_clean()

    assert organisation.tax_code == "00104330493"


@pytest.mark.django_db
def test_codice_fiscale_written_another_way_still_clashes_with_the_same_code():
    OrganisationFactory(tax_code="00104330493")
    duplicate = OrganisationFactory.build(tax_code="0010-4330493", vat_number="")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "codice fiscale" in " ".join(error.value.messages)


def test_factory_partite_iva_are_valid_and_distinct():
    numbers = [partita_iva(n) for n in range(200)]

    for number in numbers:
        validate_partita_iva(number)
    assert len(set(numbers)) == len(numbers)


@pytest.mark.django_db
def test_organisation_with_a_wrong_tax_code_is_refused_on_that_field():
    organisation = OrganisationFactory.build(tax_code="00104330494", vat_number="00104330495")

    with pytest.raises(ValidationError) as error:
        organisation.full_clean()

    assert error.value.message_dict == {
        "tax_code": ["00104330494 is not a valid codice fiscale."],
        "vat_number": ["00104330495 is not a valid partita IVA (11 digits with a check digit)."],
    }


@pytest.mark.parametrize("value", ["J41H13000290007", "B11E18000560001", "Z99Z00000000000"])
def test_well_formed_cups_pass(value):
    validate_cup(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("j41h13000290007", id="lower-case"),
        pytest.param("J41H1300029000", id="fourteen-characters"),
        pytest.param("J41H130002900071", id="sixteen-characters"),
        pytest.param("141H13000290007", id="digit-first"),
        pytest.param("J4AH13000290007", id="letter-in-the-year"),
        pytest.param("J41713000290007", id="digit-for-the-letter"),
        pytest.param("J41H1300029000X", id="letter-at-the-end"),
        pytest.param("J41H13000290007\n", id="trailing-newline"),
        pytest.param(" J41H13000290007", id="leading-space"),
        pytest.param("J٤1H13000290007", id="arabic-indic-digit"),
    ],
)
def test_malformed_cups_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_cup(value)

    assert error.value.messages == [
        "A CUP has 15 characters: a letter, two digits, a letter and eleven digits."
    ]


def _is_cup(value: str) -> bool:
    """The CUP's shape, written without regular expressions."""
    letters, digits = set(string.ascii_uppercase), set(string.digits)
    shape = [letters, digits, digits, letters] + [digits] * 11
    return len(value) == len(shape) and all(
        c in allowed for c, allowed in zip(value, shape, strict=True)
    )


NEAR_CUP_CHARACTERS = string.ascii_uppercase + string.digits + "ajz٤０\n -"


@given(
    st.one_of(
        st.text(max_size=20),
        st.text(alphabet=NEAR_CUP_CHARACTERS, min_size=14, max_size=16),
        st.from_regex(CUP_PATTERN, fullmatch=True),
    )
)
@example("J41H13000290007")
@example("J41H13000290007\n")
def test_validate_cup_accepts_exactly_the_cup_shape(value):
    try:
        validate_cup(value)
    except ValidationError:
        accepted = False
    else:
        accepted = True

    assert accepted == _is_cup(value)


@pytest.mark.parametrize("value", ["Z1A2B3C4D5", "7654321ABC", "0000000000"])
def test_well_formed_cigs_pass(value):
    validate_cig(value)


@pytest.mark.parametrize("value", ["Z1A2B3C4D", "Z1A2B3C4D5E", "z1a2b3c4d5", "Z1A2B3C4D-"])
def test_malformed_cigs_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_cig(value)

    assert error.value.messages == ["A CIG has 10 characters, digits and capital letters."]


@pytest.mark.django_db
def test_contract_with_a_malformed_cig_is_refused_on_that_field():
    contract = ContractFactory.build(
        project=ProjectFactory(), supplier=OrganisationFactory(), cig="Z1A2B3C4D"
    )

    with pytest.raises(ValidationError) as error:
        contract.full_clean()

    assert error.value.message_dict == {
        "cig": ["A CIG has 10 characters, digits and capital letters."]
    }


@pytest.mark.django_db
def test_project_with_a_malformed_cup_is_refused_on_that_field():
    project = ProjectFactory()
    project.cup = "J41H1300029000"

    with pytest.raises(ValidationError) as error:
        project.full_clean()

    assert error.value.message_dict == {
        "cup": ["A CUP has 15 characters: a letter, two digits, a letter and eleven digits."]
    }
