"""The fast Ed-Fi XML reader: ElementTree's C pull parser builds each record, numpy finds the lines.

Calling Python for every start tag, end tag and text run (as the exact reader in :mod:`.edfi_exact` does) costs
most of the time of reading a big interchange. Here expat and ElementTree's C tree builder do that work; Python
only walks the start and end events to find where each record (a child of the interchange root) ends, hands it
to its mapper and drops it. The line of every element comes from :class:`StartTags`, a numpy scan of the same
bytes: the n-th start tag in the text is the n-th element expat reports. Record elements get their line as the
``_line`` attribute; other elements' lines are looked up only when an error needs one.

Used only when the scan is exact: an ASCII-compatible encoding and a prolog without DTD or comments (the caller
checks); comments, CDATA sections and processing instructions inside the document are skipped by the scan.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from xml.parsers import expat

import numpy as np

from .edfi_records import LINE_ATTR, EdfiState, handler_for

#: After ``<``: ``/`` (end tag), ``!`` (comment, CDATA, declaration) and ``?`` (processing instruction) are not
#: start tags.
_NOT_START = np.zeros(256, dtype=bool)
_NOT_START[[ord("/"), ord("!"), ord("?")]] = True
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord("!"), ord("?")]] = True
_TERMINATORS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))


class StartTags:
    """Line numbers of the start tags of an XML byte stream, in document order.

    Feed it the same bytes, in the same order, as the parser; :meth:`line` gives the line of the n-th element.
    Every start tag the parser can have reported is scanned: only a final ``<`` or an unfinished ``<!…`` marker
    waits for the next bytes.
    """

    def __init__(self) -> None:
        self._tail = b""
        self._line = 1
        self._inside: bytes | None = None
        self._lines = np.empty(0, dtype=np.int64)
        self._base = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Scan more bytes (with ``final``, the last ones)."""
        buf = self._tail + chunk
        raw = np.frombuffer(buf, dtype=np.uint8)
        # A final "<" or CR waits for the next byte (a start tag? a CR LF line break?).
        limit = len(buf) - (1 if not final and buf.endswith((b"<", b"\r")) else 0)
        less = np.flatnonzero(raw[:limit] == 60)
        follow = raw[np.minimum(less + 1, len(raw) - 1)] if len(less) else raw[:0]
        if len(less) and less[-1] == len(raw) - 1:
            follow = follow.copy()
            follow[-1] = ord("/")  # a "<" at the very end of the document starts nothing
        starts = less[~_NOT_START[follow]]
        special = less[_SPECIAL[follow]]
        if self._inside is not None or len(special):
            starts, limit = self._outside(buf, limit, starts, special, final)
        breaks = self._breaks(raw, buf, limit, final)
        lines = np.searchsorted(breaks, starts) + self._line
        self._line += len(breaks)
        self._lines = np.concatenate((self._lines, lines))
        self._tail = buf[limit:]

    def _outside(
        self, buf: bytes, limit: int, starts: np.ndarray, special: np.ndarray, final: bool
    ) -> tuple[np.ndarray, int]:
        """The start tags not inside comments, CDATA sections or processing instructions; how far to scan."""
        keep = np.ones(len(starts), dtype=bool)
        pos = 0
        while True:
            if self._inside is not None:
                end = buf.find(self._inside, pos)
                if end == -1:  # the span goes on: keep its last bytes, the terminator may be cut in two
                    keep &= starts < pos
                    stop = len(buf) if final else max(pos, len(buf) - len(self._inside) + 1)
                    return starts[keep], min(limit, stop)
                stop = end + len(self._inside)
                keep &= (starts < pos) | (starts >= stop)
                self._inside, pos = None, stop
            later = special[special >= pos]
            if not len(later):
                return starts[keep], limit
            mark = int(later[0])
            rest = buf[mark : mark + 9]
            if not final and len(rest) < 9 and any(o.startswith(rest) for o, _c in _TERMINATORS[:2]):
                keep &= starts < mark  # "<!-" or "<![CDA" at the end: decide with the next bytes
                return starts[keep], mark
            opener, closer = next((o, c) for o, c in _TERMINATORS if buf.startswith(o, mark))
            self._inside, pos = closer, mark + len(opener)

    def _breaks(self, raw: np.ndarray, buf: bytes, limit: int, final: bool) -> np.ndarray:
        """Positions of line breaks before ``limit``: LF, and CR not followed by LF (as expat counts them)."""
        lf = np.flatnonzero(raw[:limit] == 10)
        if buf.find(b"\r", 0, limit) == -1:
            return lf
        cr = np.flatnonzero(raw[:limit] == 13)
        after = np.append(raw, 0)[cr + 1]
        lone = cr[(after != 10) & ((cr + 1 < len(raw)) | final)]
        return np.sort(np.concatenate((lf, lone)))

    def line(self, ordinal: int) -> int:
        """The line of the element with this position in document order (0 = the root)."""
        return int(self._lines[ordinal - self._base])

    def release(self, before: int) -> None:
        """Forget the lines of elements before ``before`` (they are done with)."""
        drop = before - self._base
        if drop > 0:
            self._lines = self._lines[drop:]
            self._base = before


