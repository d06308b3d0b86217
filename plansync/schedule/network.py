"""A schedule network as plain arrays over node indices: what the CPM passes work on.

Every time is a working-day offset on the node's own calendar. A dependency of kind XY (FS, SS,
FF, SF) says: successor side Y >= predecessor side X + lag, where a start side is the start
offset s and a finish side the exclusive finish offset s + duration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Edge = tuple[int, int, str, float]
"""(predecessor, successor, kind "FS" | "SS" | "FF" | "SF", lag) on one calendar."""

Incoming = tuple[int, float, bool, bool]
"""(predecessor, lag, predecessor side is finish, successor side is finish)."""


@dataclass(frozen=True)
class Link:
    """A dependency between nodes on different calendars, converted through dates.

    `forward` maps a predecessor-side value to the successor's calendar (before the lag);
    `backward` maps a successor-calendar bound (after removing the lag) back to the largest
    predecessor-side value that still satisfies it.
    """

    pred: int
    succ: int
    kind: str
    lag: float
    forward: Callable[[float], float]
    backward: Callable[[float], float]


@dataclass(frozen=True)
class Network:
    """Durations, dependencies and bounds of n nodes (indices 0..n-1).

    release: earliest start per node (default 0; -inf where only the node's dependencies
    place it). finish_release: earliest finish.
    start_cap / finish_cap: the early start (finish) never later than this, whatever the
    dependencies say (Microsoft Project's "no later than" constraints, honoured over links).
    start_deadline / finish_deadline: latest start / finish (may make float negative).
    pinned: start fixed, predecessors ignored. finish_pinned: likewise, by its exclusive finish
    (the start follows from the duration). frozen: late dates equal early dates.
    min_nodes: node -> members; its start is the earliest start of the members (a summary's
    start as a predecessor); min_links: the conversion of a member on another calendar.
    links: cross-calendar dependencies. loose: nodes that bound no predecessor's late dates
    (done work under Microsoft Project's conventions). ff_floor: node -> the earliest start a
    finish-to-finish dependency may give it (Microsoft Project's conventions: its project
    start; the other link types may place it earlier, with a lead).
    """

    durations: Sequence[float]
    edges: Sequence[Edge]
    release: Sequence[float] = ()
    finish_release: Mapping[int, float] = field(default_factory=dict)
    start_deadline: Mapping[int, float] = field(default_factory=dict)
    finish_deadline: Mapping[int, float] = field(default_factory=dict)
    pinned: Mapping[int, float] = field(default_factory=dict)
    frozen: frozenset[int] = frozenset()
    min_nodes: Mapping[int, Sequence[int]] = field(default_factory=dict)
    links: Sequence[Link] = ()
    start_cap: Mapping[int, float] = field(default_factory=dict)
    finish_cap: Mapping[int, float] = field(default_factory=dict)
    finish_pinned: Mapping[int, float] = field(default_factory=dict)
    min_links: Mapping[tuple[int, int], Link] = field(default_factory=dict)
    loose: frozenset[int] = frozenset()
    ff_floor: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Topology:
    """A network prepared for repeated passes: topological order and incoming edges."""

    order: list[int]
    incoming: list[list[Incoming]]
    links_in: dict[int, list[Link]]
    slow_forward: frozenset[int]  # nodes the forward pass cannot treat as plain max-of-edges
    slow_backward: frozenset[int]  # likewise for the backward pass


@dataclass(frozen=True)
class Timing:
    """Result of both passes, per node in its calendar's offsets.

    early/late start and (exclusive) finish; free: slack to the nearest successor constraint
    (or to `end` for a node without successors); end: the finish bound of the backward pass;
    finish: the largest early finish.
    """

    es: list[float]
    ef: list[float]
    ls: list[float]
    lf: list[float]
    free: list[float]
    end: list[float]
    finish: float
