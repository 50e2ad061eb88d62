from wa_emulator.core import errors
from wa_emulator.core.models import Message
from wa_emulator.core.status import Status, check_path
from wa_emulator.core.world import World, WorldConfig

START = 1_700_000_000.0


def world() -> World:
    return World(WorldConfig(clock_start=START, seed=1))


def outbound(w: World, to: str = "+15550001001", type_: str = "text") -> Message:
    return w.send(Message(w.ids.uuid(), "demo", "org", "agent", "+15550000000", to, type_, w.clock.now()))


def statuses(message: Message) -> list[tuple[str, float]]:
    return [(change.status.value, change.at - START) for change in message.history]


async def test_default_timeline_inside_the_window_reaches_read_at_1_3_10_seconds():
    w = world()
    w.contacts.update("+15550001001", last_inbound=START - 3600)
    message = outbound(w)
    await w.clock.advance(60)
    assert statuses(message) == [("queued", 0), ("sent", 1), ("delivered", 3), ("read", 10)]
    assert message.wamid.startswith("wamid.")


async def test_free_form_to_someone_who_never_wrote_is_sent_then_fails_with_131047():
    w = world()
    message = outbound(w)
    await w.clock.advance(60)
    assert statuses(message) == [("queued", 0), ("sent", 1), ("failed", 2)]
    assert message.error == errors.WINDOW_CLOSED


async def test_templates_are_exempt_from_the_window():
    w = world()
    message = outbound(w, type_="template")
    await w.clock.advance(60)
    assert message.status is Status.READ


async def test_window_closes_24_hours_after_the_last_inbound_message():
    w = world()
    w.contacts.update("+15550001001", last_inbound=START)
    await w.clock.advance(24 * 3600)
    message = outbound(w)
    await w.clock.advance(60)
    assert message.error == errors.WINDOW_CLOSED


async def test_read_receipts_off_stops_at_delivered_forever():
    w = world()
    w.contacts.update("+15550001001", last_inbound=START, read_receipts=False)
    message = outbound(w)
    await w.clock.advance(30 * 86400)
    assert message.status is Status.DELIVERED


async def test_not_on_whatsapp_fails_with_131026():
    w = world()
    w.contacts.update("+15550001001", on_whatsapp=False)
    message = outbound(w, type_="template")
    await w.clock.advance(10)
    assert (message.status, message.error) == (Status.FAILED, errors.UNDELIVERABLE)


async def test_offline_recipient_expires_after_the_30_day_ttl():
    w = world()
    w.contacts.update("+15550001001", online=False)
    message = outbound(w, type_="template")
    await w.clock.advance(29 * 86400)
    assert message.status is Status.SENT
    await w.clock.advance(2 * 86400)
    assert message.status is Status.EXPIRED
    assert message.history.reached(Status.EXPIRED) - START == 30 * 86400


async def test_status_never_moves_backwards():
    w = world()
    message = outbound(w, type_="template")
    await w.clock.advance(60)
    assert not w.store.transition(message, Status.SENT, w.clock.now())
    assert message.status is Status.READ


async def test_inbound_message_opens_the_window_and_reset_forgets_everything():
    w = world()
    w.receive_inbound(provider="demo", org_id="org", agent_id="agent", customer="+15550001001",
                      business="+15550000000", text="hi")
    message = outbound(w)
    await w.clock.advance(60)
    assert message.status is Status.READ
    w.reset()
    assert len(w.store) == 0 and w.clock.now() == START and w.contacts.all() == []


def test_transition_table_explains_impossible_paths():
    assert check_path([Status.SENT, Status.DELIVERED, Status.READ]) is None
    assert check_path([Status.SENT, Status.RECEIVED, Status.DELIVERED]) is None
    assert "cannot follow 'queued'" in check_path([Status.DELIVERED])
    assert "cannot follow 'read'" in check_path([Status.SENT, Status.DELIVERED, Status.READ, Status.FAILED])


def test_seeded_ids_repeat_exactly():
    first, second = World(WorldConfig(seed=42)), World(WorldConfig(seed=42))
    assert [first.ids.uuid() for _ in range(3)] == [second.ids.uuid() for _ in range(3)]
    assert first.ids.wamid("1555") == second.ids.wamid("1555")
