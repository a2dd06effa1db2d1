import pytest

from tests.registry.factories import InsuredPersonFactory


@pytest.mark.django_db
def test_insured_person_name_is_folded_for_search():
    person = InsuredPersonFactory(full_name="  Nguyễn   Thị  Ánh ")
    assert person.full_name == "Nguyễn Thị Ánh"
    assert person.name_folded == "nguyen thi anh"
