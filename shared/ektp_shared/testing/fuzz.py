"""Property-based checks of an API's edge (hypothesis): take a valid body, replace one value anywhere in it
by arbitrary JSON (or the whole body), and the service must answer 2xx or a 4xx naming the field — never a 500."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                    max_leaves=8)


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every place in a JSON value (the empty path is the value itself)."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    if isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*prefix, index))


def mutated(body: Any, data: st.DataObject) -> Any:
    """``body`` with the value at one of its paths replaced by arbitrary JSON (or the whole body, for the empty path)."""
    path = data.draw(st.sampled_from(list(paths(body))))
    replacement = data.draw(JSON)
    if not path:
        return replacement
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    return changed


def answered_properly(response: Any) -> None:
    """No 5xx; a 4xx is our JSON error naming at least one field."""
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        body = response.get_json()
        assert body["code"] and body["errors"] and all(e["field"] for e in body["errors"]), body
