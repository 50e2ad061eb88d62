"""Request ids are ULIDs: 26 Crockford digits, time first, reproducible when seeded."""

import re
from collections import Counter

from wa_emulator.core.ids import IdFactory

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _time_digits(millis: int) -> str:
    # The ULID spec's time part, written the slow obvious way: 48 bits as 10 digits of 5 bits from the top.
    return "".join(CROCKFORD[millis >> shift & 31] for shift in range(45, -1, -5))


def test_the_first_ten_digits_spell_the_milliseconds_whenever_they_change():
    ids = IdFactory(seed=11)
    # Across 1024 ms boundaries (where the kept first eight digits change), backwards too (a reset clock).
    for millis in [0, 1, 1023, 1024, 1_700_000_000_000, 1_700_000_000_999, 1_700_000_001_024, 5, 2**48 - 1]:
        ulid = ids.ulid(millis / 1000 + 0.0001)
        assert ULID.fullmatch(ulid)
        assert ulid[:10] == _time_digits(millis), millis


def test_the_last_sixteen_digits_are_random_and_cover_the_whole_alphabet():
    ids = IdFactory(seed=3)
    made = [ids.ulid(1_700_000_000.5) for _ in range(2000)]
    assert len(set(made)) == len(made)
    counts = Counter("".join(ulid[10:] for ulid in made))
    assert set(counts) == set(CROCKFORD)
    # 32000 digits, 1000 expected of each: a biased mapping would leave some far from it.
    assert all(850 < count < 1150 for count in counts.values())


def test_a_seed_repeats_the_same_ids_and_reseeding_starts_over():
    def run(ids: IdFactory) -> list[str]:
        return [ids.ulid(1_700_000_000.0 + step * 0.7) for step in range(9)]

    ids = IdFactory(seed=42)
    made = run(ids)
    assert made == run(IdFactory(seed=42))
    ids.reseed(42)
    assert run(ids) == made
    assert run(IdFactory(seed=43)) != made
