"""Conflict markers: two texts as one, with Git's markers around the hunks where they differ.

conflict_text renders the merge twice, every conflict resolved for mine in one and for
theirs in the other (everything else merged alike), so only the conflicting values differ.
"""

from __future__ import annotations

import difflib

MINE_MARKER = "<<<<<<< mine\n"
SPLIT_MARKER = "=======\n"
THEIRS_MARKER = ">>>>>>> theirs\n"


def marked(mine: str, theirs: str) -> str:
    """`mine` where the two texts agree; both, between conflict markers, where they differ."""
    a, b = mine.splitlines(keepends=True), theirs.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    out = a[:head]
    out += _hunks(a[head:len(a) - tail], b[head:len(b) - tail])
    out += a[len(a) - tail:]
    return "".join(out)


def _hunks(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    if not a and not b:
        return out
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            out += a[i1:i2]
        else:
            out += [MINE_MARKER, *_ended(a[i1:i2]), SPLIT_MARKER, *_ended(b[j1:j2]),
                    THEIRS_MARKER]
    return out


def _ended(lines: list[str]) -> list[str]:
    """A marker must start a line: the last line of a side gets its newline."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, over the differing stretch only, cut at lines unique to both texts
    first (a canonical plan of 100k tasks is millions of lines: the matcher alone on all of
    them is far too slow, and most of its lines repeat)."""
    anchors = _anchors(a, b)
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj in [*anchors, (len(a), len(b))]:
        head = 0  # most stretches between two anchors are equal, or nearly
        while i + head < ai and j + head < bj and a[i + head] == b[j + head]:
            head += 1
        tail = 0
        while ai - tail > i + head and bj - tail > j + head and \
                a[ai - tail - 1] == b[bj - tail - 1]:
            tail += 1
        if head:
            out.append(("equal", i, i + head, j, j + head))
        i, j = i + head, j + head
        if ai - tail > i or bj - tail > j:
            matcher = difflib.SequenceMatcher(None, a[i:ai - tail], b[j:bj - tail],
                                              autojunk=False)
            out += [(tag, i1 + i, i2 + i, j1 + j, j2 + j)
                    for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
        if tail:
            out.append(("equal", ai - tail, ai, bj - tail, bj))
        if ai < len(a):
            out.append(("equal", ai, ai + 1, bj, bj + 1))
        i, j = ai + 1, bj + 1
    return _joined(out)


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs of line numbers of lines that occur once in each text, in the same order in
    both (a longest increasing run of them, as patience diff takes)."""
    once_a = _unique(a)
    once_b = _unique(b)
    pairs = [(i, once_b[line]) for line, i in once_a.items() if line in once_b]
    pairs.sort()
    return _increasing(pairs)


def _unique(lines: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    twice: set[str] = set()
    for i, line in enumerate(lines):
        if line in seen:
            twice.add(line)
        else:
            seen[line] = i
    return {line: i for line, i in seen.items() if line not in twice}


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of pairs whose second members increase (patience sorting)."""
    import bisect

    tails: list[int] = []  # second member of the last pair of each run length
    tail_index: list[int] = []
    before: list[int] = []
    for k, (_, second) in enumerate(pairs):
        at = bisect.bisect_left(tails, second)
        before.append(tail_index[at - 1] if at else -1)
        if at == len(tails):
            tails.append(second)
            tail_index.append(k)
        else:
            tails[at] = second
            tail_index[at] = k
    out = []
    k = tail_index[-1] if tail_index else -1
    while k >= 0:
        out.append(pairs[k])
        k = before[k]
    return out[::-1]


def _joined(codes: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Adjacent opcodes of one kind merged, so one conflict is one marked hunk."""
    out: list[tuple[str, int, int, int, int]] = []
    for code in codes:
        if code[1] == code[2] and code[3] == code[4]:
            continue
        kind = "equal" if code[0] == "equal" else "differ"
        if out and (out[-1][0] == "equal") == (kind == "equal"):
            last = out[-1]
            out[-1] = (last[0], last[1], code[2], last[3], code[4])
        else:
            out.append((kind, *code[1:]))
    return out

