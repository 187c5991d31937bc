"""An import's records made ready to write, in a second process when there is a core for it.

Beside writing, an import spends as long again on pure computation over the
file: parsing the JSON, cleaning and sanitising the HTML, and making each
translation's words, excerpt and (on SQLite) the stems its search index holds.
So, given two cores, a forked child reads and prepares the file batch by batch
while the parent writes the one before: a queue of one batch keeps memory
flat. The child reads the file as the parent would (``open_file`` is
inherited, not pickled) and never touches the database.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from queue import Empty
from typing import TYPE_CHECKING, BinaryIO

from .content import TextLimits, excerpt_of_text, words_of_sanitised
from .models import source_text_of, text_fingerprint
from .statement_file import (
    StatementFileError,
    StatementRecord,
    TranslationRecord,
    read_statement_file,
)
from .stemming import stemmed_pieces, stemmed_text

# Statements a batch holds: about 4 MB of prepared text (2.5 translations of
# 8 KB each, as words and stems too), held twice in the parent while it is
# received (pickled, then read); one batch waits in the queue at most, so the
# child is never more than two batches ahead. Larger batches were no faster.
BATCH_SIZE = 100
# Files smaller than this are prepared in the importing process: starting a
# child would cost more than it saves (the demo content, the editor's tests).
PARALLEL_FROM = 2_000
# How long the parent waits for a batch before it checks that the child lives.
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class PreparedTranslation:
    record: TranslationRecord
    search_text: str
    excerpt: str
    # models._derive_texts's fingerprint of its source text, which the
    # import's INSERT passes by: made here, beside the parent's writing.
    text_sha256: str
    # The stems of the title and of the words, for SQLite's search index
    # (migration 0008); None where the database stems its own (PostgreSQL).
    stems: tuple[str, str] | None


@dataclass(frozen=True)
class PreparedStatement:
    record: StatementRecord
    translations: tuple[PreparedTranslation, ...]


Batch = list[PreparedStatement]


@dataclass(frozen=True)
class Unprepared:
    """A batch the child leaves to the parent, which waited for the last one:
    preparing costs more than writing (SQLite), or less (PostgreSQL), and this
    way neither process waits long for the other, whichever it is."""

    records: list[StatementRecord]


# What the child sends: a batch; the problems of a file that changed since it
# was checked (StatementFileError does not survive pickling whole); a
# traceback; and None at the end.
Message = Batch | Unprepared | tuple[str, ...] | str | None

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event as EventType


def prepare(record: StatementRecord, with_stems: bool) -> PreparedStatement:
    prepared = []
    for t in record.translations:
        # content.derived_texts's texts, from a body read_statement_file sanitised.
        words = words_of_sanitised(t.body)
        search_text = " ".join(words)
        stems = (
            (stemmed_text(t.language, t.title), stemmed_pieces(t.language, words))
            if with_stems
            else None
        )
        fingerprint = text_fingerprint(source_text_of(t.title, t.summary, t.body, t.markdown))
        excerpt = excerpt_of_text(search_text, t.summary)
        prepared.append(PreparedTranslation(t, search_text, excerpt, fingerprint, stems))
    return PreparedStatement(record, tuple(prepared))


def _batches(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    limits: TextLimits,
    with_stems: bool,
) -> Iterator[Batch]:
    for chunk in _chunks(open_file, languages, limits):
        yield [prepare(record, with_stems) for record in chunk]


def _chunks(
    open_file: Callable[[], BinaryIO], languages: Sequence[str], limits: TextLimits
) -> Iterator[list[StatementRecord]]:
    """The file's records, a batch at a time."""
    with open_file() as stream:
        records = read_statement_file(stream, languages, limits)
        while chunk := list(islice(records, BATCH_SIZE)):
            yield chunk


def prepared_batches(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    limits: TextLimits,
    with_stems: bool,
    count: int,
) -> Generator[Batch, None, None]:
    """The file's statements, prepared, in batches: by a child process when
    the file holds ``PARALLEL_FROM`` statements or more and a second core is
    there, else here."""
    if count < PARALLEL_FROM or _cores() < 2 or not _can_fork():
        yield from _batches(open_file, languages, limits, with_stems)
        return
    context = get_context("fork")
    queue: Queue[Message] = context.Queue(maxsize=1)
    idle = context.Event()
    child = context.Process(
        target=_produce,
        args=(queue, idle, open_file, languages, limits, with_stems),
        daemon=True,
    )
    child.start()
    try:
        while True:
            try:
                item = queue.get_nowait()
            except Empty:
                idle.set()  # the child is behind: it hands the next batch over unprepared
                item = _wait_for(queue, child)
            if isinstance(item, Unprepared):
                yield [prepare(record, with_stems) for record in item.records]
                continue
            if item is None:
                return
            if isinstance(item, tuple):
                raise StatementFileError(item)
            if isinstance(item, str):
                raise RuntimeError(f"reading the file failed:\n{item}")
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _wait_for(queue: Queue[Message], child: BaseProcess) -> Message:
    """The child's next message, as long as the child lives."""
    while True:
        try:
            return queue.get(timeout=POLL_SECONDS)
        except Empty:
            if not child.is_alive():
                raise RuntimeError(
                    f"the process reading the file stopped (exit code {child.exitcode})"
                ) from None


def _cores() -> int:
    """The cores this process may run on (macOS has no affinity: all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _can_fork() -> bool:
    return "fork" in get_all_start_methods()


def _produce(
    queue: Queue[Message],
    idle: EventType,
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    limits: TextLimits,
    with_stems: bool,
) -> None:
    """The child: each batch into the queue, then None; or what went wrong, as text.
    A batch after the parent waited goes unprepared, for the parent to prepare."""
    try:
        for chunk in _chunks(open_file, languages, limits):
            if idle.is_set():
                idle.clear()
                queue.put(Unprepared(chunk))
            else:
                queue.put([prepare(record, with_stems) for record in chunk])
    except StatementFileError as error:
        queue.put(tuple(error.problems))
        return
    except BaseException:  # the parent reports it, whatever it is
        queue.put(traceback.format_exc())
        return
    queue.put(None)
