"""Row ids are UUIDv7 (RFC 9562): unique, and made later sorts later, also across the point
where the counter's low 62 bits roll over into the bits beside the timestamp."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from plansync.instance.ids import _Ids


@given(start=st.integers(0, (1 << 70) - 10_000), sizes=st.lists(st.integers(0, 300),
                                                                  max_size=5))
def test_ids_are_uuid7_unique_and_ordered(start: int, sizes: list[int]) -> None:
    ids = _Ids()
    ids.counter = start
    made = [ids.next()]
    for n in sizes:
        batch = ids.batch(n)
        assert len(batch) == n
        made.extend(batch)
        made.append(ids.next())
    assert made == sorted(made) and len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_a_batch_across_the_roll_over() -> None:
    ids = _Ids()
    ids.counter = (1 << 62) - 3
    made = ids.batch(6)
    assert made == sorted(made) and len(set(made)) == 6
    assert [uuid.UUID(t).int & ((1 << 62) - 1) for t in made] == [
        (1 << 62) - 2, (1 << 62) - 1, 0, 1, 2, 3]
