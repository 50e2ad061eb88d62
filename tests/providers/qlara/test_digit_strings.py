"""Numbers in paths and queries longer than ``int()`` reads are a 400 or 404, not a 500."""

HUGE = "9" * 5000


async def test_huge_query_number_is_400(qlara):
    for path in (f"/partner-gateway/v1/contacts?limit={HUGE}", f"/message-server/whatsapp/templates?limit={HUGE}"):
        assert (await qlara.call("GET", path)).status == 400


async def test_huge_contact_id_is_404(qlara):
    assert (await qlara.call("GET", f"/partner-gateway/v1/contacts/{HUGE}")).status == 404
