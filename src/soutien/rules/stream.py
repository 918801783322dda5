"""Reading a batch one dossier at a time: a JSON array or JSON Lines, in blocks of bytes.

Each item is the exact bytes of one dossier and where it starts, so that memory stays flat
whatever the input's size. msgspec finds where a dossier ends (its `Raw` type skips one
value at C speed and names the first byte after it); the text is decoded by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NamedTuple

import msgspec

BLOCK = 1 << 20  # read about a mebibyte at a time
MAX_DOSSIER = 1 << 26  # no real dossier comes near 64 MiB of JSON
_SKIP = msgspec.json.Decoder(msgspec.Raw)
_WHITESPACE = b" \t\r\n"
_TRAILING = "trailing characters (byte "
_AT_BYTE = "(byte "


class Item(NamedTuple):
    number: int  # 1-based position of the dossier in the batch
    raw: bytes  # the dossier's JSON text, as read
    line: int  # 1-based line where it starts (0: ask `buffer`, only for an error)
    column: int  # 1-based column (in bytes) where it starts
    offset: int = 0
    buffer: _Buffer | None = None

    def position(self) -> tuple[int, int]:
        """Line and column; valid until the next item is read."""
        if self.buffer is None:
            return self.line, self.column
        return self.buffer.where(self.offset)


class Unreadable(Exception):
    """The batch stops being JSON at `line`, `column`; the text from `raw` says why."""

    def __init__(self, number: int, line: int, column: int, raw: bytes) -> None:
        super().__init__(number, line, column)
        self.number, self.line, self.column, self.raw = number, line, column, raw


class _Buffer:
    """The bytes not yet consumed, with the line and column of their start."""

    def __init__(self, source: BinaryIO, first: bytes) -> None:
        self.source = source
        self.data = first
        self.pos = 0
        self.eof = False
        self.line = 1  # line of data[0]
        self.line_start = 0  # offset in data of the start of `line` (may be negative)
        self.base = 0  # offset in the input of data[0]

    def more(self) -> bool:
        """Read another block; False at the end of the input."""
        if self.eof:
            return False
        block = self.source.read(BLOCK)
        if not block:
            self.eof = True
            return False
        if self.pos:
            consumed = self.data[: self.pos]
            newlines = consumed.count(b"\n")
            if newlines:
                self.line += newlines
                self.line_start = consumed.rindex(b"\n") + 1
            self.line_start -= self.pos
            self.base += self.pos
            self.data = self.data[self.pos :] + block
            self.pos = 0
        else:
            self.data += block
        return True

    def where(self, offset: int) -> tuple[int, int]:
        before = self.data[:offset]
        newlines = before.count(b"\n")
        if newlines:
            return self.line + newlines, offset - before.rindex(b"\n")
        return self.line, offset - self.line_start + 1

    def skip_whitespace(self) -> int:
        """The next significant byte (consumed only by the caller), or -1 at the end."""
        while True:
            data, pos = self.data, self.pos
            while pos < len(data) and data[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(data):
                return data[pos]
            if not self.more():
                return -1


def first_byte(source: BinaryIO) -> tuple[bytes, int]:
    """The first block and its first significant byte (-1 if none)."""
    block = source.read(BLOCK)
    stripped = block.lstrip(_WHITESPACE)
    while not stripped and block:
        more = source.read(BLOCK)
        if not more:
            break
        block += more
        stripped = block.lstrip(_WHITESPACE)
    return block, stripped[0] if stripped else -1


# A block decoder takes `[` + some dossiers' text + `]` and returns what it made of each, or
# None when it does not take them all (then they are read one at a time).
BlockDecoder = Callable[[bytes], "list[Any] | None"]
_BLOCK_MIN = BLOCK // 2  # read on before a block shorter than this


def _block_cut(data: bytes, pos: int) -> int:
    """Where a run of dossiers starting at `pos` likely ends: after the last `}` that a `,`
    and the same opening as the run's first dossier follow (`{"id"`, say), or -1.

    A guess: the run is decoded whole only if it is right (see `array_items`).
    """
    try:
        key_end = data.index(b'"', data.index(b'"', pos) + 1) + 1
    except ValueError:
        return -1
    opening = data[pos:key_end]
    if not opening.startswith(b"{") or b"}" in opening:
        return -1
    at = data.rfind(opening, pos + 1)
    while at > pos:
        before = at - 1
        while before > pos and data[before] in _WHITESPACE:
            before -= 1
        if data[before] == ord(","):
            before -= 1
            while before > pos and data[before] in _WHITESPACE:
                before -= 1
            if data[before] == ord("}"):
                return before + 1
        at = data.rfind(opening, pos + 1, at)
    return -1


def array_items(
    source: BinaryIO, first: bytes, block: BlockDecoder | None = None
) -> Iterator[Item | list[Any]]:
    """The dossiers of a JSON array whose text starts with `first`, one at a time.

    With `block`: runs of whole dossiers are handed to it at once (a mebibyte or so, cut by
    `_block_cut`); each run it takes is yielded as its list, in order.
    `[` + run + `]` decodes only if the run is a sequence of whole values: a cut inside a text
    leaves the text open, a cut inside a nested value leaves a bracket open. A run it does not
    take is read one dossier at a time, as without `block`.
    """
    buf = _Buffer(source, first)
    buf.skip_whitespace()
    buf.pos += 1  # the opening bracket, checked by the caller
    number = 0
    if buf.skip_whitespace() == ord("]"):
        buf.pos += 1
        _expect_end(buf, number)
        return
    single_until = -1  # before this offset in the input, one at a time (a run refused)
    while True:
        if block is not None and buf.base + buf.pos >= single_until:
            if len(buf.data) - buf.pos < _BLOCK_MIN:
                buf.more()
            cut = _block_cut(buf.data, buf.pos)
            decoded = None
            if cut > buf.pos:
                decoded = block(b"[" + buf.data[buf.pos : cut] + b"]")
                if decoded is None:
                    single_until = buf.base + cut
            else:  # no cut in what is read (dossiers unlike the first): to its end, alone
                single_until = buf.base + len(buf.data)
            if decoded:
                number += len(decoded)
                buf.pos = cut
                yield decoded
                if _next_value(buf, number):
                    continue
                return
        number += 1
        start = buf.pos
        while True:
            try:
                _SKIP.decode(memoryview(buf.data)[buf.pos :])
                end = -1  # the value runs to the end of what is read: read more
            except msgspec.DecodeError as error:
                message = str(error)
                index = message.rfind(_TRAILING)
                if index >= 0:
                    end = buf.pos + int(message[index + len(_TRAILING) : -1]) - 1
                # Only a value cut short by the end of what is read is worth reading on for:
                # msgspec says "truncated", or names a byte at the cut (half a UTF-8
                # character, half a literal). It also says "truncated" of a lone surrogate:
                # hence the limit.
                elif not _near_end(message, buf) or len(buf.data) - buf.pos > MAX_DOSSIER:
                    end = -2
                    break
                else:
                    end = -1
            if end >= 0 or not buf.more():
                break
            start = buf.pos
        if end < 0:  # malformed, or cut short by the end of the input
            line, column = buf.where(start)
            raise Unreadable(number, line, column, buf.data[start:])
        raw = buf.data[start:end]
        buf.pos = end
        yield Item(number, raw, 0, 0, start, buf)
        if not _next_value(buf, number):
            return


def _next_value(buf: _Buffer, number: int) -> bool:
    """After the `number`th value: True if another follows its comma, False at the end."""
    separator = buf.skip_whitespace()
    if separator == ord(","):
        buf.pos += 1
        if buf.skip_whitespace() in (ord("]"), -1):
            line, column = buf.where(buf.pos)
            raise Unreadable(number + 1, line, column, buf.data[buf.pos :])
        return True
    if separator == ord("]"):
        buf.pos += 1
        _expect_end(buf, number)
        return False
    line, column = buf.where(buf.pos)
    raise Unreadable(number + 1, line, column, b"[" + buf.data[buf.pos :])


def _near_end(message: str, buf: _Buffer) -> bool:
    at = message.rfind(_AT_BYTE)
    if at < 0:
        return True  # "Input data was truncated"
    return buf.pos + int(message[at + len(_AT_BYTE) : -1]) >= len(buf.data) - 8


def _expect_end(buf: _Buffer, number: int) -> None:
    if buf.skip_whitespace() != -1:
        line, column = buf.where(buf.pos)
        raise Unreadable(number + 1, line, column, b"[]" + buf.data[buf.pos :])


def line_items(source: BinaryIO, first: bytes) -> Iterator[Item]:
    """The dossiers of JSON Lines (one per line; blank lines are skipped), one at a time."""
    number = line = 0
    pending = first
    while True:
        lines = pending.split(b"\n")
        pending = lines.pop()
        for text in lines:
            line += 1
            if text.strip(_WHITESPACE):
                number += 1
                yield Item(number, text, line, 1)
        block = source.read(BLOCK)
        if not block:
            break
        pending += block
    if pending.strip(_WHITESPACE):
        yield Item(number + 1, pending, line + 1, 1)
