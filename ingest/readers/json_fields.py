"""The JSON fields a reader uses, with the type it expects of each: a wrong type is an error naming the field.

Without this a number where text belongs was stored as its digits (`"title": 12345` -> "12345"), a
list as its Python repr (`"family": ["x"]` -> "['x']"), and a text where a list of objects belongs
ended the file (`"updates": "retraction"`: AttributeError). A shape is plain data: a type name, a
`{field: shape}` object (other fields are not looked at) or a `[shape]` list of items; a field that is
absent or null is always allowed (readers treat both as "not given").

Type names: "text"; "number" (an integer or a decimal); "id" (text or an integer: record ids and
timestamps are written both ways); "texts" (a text, or a list of texts: Crossref's titles).
"""

from __future__ import annotations

import json

Shape = str | dict[str, "Shape"] | list["Shape"]

_TYPES = {"text": (str,), "number": (int, float), "id": (str, int), "texts": (str, list)}
_NAMES = {"text": "text", "number": "a number", "id": "text or an integer", "texts": "text or a list of texts"}


class FieldTypeError(ValueError):
    """A field whose value is not of the type the reader expects."""

    def __init__(self, path: str, expected: str, value: object) -> None:
        self.path = path
        super().__init__(f"field {path}: expected {expected}, found {_describe(value)}")


def check(value: object, shape: Shape, max_chars: int, path: str = "") -> None:
    """Raise FieldTypeError for the first field of `value` (JSON as parsed) that does not fit `shape`,
    or that is a text longer than `max_chars` characters (`ReadLimits.field_chars`)."""
    if value is None:
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise FieldTypeError(path or "(the record)", "an object", value)
        for name, inner in shape.items():
            check(value.get(name), inner, max_chars, f"{path}.{name}" if path else name)
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise FieldTypeError(path, "a list", value)
        for number, item in enumerate(value):
            check(item, shape[0], max_chars, f"{path}[{number}]")
    else:
        if isinstance(value, bool) or not isinstance(value, _TYPES[shape]):
            raise FieldTypeError(path, _NAMES[shape], value)
        if isinstance(value, list):
            for number, item in enumerate(value):
                check(item, "text", max_chars, f"{path}[{number}]")
        elif isinstance(value, str) and len(value) > max_chars:
            raise FieldTooLong(path, len(value), max_chars)


class FieldTooLong(ValueError):
    def __init__(self, path: str, length: int, limit: int) -> None:
        super().__init__(f"field {path} is {length:,} characters long, above the limit of {limit:,} "
                         "(RETRACTKG_MAX_FIELD_CHARS)")


def _describe(value: object) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    shown = json.dumps(value, ensure_ascii=False)
    return f"{kind.get(type(value), type(value).__name__)} {shown[:60] + '...' if len(shown) > 60 else shown}"
