"""How results are ordered, against the live node: names that hold the query as written, in one
piece, come before names that merely contain its characters (the character bigrams at work)."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _names(client, text: str) -> list[str]:
    response = client.get("/api/organisations", {"q": text, "size": 100})
    assert response.status_code == 200, response.content
    return [hit["name"] for hit in response.json()["results"]]


@pytest.mark.parametrize(
    ("text", "first", "others"),
    [
        # The characters apart, or in another order, rank below the word itself.
        ("星河", "深圳市星河软件有限公司", ["深圳市星光河畔科技有限公司", "北京河星贸易有限公司"]),
        (
            "国际人才服务",
            "重庆长安国际人才服务有限公司",
            ["重庆国际服务人才交流有限公司", "重庆人才国际服务有限公司"],
        ),
        # A whole name typed out finds that name before its anagrams.
        (
            "上海浦江外服人力资源有限公司",
            "上海浦江外服人力资源有限公司",
            ["上海浦江人力资源外服有限公司", "上海外服浦江人力资源有限公司"],
        ),
        # Pinyin ranks the same way: "xing he" is 星河, not 星 … 河.
        ("xing he", "深圳市星河软件有限公司", ["深圳市星光河畔科技有限公司"]),
    ],
)
def test_the_query_in_one_piece_ranks_first(client, index_now, text, first, others):
    # The closest name is created last, so that it cannot come first by the order of creation.
    made = [OrganisationFactory(name=name) for name in [*others, first]]
    index_now(*made)
    found = _names(client, text)
    assert sorted(found) == sorted([first, *others]), "every name holds the query's characters"
    assert found[0] == first
