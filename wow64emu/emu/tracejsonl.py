"""The trace as JSON lines (`--trace-format jsonl`), and the JSON formatting the Chrome sink (tracechrome.py) shares:
imported when a trace asks for them, as the json module is (a millisecond of a start without a trace)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, TextIO

from .eventkind import EventKind
from .trace import Event, Sink, Text, text_of

# One encoder for every event (json.dumps with options builds a new one per call), of trees (no cycles to look for).
compact_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
json_string = encode_basestring_ascii  # a str as a JSON string, quotes included


def json_members(fields: dict[str, Any]) -> str:
    """The fields as members of a JSON object, each followed by a comma (`"a":1,"b":"x",`): ints, strings and lists
    of ints by hand, the rest by the encoder, which costs several times more. A name needs no escaping: it is a
    keyword argument's."""
    return "".join([f'"{k}":{v},' if type(v) is int else f'"{k}":{json_string(v)},' if type(v) is str
                    else f'"{k}":{_json_value(v)},' for k, v in fields.items()])


def _json_value(value: Any) -> str:
    if type(value) in (list, tuple) and all(type(x) is int for x in value):  # a call's arguments
        return f"[{','.join(map(str, value))}]"
    return compact_json(value)


def kind_members(kind: EventKind, values: tuple) -> str:
    """The fields of an event of `kind` as JSON members, each after a comma."""
    if kind.strings or kind.lists:
        values = list(values)
        for i in kind.strings:
            values[i] = json_string(values[i])
        for i in kind.lists:
            values[i] = f"[{','.join(map(str, values[i]))}]"
    return kind.template % tuple(values)


def _remembered(kind: EventKind, values: tuple) -> str:
    """kind_members(kind, values), kept in the kind's `known`."""
    known = kind.known
    if len(known) >= kind.KNOWN:
        known.clear()
    members = known[values] = kind_members(kind, values)
    return members


class JsonlSink(Sink):
    """One JSON object per line: call, layer, event, pid, tid, ts, the event's fields, and its text but for a
    crossing's (an EventKind whose text only renders its fields). Written by hand where nothing needs escaping (the
    names of layers and kinds, numbers): faster than encoding one dict of it all. `ts` has its three decimals
    (nanoseconds) always: half the cost of the float's shortest form.

    The crossings' events come in `pending` (the tracer appends them there) and are formatted BATCH at a time (or
    before any other event, and when the tracer is flushed or closed): the same work in one loop costs a third less
    than spread between the emulator's own (measured: 88 -> 75 us per traced WoW64 call, of ten events then)."""

    BATCH = 256

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.pending = []  # never replaced: the tracer holds it

    def write(self, ev: Event) -> None:
        self.write_parts(ev.call, ev.layer, ev.event, ev.text, ev.fields, ev.pid, ev.tid, ev.ts)

    def write_parts(self, call: int, layer: str, event: str, text: Text, fields: dict[str, Any], pid: int, tid: int,
                    ts: float) -> None:
        if self.pending:
            self.flush()
        self.out.write(f'{{"call":{call},"layer":"{layer}","event":"{event}","pid":{pid},"tid":{tid},"ts":{ts:.3f},'
                       f'{json_members(fields)}"text":{json_string(text_of(text))}}}\n')

    def flush(self) -> None:
        lines = []
        append = lines.append
        last_call = last_pid = last_tid = None
        last_ns = 0
        for kind, call, pid, tid, ns, values, text in self.pending:
            if call != last_call or tid != last_tid or pid != last_pid:  # the events of a call share these
                last_call, last_pid, last_tid = call, pid, tid
                call_s, ids = str(call), f'"pid":{pid},"tid":{tid},"ts":'
            if ns != last_ns:  # and those seen at one instruction their time (Tracer.hold)
                last_ns = ns
                ts = f"{ns / 1000:.3f}"
            try:
                members = kind.known.get(values) or _remembered(kind, values)
            except TypeError:  # a list among the values, which cannot be kept: formatted each time
                members = kind_members(kind, values)
            if text is None:
                append(f'{{"call":{call_s}{kind.head}{ids}{ts}{members}}}\n')
            else:
                append(f'{{"call":{call_s}{kind.head}{ids}{ts}{members},"text":{json_string(text_of(text))}}}\n')
        self.pending.clear()
        self.out.write("".join(lines))

    def close(self) -> None:
        self.flush()
