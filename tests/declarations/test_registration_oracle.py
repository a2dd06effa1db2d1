"""What an attacker learns from registration step 1 in 1,000 tries from one address: the
budget of the look-up (30 an hour) and nothing about the record but "does not match"."""
import datetime

import pytest

from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import person_and_office, personal_post, step

pytestmark = pytest.mark.django_db

LIMITED = "quá nhiều lần"
MISMATCH = "không khớp với cơ sở dữ liệu BHXH"


@pytest.fixture
def lookup_budget(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookup": "30/hour"}}


def test_a_thousand_guesses_of_a_date_of_birth_learn_nothing(client, lookup_budget):
    person, _office = person_and_office()  # born 17/05/1990, with an account
    UserFactory(insured_person=person, phone="+84912000555")
    true_dob = person.date_of_birth
    guesses = [datetime.date(1960, 1, 1) + datetime.timedelta(days=n) for n in range(1000)]
    guesses[500] = true_dob  # the right date comes, but after the budget is spent
    answers = {"checked": 0, "limited": 0, "other": 0}
    for guess in guesses:
        html = client.post(step("personal"), personal_post(
            person, date_of_birth=guess.isoformat())).content.decode()
        assert "···555" not in html and "đã được đăng ký" not in html
        if LIMITED in html:
            answers["limited"] += 1
        elif MISMATCH in html:
            answers["checked"] += 1
        else:
            answers["other"] += 1
    assert answers == {"checked": 30, "limited": 970, "other": 0}

    # The look-up API shares the spent budget.
    from rest_framework.test import APIClient
    response = APIClient().post("/api/v1/lookup/bhxh-code/", {
        "full_name": person.full_name, "date_of_birth": "1990", "province": "01"})
    assert response.status_code == 429


def test_the_owner_with_the_right_data_is_told_about_the_account(client, lookup_budget):
    person, _office = person_and_office()
    UserFactory(insured_person=person, phone="+84912000555")
    html = client.post(step("personal"), personal_post(person)).content.decode()
    assert "đã được đăng ký tài khoản" in html and "···555" in html


def test_the_registration_api_spends_the_same_budget(lookup_budget):
    from rest_framework.test import APIClient

    person, office = person_and_office()
    api = APIClient()
    body = {"bhxh_code": person.bhxh_code, "full_name": person.full_name,
            "date_of_birth": "1960-01-01", "sex": person.sex, "id_type": "cccd",
            "id_number": "001160123456", "address": "Hà Nội", "phone": "0912345678",
            "office": office.code}
    codes = [api.post("/api/v1/registrations/", body, format="multipart").status_code
             for _ in range(35)]
    assert codes[:30] == [400] * 30 and set(codes[30:]) == {429}


def test_step_three_is_no_oracle_of_other_peoples_emails(client, settings):
    """Each new e-mail typed at step 3 is checked against other codes' declarations and
    accounts: it spends the same budget as step 1."""
    from tests.declarations.registration_helpers import photo_files

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookup": "5/hour"}}
    person, office = person_and_office()
    assert client.post(step("personal"), personal_post(person)).status_code == 302
    assert client.post(step("photos"), {**photo_files(), "action": "next"}).status_code == 302
    answers = []
    for n in range(8):
        html = client.post(step("office"), {"office": office.code,
                                             "email": f"guess{n}@example.com",
                                             "action": "stay"}).content.decode()
        answers.append(LIMITED in html)
        client.post(step("office"), {"office": office.code, "action": "back"})
        client.get(step("office"))
    assert answers.count(False) <= 4 and answers[-1] is True
