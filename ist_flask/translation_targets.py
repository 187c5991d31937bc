"""A translation's units against the original's: aligning an existing
translation with them, checking translated units, and putting the body
together again from them. Nothing here imports Flask."""

from __future__ import annotations

from lxml import etree, html

from .translation_units import (
    SUMMARY,
    TITLE,
    Close,
    Code,
    Open,
    Run,
    Segment,
    Unit,
    Void,
    parse_body,
    run_segment,
    runs,
)

# --- a translation's own units, as targets for the original's ----------------


def aligned_targets(original: list[Unit], translation: list[Unit]) -> dict[str, Segment]:
    """The translation's units as targets of the original's, when its body has
    the same blocks; each of its codes given the number of the original's code
    of the same element in the same order. Units that cannot be matched so are
    left out: the translator sees them empty. Title and summary go to title
    and summary."""
    own = {u.id: u for u in translation if u.id in (TITLE, SUMMARY)}
    targets = {u.id: own[u.id].source for u in original if u.id in own}
    original = [u for u in original if u.id not in (TITLE, SUMMARY)]
    translation = [u for u in translation if u.id not in (TITLE, SUMMARY)]
    if [u.block for u in original] != [u.block for u in translation]:
        return targets
    for source, target in zip(original, translation, strict=True):
        renumbered = _renumbered(target, source)
        if renumbered is not None:
            targets[source.id] = renumbered
    return targets


def _renumbered(target: Unit, source: Unit) -> Segment | None:
    by_tag: dict[str, list[int]] = {}
    for number, code in sorted(source.codes.items()):
        by_tag.setdefault(code.tag, []).append(number)
    mapping: dict[int, int] = {}
    for number, code in sorted(target.codes.items()):
        if not by_tag.get(code.tag):
            return None
        mapping[number] = by_tag[code.tag].pop(0)
    return tuple(
        part if isinstance(part, str) else type(part)(mapping[part.id]) for part in target.source
    )


# --- putting a translation together -----------------------------------------


def check_target(unit: Unit, target: Segment) -> list[str]:
    """What is wrong with ``target`` as the translation of ``unit``: codes it
    does not have, codes of the wrong kind, used twice, or badly nested."""
    problems: list[str] = []
    seen: set[int] = set()
    open_codes: list[int] = []
    for part in target:
        if isinstance(part, str):
            continue
        code = unit.codes.get(part.id)
        if code is None:
            if not isinstance(part, Close):  # named once, at its start
                problems.append(f"code {part.id} is not in the original")
            continue
        if isinstance(part, Close):
            if not open_codes or open_codes[-1] != part.id:
                problems.append(f"code {part.id} is closed where it is not open")
            else:
                open_codes.pop()
            continue
        if part.id in seen:
            problems.append(f"code {part.id} is used twice")
        seen.add(part.id)
        if isinstance(part, Void) != code.void:
            problems.append(f"code {part.id} is a {'lone' if code.void else 'paired'} code")
        if isinstance(part, Open):
            open_codes.append(part.id)
    if open_codes:
        problems.append(f"code {open_codes[-1]} is never closed")
    return problems


def rebuilt_body(body: str, targets: dict[str, Segment], units: list[Unit]) -> str:
    """The original ``body`` with each unit's words replaced by its target
    (every unit must have one, checked by check_target). Not sanitised here."""
    root = parse_body(body)
    found = runs(root)
    by_id = {unit.id: unit for unit in units}
    # From the last run back, so that the children's positions stay true.
    for number in range(len(found), 0, -1):
        run = found[number - 1]
        unit = by_id[f"b{number}"]
        _segment, _codes, before, after = run_segment(run)
        _replace(run, before, targets[unit.id], after, unit.codes)
    inner = (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner


def _replace(run: Run, before: str, target: Segment, after: str, codes: dict[int, Code]) -> None:
    holder = html.Element("span")
    stack: list[etree._Element] = [holder]
    for part in target:
        top = stack[-1]
        if isinstance(part, str):
            _append_text(top, part)
        elif isinstance(part, Close):
            stack.pop()
        else:
            element = _element(codes[part.id])
            top.append(element)
            if isinstance(part, Open):
                stack.append(element)
    owner = run.owner
    for child in list(owner)[run.start : run.end]:
        owner.remove(child)
    new_children = list(holder)
    lead_text = before + (holder.text or "")
    if new_children:
        new_children[-1].tail = (new_children[-1].tail or "") + after
    else:
        lead_text += after
    if run.lead is None:
        owner.text = lead_text
    else:
        run.lead.tail = lead_text
    for offset, child in enumerate(new_children):
        owner.insert(run.start + offset, child)


def _append_text(element: etree._Element, text: str) -> None:
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _element(code: Code) -> etree._Element:
    element: etree._Element = html.Element(code.tag)
    for name, value in code.attributes:
        element.set(name, value)
    return element
