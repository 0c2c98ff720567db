"""The kinds of trace events emitted on every system call, which their emitters declare at import (kernel/entry.py,
thunks/dispatch.py, observe.py), and the hex forms of numbers in trace texts: apart from the tracer and its sinks
(trace.py), which a run imports only when a trace is asked for."""

from __future__ import annotations


class EventKind:
    """A kind of event emitted on every system call (a crossing of layers), with its fields in a fixed order: a
    sink writes it from the values alone (`Sink.write_kind`), the JSONL sink from templates made once (`head`,
    `template`). `strings` names the fields that are strings, `lists` those that are sequences of ints (the rest are
    ints; an emitter gives tuples, so that the values can be kept: see `known`); `text` says whether the JSONL line
    carries the event's text: not for a kind whose text only renders its fields, which the emitter may then give as
    a function (`Text`) that only the text and Chrome formats call."""

    KNOWN = 4096  # the most members kept per kind

    def __init__(self, layer: str, event: str, fields: str, *, strings: str = "", lists: str = "",
                 text: bool = False) -> None:
        self.layer = layer
        self.event = event
        self.names = tuple(fields.split())
        self.strings = tuple(self.names.index(n) for n in strings.split())
        self.lists = tuple(self.names.index(n) for n in lists.split())
        self.text = text
        self.head = f',"layer":"{layer}","event":"{event}",'  # between the call and the ids
        self.template = "".join(f',"{n}":%s' for n in self.names)  # of the members, each after a comma
        # The members already formatted, by values: most repeat (a stub's name, address and number, the selectors of
        # a gate, a call's arguments from the same buffers), and a lookup costs a fifth of formatting them again.
        self.known: dict[tuple, str] = {}


def hex32(value: int) -> str:
    return f"0x{value & 0xFFFFFFFF:08x}"


def hex64(value: int) -> str:
    return f"0x{value & 0xFFFFFFFFFFFFFFFF:016x}"
