"""An import's file read once, checked and made ready to write, in a second
process when there is a core for it.

Beside writing, an import spends as long again on pure computation over the
file: parsing the JSON, checking each statement, cleaning and sanitising the
HTML, and making each translation's words, excerpt and (on SQLite) the stems
its search index holds. So, given two cores, a forked child reads, checks
and prepares the file batch by batch while the parent writes the one before:
a queue of one batch keeps memory flat. The file is read once, not checked
whole before the writing starts: that check was a sixth of a large import,
on one core while the other waited. The child reads the file as the parent
would (``open_file`` is inherited, not pickled) and never touches the database.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from queue import Empty
from typing import TYPE_CHECKING, BinaryIO

from .content import TextLimits, excerpt_of_text, words_of_sanitised
from .models import source_text_of, text_fingerprint
from .statement_file import (
    CheckedFile,
    FileCheck,
    StatementFileError,
    StatementRecord,
    TranslationRecord,
)
from .stemming import stemmed_pieces, stemmed_text

# Statements a batch holds: about 4 MB of prepared text (2.5 translations of
# 8 KB each, as words and stems too), held twice in the parent while it is
# received (pickled, then read); one batch waits in the queue at most, so the
# child is never more than two batches ahead. Larger batches were no faster.
BATCH_SIZE = 100
# Files smaller than this (in bytes) are read in the importing process:
# starting a child would cost more than it saves (the demo content, the
# editor's tests). A statement of the benchmark's is about 20 KB.
PARALLEL_FROM = 512 * 1024
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


@dataclass(frozen=True)
class Chunk:
    """A batch of the file's statements, those without problems, as read.

    ``prepared`` is None where the reader left the preparing to the importer
    (FileReading.prepared): when the importer waited for the last batch (as
    preparing costs more than writing on SQLite and less on PostgreSQL,
    neither process waits long for the other this way), or when the import
    is refused and the rest of the file is read only for its problems."""

    records: list[StatementRecord]
    # Each record's place in the file, from 1: what problems name it by.
    numbers: list[int]
    prepared: list[PreparedStatement] | None
    # How much of the file is read, in bytes: the import's progress.
    position: int
    # Whether the file has shown a problem so far: then nothing more is written.
    faulty: bool


# What the child sends: chunks, then the file's check (its problems among
# them) at the end; or the problems that stopped the reading at once (the
# file is no JSON object with a "statements" list: StatementFileError does
# not survive pickling whole), or a traceback.
Message = Chunk | CheckedFile | tuple[str, ...] | str

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event as EventType


def prepare(record: StatementRecord, with_stems: bool) -> PreparedStatement:
    prepared = []
    for t in record.translations:
        # content.derived_texts's texts, from a body FileCheck.records sanitised.
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


def _read(
    open_file: Callable[[], BinaryIO],
    languages: Sequence[str],
    limits: TextLimits,
    with_stems: bool,
    preparing: Callable[[], bool],
) -> Generator[Chunk, None, CheckedFile]:
    """The file's chunks, each prepared if ``preparing()`` says so when it is
    read; the file's check once it is read to its end."""
    with open_file() as stream:
        check = FileCheck(stream, languages, limits)
        records = check.records(stream, clean=True)
        while numbered := list(islice(records, BATCH_SIZE)):
            chunk = [record for _number, record in numbered]
            prepared = [prepare(r, with_stems) for r in chunk] if preparing() else None
            numbers = [number for number, _record in numbered]
            yield Chunk(chunk, numbers, prepared, stream.tell(), bool(check.problems))
        # Without where each slug is given: the importer names the statements
        # by their chunks' numbers, and the slugs of 100,000 statements, held
        # here to find those given twice, would cost it tens of megabytes.
        return dataclasses.replace(check.result(), slugs={}, titles=[])


class FileReading:
    """The file read once, checked as it is read, in chunks of its good
    statements: by a child process when the file holds ``PARALLEL_FROM``
    bytes or more and a second core is there, else here. ``checked`` is the
    file's check, once every chunk has been taken. Closing it stops the child."""

    def __init__(
        self,
        open_file: Callable[[], BinaryIO],
        languages: Sequence[str],
        limits: TextLimits,
        with_stems: bool,
        size: int,
    ) -> None:
        self.with_stems = with_stems
        self.checked: CheckedFile | None = None
        # Set when the import is refused: the child prepares nothing more.
        self._refused: EventType | None = None
        self._read = partial(_read, open_file, languages, limits, with_stems)
        if size < PARALLEL_FROM or _cores() < 2 or not _can_fork():
            self._chunks = self._here()
        else:
            self._chunks = self._in_child()

    def __iter__(self) -> Iterator[Chunk]:
        return self._chunks

    def close(self) -> None:
        self._chunks.close()

    def refuse(self) -> None:
        """The import will not be written: read the rest for its problems only."""
        if self._refused is not None:
            self._refused.set()

    def prepared(self, chunk: Chunk) -> list[PreparedStatement]:
        """The chunk's statements prepared, here if the reader did not."""
        if chunk.prepared is not None:
            return chunk.prepared
        return [prepare(record, self.with_stems) for record in chunk.records]

    def _here(self) -> Generator[Chunk, None, None]:
        # Prepared as they are written (prepared), none once the import is refused.
        self.checked = yield from self._read(lambda: False)

    def _in_child(self) -> Generator[Chunk, None, None]:
        context = get_context("fork")
        queue: Queue[Message] = context.Queue(maxsize=1)
        # Set when the parent waited (the child sends its next chunk
        # unprepared), and for good when the import is refused.
        idle, refused = context.Event(), context.Event()
        self._refused = refused
        child = context.Process(
            target=_produce, args=(queue, idle, refused, self._read), daemon=True
        )
        child.start()
        try:
            while True:
                try:
                    item = queue.get_nowait()
                except Empty:
                    idle.set()  # the child is behind: it hands the next chunk over unprepared
                    item = _wait_for(queue, child)
                if isinstance(item, CheckedFile):
                    self.checked = item
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
    refused: EventType,
    read: Callable[[Callable[[], bool]], Generator[Chunk, None, CheckedFile]],
) -> None:
    """The child: each chunk into the queue, then the file's check; or what
    went wrong, as text. A chunk after the parent waited goes unprepared,
    for the parent to prepare, and every chunk once the import is refused."""

    def preparing() -> bool:
        if refused.is_set():
            return False
        if idle.is_set():
            idle.clear()
            return False
        return True

    try:
        checked = _put_all(read(preparing), queue)
    except StatementFileError as error:
        queue.put(tuple(error.problems))
        return
    except BaseException:  # the parent reports it, whatever it is
        queue.put(traceback.format_exc())
        return
    queue.put(checked)


def _put_all(chunks: Generator[Chunk, None, CheckedFile], queue: Queue[Message]) -> CheckedFile:
    """Put every chunk into ``queue``; what the generator returns at its end."""
    while True:
        try:
            queue.put(next(chunks))
        except StopIteration as end:
            checked: CheckedFile = end.value
            return checked