_gc_lock = threading.Lock()
_gc_users = [0, 0]  # readers running, and the threshold to restore when the last one ends


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often: records are trees without cycles, freed as they go.

    The threshold is process-wide, so concurrent readers share one raise and the last one out restores it.
    """
    with _gc_lock:
        if not _gc_users[0]:
            _gc_users[1] = gc.get_threshold()[0]
            gc.set_threshold(max(_gc_users[1], 200_000), *gc.get_threshold()[1:])
        _gc_users[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users[0] -= 1
            if not _gc_users[0]:
                gc.set_threshold(_gc_users[1], *gc.get_threshold()[1:])


class _LocalNames(dict[str, str]):
    """``{namespace}Tag`` → ``Tag``, remembered."""

    def __missing__(self, tag: str) -> str:
        local = self[tag] = tag.rpartition("}")[2]
        return local


class FastReader:
    """Reads one file's records with the C pull parser; raises ``ET.ParseError`` where the XML is broken.

    No Python runs per tag: after each chunk, every child of the root but the last is complete (a later sibling
    has started), so those are mapped and dropped. The position of a record among all elements (its ordinal,
    which gives its line) is one more than the number of elements before it: the root and the earlier records'
    elements, counted as they are dropped.
    """

    def __init__(self, state: EdfiState, file: str) -> None:
        self.state = state
        self.file = file
        self.tags = StartTags()
        self.parser: ET.XMLPullParser[Any] = ET.XMLPullParser(events=("start",))
        self.names = _LocalNames()
        self.root: ET.Element | None = None
        self.ordinal = 1  # of the next record (the root is element 0)
        self.record_ordinal = 0
        self.record: ET.Element | None = None
        self.records = 0
        #: True once the whole document was fed (an error now means it ended too soon).
        self.final = False
        #: Whether elements were open where the XML broke (known after :meth:`read` raised).
        self.open_elements = False

    def read(self, chunks: Iterable[bytes], again: Callable[[], Iterable[bytes]]) -> None:
        """Parse every chunk, then the end of the document; ``again`` reads the same bytes anew (on errors)."""
        with fewer_collections():
            try:
                for chunk in chunks:
                    self.tags.feed(chunk)
                    self.parser.feed(chunk)
                    self._check()
                    self._records(complete_last=False)
                self.tags.feed(b"", final=True)
                self.final = True
                self.parser.close()
            except ET.ParseError:
                self._finish_broken(again())
                raise
            self._records(complete_last=True)

    def _check(self) -> None:
        """Take the root from the first event; raise the parse error the pull parser queued, if any."""
        queue = getattr(self.parser, "_events_queue", None)
        events = list(queue) if queue is not None else list(_reraise_as_item(self.parser.read_events()))
        if queue is not None:
            queue.clear()
        for item in events if self.root is None else events[-1:]:
            if type(item) is not tuple:
                raise item
            if self.root is None:
                self._root(item[1])

    def _root(self, el: ET.Element) -> None:
        self.root = el
        tag = el.tag
        el.tag = tag.rpartition("}")[2]
        namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        self.state.check_root(el.tag, namespace, self.file, self.tags.line(0))

    def _records(self, complete_last: bool) -> None:
        root = self.root
        if root is None:
            return
        done = len(root) if complete_last else len(root) - 1
        if done <= 0:
            return
        for el in root[:done]:
            self._handle(el)
        del root[:done]
        self.tags.release(self.ordinal)

    def _handle(self, el: ET.Element) -> None:
        names = self.names
        nodes = list(el.iter())
        for node in nodes:
            node.tag = names[node.tag]
        self.record_ordinal = self.ordinal
        self.ordinal += len(nodes)
        self.records += 1
        el.set(LINE_ATTR, str(self.tags.line(self.record_ordinal)))
        self.record = el
        self.state.locate = self._locate
        handler = handler_for(el.tag)
        if handler is None:
            self.state.ignored[el.tag] = self.state.ignored.get(el.tag, 0) + 1
        else:
            handler(self.state, el, self.file)
        self.state.locate = None
        self.record = None

    def _locate(self, el: ET.Element) -> int:
        """The line of an element of the current record (by its position in the record, in document order)."""
        if self.record is None:
            return 0
        for offset, node in enumerate(self.record.iter()):
            if node is el:
                return self.tags.line(self.record_ordinal + offset)
        return 0

    def _finish_broken(self, chunks: Iterable[bytes]) -> None:
        """Map the records completed before the error (the last one too, if its end tag came before it)."""
        ended, depth = _ended_before_error(chunks)
        self.open_elements = depth > 0
        started = self.records + (len(self.root) if self.root is not None else 0)
        self._records(complete_last=ended >= started)


def _ended_before_error(chunks: Iterable[bytes]) -> tuple[int, int]:
    """(records whose end tag expat read before the error, elements open at the error): the exact count.

    Only broken files pay for this second, slower pass.
    """
    parser = expat.ParserCreate()
    state = {"depth": 0, "ended": 0}

    def start(_name: str, _attrs: object) -> None:
        state["depth"] += 1

    def end(_name: str) -> None:
        if state["depth"] == 2:
            state["ended"] += 1
        state["depth"] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        pass
    return state["ended"], state["depth"]


def _reraise_as_item(events: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from events
    except ET.ParseError as exc:
        yield exc


def parse_error(exc: Any) -> tuple[int, int, int]:
    """(expat error code, line, column) of an ``ET.ParseError``."""
    line, column = exc.position
    return int(exc.code), int(line), int(column)
