"""Policy errors name the line and column of their key path in the file."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import medsales
from medsales import PolicyError, dump_policy, load_policy, loads_policy
from medsales.policy.locate import (
    Key,
    json_positions,
    locate,
    parse_path,
    toml_positions,
)
from medsales.testing import policies

DEFAULT_TOML = dump_policy(medsales.default_policy())
DEFAULT_JSON = dump_policy(medsales.default_policy(), "json")


def problems(text: str, format: str = "toml") -> list[tuple[int | None, Any, str]]:
    with pytest.raises(PolicyError) as caught:
        loads_policy(text, format, file="p." + format)  # type: ignore[arg-type]
    return [(p.line, p.column, p.path) for p in caught.value.problems]


def line_of(text: str, needle: str, nth: int = 0) -> int:
    hits = [i for i, line in enumerate(text.split("\n"), start=1) if line.strip() == needle]
    return hits[nth]


def test_a_bad_value_in_toml_is_placed_at_its_key() -> None:
    text = DEFAULT_TOML.replace("weight = 50\n", 'weight = "fifty"\n', 1)
    found = problems(text)
    assert found == [(line_of(text, 'weight = "fifty"'), 1, "scorecards[0].sections[0].weight")]


def test_a_cross_reference_problem_is_placed_at_the_nearest_key_the_text_has() -> None:
    text = DEFAULT_TOML.replace("weight = 50\n", "weight = 40\n", 1)
    [(line, column, path)] = problems(text)
    assert path == "scorecards[0].sections"
    assert (line, column) == (line_of(text, "[[scorecards.sections]]"), 1)


def test_arrays_of_tables_are_counted_per_parent() -> None:
    # the third line of the second section of the second scorecard
    data = tomllib.loads(DEFAULT_TOML)
    data["scorecards"][1]["sections"][1]["lines"][0]["wieght"] = 1
    text = medsales.policy.io.tomli_w.dumps(data)
    [(line, column, path)] = problems(text)
    assert path == "scorecards[1].sections[1].lines[0].wieght"
    assert text.split("\n")[line - 1].startswith("wieght = 1")
    assert column == 1


def test_every_problem_has_its_own_line() -> None:
    text = DEFAULT_TOML.replace("max_deduction = 30\n", "max_deduction = -1\n", 1).replace(
        "score_places = 2\n", 'score_places = "two"\n', 1
    )
    found = {path: line for line, _, path in problems(text)}
    assert found == {
        "max_deduction": line_of(text, "max_deduction = -1"),
        "score_places": line_of(text, 'score_places = "two"'),
    }


HAND_WRITTEN = """\
format = "medsales.policy/1"   # a comment
id = "clinic"
version = "1"
name = { en = "Clinic", zh-Hans = "诊所" }

[department]
id = "sales"
name.en = "Sales"

[[kpis]]
id = "sales"
name = { en = "Sales" }
unit = "currency"

[[kpis]]
'id' = "csat"
"name" = { en = "CSAT" }
unit = "percent"
measures = [
  "integrity",
  "teamwork",
]

[[roles]]
id = "rep"
name = { en = "Rep" }
description.en = \"\"\"
a multi-line
[not a table]
\"\"\"

[[scorecards]]
role = "rep"
lines = [
  { kpi = "sales", weight = 60, basis = "value", curve = { type = "linear" } },
  { kpi = "csat", weight = 40, basis = "value", curve = { type = "linear", floor = 2, cap = 1 } },
]

[[grades]]
id = "A"
min = 0
name = { en = "A" }
coefficient = 1
"""


def test_hand_written_toml_with_inline_tables_dotted_and_quoted_keys() -> None:
    lines = HAND_WRITTEN.split("\n")
    # a problem inside an inline table is placed at the key that holds it
    [(line, column, path)] = problems(HAND_WRITTEN)
    assert path == "scorecards[0].lines[1].curve"
    assert (lines[line - 1], column) == ("lines = [", 1)
    # once that is mended: measures names conduct rules the policy does not have, placed
    # after a quoted key, a multi-line array and a multi-line string with a "[table]"
    mended = HAND_WRITTEN.replace("floor = 2, cap = 1", "floor = 0, cap = 1")
    found = problems(mended)
    assert found
    for line, column, path in found:
        assert path.startswith("kpis[1].measures"), path
        assert (lines[line - 1], column) == ("measures = [", 1)
    positions = toml_positions(HAND_WRITTEN)
    assert ("not",) not in positions  # the "[not a table]" inside the string
    assert positions[("roles", 0, "description", "en")] == (
        lines.index('description.en = """') + 1,
        1,
    )
    assert positions[("kpis", 1, "id")] == (lines.index("'id' = \"csat\"") + 1, 1)
    assert positions[("department", "name", "en")] == (lines.index('name.en = "Sales"') + 1, 1)
    assert positions[("scorecards", 0, "role")] == (lines.index('role = "rep"') + 1, 1)


def test_json_problems_are_placed_at_their_key() -> None:
    data = json.loads(DEFAULT_JSON)
    data["scorecards"][2]["sections"][0]["weight"] = "fifty"
    data["grades"][1]["min"] = "high"
    text = json.dumps(data, indent=2, ensure_ascii=False)
    found = problems(text, "json")
    lines = text.split("\n")
    for line, column, path in found:
        assert line is not None
        assert isinstance(column, int)
        key = str(parse_path(path)[-1])
        assert lines[line - 1][column - 1 :].startswith(f'"{key}"'), (path, lines[line - 1])
    assert {p for _, _, p in found} == {"scorecards[2].sections[0].weight", "grades[1].min"}


def test_a_file_names_itself_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(DEFAULT_TOML.replace("weight = 50\n", "weight = -50\n", 1), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    line = line_of(path.read_text(encoding="utf-8"), "weight = -50")
    assert f"policy.toml:{line} column 1, scorecards[0].sections[0].weight: " in str(
        caught.value.problems[0]
    )


def test_a_text_the_scanner_cannot_follow_still_reports_every_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lost(text: str) -> Any:
        raise IndexError("lost")

    monkeypatch.setattr(medsales.policy.io, "toml_positions", lost)
    text = DEFAULT_TOML.replace("weight = 50\n", 'weight = "fifty"\n', 1)
    assert problems(text) == [(None, None, "scorecards[0].sections[0].weight")]


def test_a_mapping_has_no_lines() -> None:
    data = tomllib.loads(DEFAULT_TOML, parse_float=Decimal)
    data["max_deduction"] = -1
    with pytest.raises(PolicyError) as caught:
        load_policy(data)
    assert [(p.line, p.path) for p in caught.value.problems] == [(None, "max_deduction")]


def test_locate_falls_back_to_the_nearest_enclosing_path() -> None:
    positions = {("a",): (2, 1), ("a", 0): (3, 5)}
    assert locate(positions, ("a", 0, "b", "c")) == (3, 5)
    assert locate(positions, ("a", 1)) == (2, 1)
    assert locate(positions, ("z",)) is None  # a missing top-level key has no place
    assert locate(positions, ()) is None


def test_parse_path_inverts_format_path() -> None:
    assert parse_path("scorecards[2].sections[0].weight") == (
        "scorecards",
        2,
        "sections",
        0,
        "weight",
    )
    assert parse_path("name.zh-Hans") == ("name", "zh-Hans")
    assert parse_path("") == ()


def _paths(data: Any, path: Key = ()) -> list[Key]:
    """Every key path of a document down to its scalars and arrays of scalars."""
    out: list[Key] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append((*path, key))
            out += _paths(value, (*path, key))
    elif isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        for i, value in enumerate(data):
            out.append((*path, i))
            out += _paths(value, (*path, i))
    return out


@settings(max_examples=25, deadline=None)
@given(policies())
def test_every_key_of_a_dumped_policy_is_found_where_it_is_written(policy: Any) -> None:
    for format in ("toml", "json"):
        text = dump_policy(policy, format)  # type: ignore[arg-type]
        data = tomllib.loads(text) if format == "toml" else json.loads(text)
        positions = toml_positions(text) if format == "toml" else json_positions(text)
        lines = text.split("\n")
        for path in _paths(data):
            where = positions.get(path)
            if where is None:  # inside an inline table or array: its key holds it
                assert format == "toml", path
                assert locate(positions, path) is not None, path
                continue
            line, column = where
            written = lines[line - 1][column - 1 :]
            last = path[-1]
            if isinstance(last, int):
                continue  # an item: a table header or the start of a value
            if format == "json":
                assert written.startswith(json.dumps(last, ensure_ascii=False)), (path, written)
            else:
                assert last in written, (path, written)
