"""Loading and dumping policy documents, the canonical form and the JSON Schema (SPEC §9, §12)."""

from __future__ import annotations

import decimal
import hashlib
import json
import random
import re
import tomllib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError

from medsales import Policy, PolicyError, dump_policy, load_policy, loads_policy
from medsales.policy import canonical_json, policy_json_schema, policy_to_data
from medsales.testing import policies, policy_documents

# SPEC §12's example, with the responsibility 'sales_target_achievement' (which a KPI
# measures) declared in the department.
SPEC_EXAMPLE = """\
format = "medsales.policy/1"
id = "acme-2026"
version = "2026.1"
name = { en = "ACME medical sales appraisal", zh-Hans = "ACME 医疗销售考核" }
currency = "CNY"
score_places = 2             # decimals of the final score
rounding = "half_up"         # §1
missing = "redistribute"     # default for lines: redistribute | zero | error
max_deduction = 30           # cap on conduct deductions, in points
max_score = 120              # optional
fiscal_year_start = 1        # 1..12
proration = "days"           # days | months

[department]
id = "medical_sales"
name = { en = "Medical Sales Department", zh-Hans = "医疗行业销售部", zh-Hant = "醫療行業銷售部" }
[[department.responsibilities]]
id = "market_development"
name = { en = "Market development", zh-Hans = "市场开拓" }
[[department.responsibilities]]
id = "sales_target_achievement"
name = { en = "Sales target achievement", zh-Hans = "销售目标达成" }

[[roles]]
id = "sales_representative"
name = { en = "Sales Representative", zh-Hans = "销售代表" }
[[roles.responsibilities]]
id = "personal_sales_target"
name = { en = "Reach the personal sales target" }

[[conduct_rules]]
id = "integrity"
name = { en = "Integrity", zh-Hans = "诚信原则" }
[conduct_rules.consequences]
minor = { deduct = 2 }
major = { deduct = 10, grade_cap = "C" }
critical = { veto = true }

[[kpis]]
id = "sales_revenue"
name = { en = "Sales revenue" }
unit = "currency"
direction = "higher"         # higher | lower | target
aggregation = "sum"          # sum | mean | weighted_mean | last | min | max
measures = ["sales_representative.personal_sales_target", "sales_target_achievement"]

[[kpis]]
id = "customer_satisfaction"
name = { en = "Customer satisfaction (CSAT)" }
unit = "percent"
direction = "higher"
aggregation = "weighted_mean"
derive = { from = "survey", method = "csat", min_responses = 10 }   # csat | mean | nps

[[kpis]]
id = "teamwork_rating"
name = { en = "Teamwork (360° rating)" }
unit = "rating"
direction = "higher"
aggregation = "mean"
derive = { from = "ratings", groups = { self = 10, manager = 60, peer = 30 }, peer_aggregate = "trimmed_mean", min_raters = 3 }

[[kpis]]
id = "team_sales_revenue"
name = { en = "Team sales revenue" }
unit = "currency"
direction = "higher"
aggregation = "sum"
derive = { from = "team", kpi = "sales_revenue", scope = "direct" }   # direct | all

[[grades]]                   # best first, strictly decreasing min
id = "S"
min = 95
coefficient = 1.5
name = { en = "Outstanding", zh-Hans = "卓越" }
[[grades]]
id = "A"
min = 85
coefficient = 1.2
[[grades]]
id = "B"
min = 70
coefficient = 1.0
[[grades]]
id = "C"
min = 60
coefficient = 0.8
[[grades]]
id = "D"
min = 0
coefficient = 0

[[scorecards]]
role = "sales_representative"
[[scorecards.sections]]
id = "results"
weight = 80
[[scorecards.sections.lines]]
kpi = "sales_revenue"
weight = 70
basis = "attainment"         # attainment | value
curve = { type = "linear", floor = 0.6, cap = 1.2 }
missing = "zero"
[[scorecards.sections.lines]]
kpi = "customer_satisfaction"
weight = 30
basis = "value"
curve = { type = "piecewise", points = [[60, 60], [90, 100], [100, 110]], below = 0 }
[[scorecards.sections]]
id = "behaviour"
weight = 20
[[scorecards.sections.lines]]
kpi = "teamwork_rating"
weight = 100
basis = "value"
curve = { type = "scale", min = 1, max = 5 }

[distribution]               # optional
mode = "cap"                 # cap | exact
shares = { S = 0.10, A = 0.20 }
ties = "favor_higher"        # favor_higher | favor_lower

[[examples]]                 # golden cases, checked by `medsales policy check`
name = "a rep exactly on target"
role = "sales_representative"
measurements = { sales_revenue = { actual = 1000000, target = 1000000 }, customer_satisfaction = { actual = 90 }, teamwork_rating = { actual = 5 } }
expect = { score = "100.00", grade = "S" }
"""  # noqa: E501 - the example as SPEC §12 writes it


@pytest.fixture(scope="module")
def spec_policy() -> Policy:
    return loads_policy(SPEC_EXAMPLE)


def spec_json() -> str:
    return dump_policy(loads_policy(SPEC_EXAMPLE), "json")


# --- loading ---------------------------------------------------------------------------------


def test_the_spec_example_loads(spec_policy: Policy) -> None:
    assert spec_policy.id == "acme-2026"
    assert spec_policy.max_deduction == 30
    assert spec_policy.distribution is not None
    assert spec_policy.distribution.shares == {"S": Decimal("0.10"), "A": Decimal("0.20")}
    assert spec_policy.grades_by_id["B"].coefficient == Decimal("1.0")
    assert spec_policy.name.text("zh-Hans") == "ACME 医疗销售考核"


def test_toml_floats_are_read_as_exact_decimals(spec_policy: Policy) -> None:
    line = spec_policy.scorecard("sales_representative").effective_sections[0].lines[0]
    assert line.curve.type == "linear"
    assert line.curve.floor == Decimal("0.6")  # not 0.59999999999999997779…
    assert str(line.curve.floor) == "0.6"


def test_load_a_toml_file(tmp_path: Path, spec_policy: Policy) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(SPEC_EXAMPLE, encoding="utf-8")
    assert load_policy(path) == spec_policy
    assert load_policy(str(path)) == spec_policy


def test_load_a_json_file(tmp_path: Path, spec_policy: Policy) -> None:
    path = tmp_path / "policy.json"
    path.write_text(spec_json(), encoding="utf-8")
    loaded = load_policy(path)
    assert loaded == spec_policy
    assert loaded.sha256 == spec_policy.sha256


@pytest.mark.parametrize("suffix", [".TOML", ".Json"])
def test_the_suffix_is_case_insensitive(tmp_path: Path, suffix: str) -> None:
    text = SPEC_EXAMPLE if suffix.lower() == ".toml" else spec_json()
    path = tmp_path / f"policy{suffix}"
    path.write_text(text, encoding="utf-8")
    assert load_policy(path).id == "acme-2026"


def test_load_a_mapping(spec_policy: Policy) -> None:
    data = json.loads(spec_json())
    assert load_policy(data) == spec_policy


def test_load_a_policy_returns_it(spec_policy: Policy) -> None:
    assert load_policy(spec_policy) is spec_policy


@pytest.mark.parametrize("name", ["policy.yaml", "policy", "policy.toml.bak"])
def test_an_unknown_suffix_is_an_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(SPEC_EXAMPLE, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.message == f"cannot tell the format of {str(path)!r} from its suffix"
    assert info.value.expected == "a .toml or .json file"
    assert info.value.value == str(path)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == f"no such file: {str(path)!r}"
    assert not isinstance(info.value, FileNotFoundError)


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "café"'.encode("latin-1"))
    with pytest.raises(PolicyError, match=f"cannot read {re.escape(repr(str(path)))}"):
        load_policy(path)


def test_a_directory_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dir.toml"
    path.mkdir()
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(path)


def test_a_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "acme"\nversion = \nname = 1\n', encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 11)
    assert problem.message == "invalid TOML: Invalid value"
    assert str(info.value) == f"{path}:2 column 11: invalid TOML: Invalid value"


def test_a_toml_syntax_error_in_text_is_named_toml() -> None:
    with pytest.raises(PolicyError) as info:
        loads_policy("a = 1\nb = 01\n")
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.column) == ("<toml>", 2, 6)


def test_a_toml_error_at_the_end_of_the_document_still_has_a_line() -> None:
    # tomllib says "(at end of document)" instead of a line and column; the error must still
    # say where it is (SPEC §11): the last line of the document.
    with pytest.raises(PolicyError) as info:
        loads_policy('id = "acme"\nname = "unterminated', file="p.toml")
    [problem] = info.value.problems
    assert problem.message == "invalid TOML: Unterminated string"
    assert problem.line == 2
    assert problem.column is not None
    assert str(info.value).startswith("p.toml:2 column ")


def test_a_json_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "acme",\n "version": }\n', encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 13)
    assert problem.message == "invalid JSON: Expecting value"
    assert str(info.value) == f"{path}:2 column 13: invalid JSON: Expecting value"


@pytest.mark.parametrize(("text", "kind"), [("[1, 2]", "list"), ('"acme"', "str"), ("3", "int")])
def test_a_json_document_must_be_an_object(text: str, kind: str) -> None:
    with pytest.raises(PolicyError) as info:
        loads_policy(text, "json", file="p.json")
    assert str(info.value) == f"p.json: the document must be a JSON object, not {kind}"


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_utf8_bom_is_accepted(tmp_path: Path, fmt: str, spec_policy: Policy) -> None:
    path = tmp_path / f"bom.{fmt}"
    text = SPEC_EXAMPLE if fmt == "toml" else spec_json()
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_policy(path) == spec_policy


def test_problems_in_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(SPEC_EXAMPLE.replace("weight = 80", "weight = 70"), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    [problem] = info.value.problems
    assert problem.file == str(path)
    assert problem.path == "scorecards[0].sections"
    assert str(info.value).startswith(f"{path}: invalid policy, 1 problem\n")
    # placed at the first [[scorecards.sections]] of the file
    text = path.read_text(encoding="utf-8").split("\n")
    line = text.index("[[scorecards.sections]]") + 1
    assert (problem.line, problem.column) == (line, 1)
    assert f"  - {path}:{line} column 1, scorecards[0].sections: section weights" in str(info.value)


@pytest.mark.parametrize("fmt", ["yaml", "xml"])
def test_an_unknown_format_is_an_error(fmt: str, spec_policy: Policy) -> None:
    with pytest.raises(PolicyError, match=f"unknown policy format '{fmt}'"):
        loads_policy("{}", fmt)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match=f"unknown policy format '{fmt}'"):
        dump_policy(spec_policy, fmt)  # type: ignore[arg-type]


# --- dump → load ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_the_spec_example_survives_dump_and_load(fmt: str, spec_policy: Policy) -> None:
    text = dump_policy(spec_policy, fmt)  # type: ignore[arg-type]
    again = loads_policy(text, fmt)  # type: ignore[arg-type]
    assert again == spec_policy
    assert again.canonical_json == spec_policy.canonical_json
    assert dump_policy(again, fmt) == text  # type: ignore[arg-type]


def test_dumped_json_is_indented_with_sorted_keys(spec_policy: Policy) -> None:
    text = dump_policy(spec_policy, "json")
    assert text.endswith("}\n")
    assert text.startswith('{\n  "conduct_rules": [\n')
    assert "医疗行业销售部" in text  # not \\u escapes


def test_dumped_toml_writes_decimals_not_binary_floats(spec_policy: Policy) -> None:
    text = dump_policy(spec_policy, "toml")
    data = tomllib.loads(text, parse_float=Decimal)
    floor = data["scorecards"][0]["sections"][0]["lines"][0]["curve"]["floor"]
    assert (type(floor), floor) == (Decimal, Decimal("0.6"))
    coefficient = data["grades"][2]["coefficient"]  # written 1.0: normalized to 1
    assert (type(coefficient), coefficient) == (int, 1)
    assert "0.59999" not in text


@given(policies())
def test_every_policy_survives_dump_and_load(policy: Policy) -> None:
    for fmt in ("toml", "json"):
        text = dump_policy(policy, fmt)  # type: ignore[arg-type]
        again = loads_policy(text, fmt)  # type: ignore[arg-type]
        assert again == policy
        assert again.sha256 == policy.sha256
        assert dump_policy(again, fmt) == text  # type: ignore[arg-type]


# --- the canonical form and its SHA-256 ------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")


def _check_canonical(text: str) -> None:
    """Keys sorted at every level, no whitespace, numbers normalized (SPEC §9)."""

    def sorted_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys), f"keys not sorted: {keys}"
        return dict(pairs)

    json.loads(text, object_pairs_hook=sorted_pairs)
    outside_strings = _STRING.sub('""', text)
    assert not re.search(r"\s", outside_strings)
    for token in re.findall(r"-?[0-9][-0-9.eE+]*", outside_strings):
        assert _NUMBER.fullmatch(token), f"number not normalized: {token}"


def test_canonical_json_of_the_spec_example(spec_policy: Policy) -> None:
    text = canonical_json(spec_policy)
    assert text == spec_policy.canonical_json
    _check_canonical(text)
    assert text.startswith('{"conduct_rules":[{"consequences":{"critical":')
    # defaults are filled in
    assert '"fiscal_year_named_by":"end"' in text
    assert '"format":"medsales.policy/1"' in text
    # numbers are normalized decimals
    assert '"shares":{"A":0.2,"S":0.1}' in text
    assert '"coefficient":1,' in text
    assert '"floor":0.6' in text


def test_sha256_is_of_the_canonical_utf8(spec_policy: Policy) -> None:
    digest = spec_policy.sha256
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == hashlib.sha256(canonical_json(spec_policy).encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "spelling", ["1.5", "1.50", "1.500", '"1.5"', '"1.50"', '"0.15e1"', "15E-1", '" 1.5 "']
)
def test_how_a_number_is_written_never_changes_the_sha256(
    spelling: str, spec_policy: Policy
) -> None:
    text = SPEC_EXAMPLE.replace("coefficient = 1.5", f"coefficient = {spelling}")
    policy = loads_policy(text)
    assert policy.grades[0].coefficient == Decimal("1.5")
    assert policy.canonical_json == spec_policy.canonical_json
    assert policy.sha256 == spec_policy.sha256


@pytest.mark.parametrize("spelling", ["120", "120.0", "1.2e2", '"120.00"', "1.20E+2"])
def test_integers_are_canonical_whatever_their_spelling(spelling: str, spec_policy: Policy) -> None:
    policy = loads_policy(SPEC_EXAMPLE.replace("max_score = 120", f"max_score = {spelling}"))
    assert '"max_score":120,' in policy.canonical_json
    assert policy.sha256 == spec_policy.sha256


def test_defaults_written_out_do_not_change_the_sha256(spec_policy: Policy) -> None:
    explicit = SPEC_EXAMPLE.replace(
        'proration = "days"', 'proration = "days"\nfiscal_year_named_by = "end"'
    )
    assert loads_policy(explicit).sha256 == spec_policy.sha256


def test_a_different_policy_has_a_different_sha256(spec_policy: Policy) -> None:
    changed = loads_policy(SPEC_EXAMPLE.replace("max_deduction = 30", "max_deduction = 31"))
    assert changed.sha256 != spec_policy.sha256


def test_the_canonical_form_ignores_the_callers_decimal_context(spec_policy: Policy) -> None:
    text = SPEC_EXAMPLE.replace("max_score = 120", 'max_score = "123456.789"')
    expected = canonical_json(loads_policy(text))
    assert '"max_score":123456.789' in expected
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        policy = loads_policy(text)
        assert canonical_json(policy) == expected
        assert policy.sha256 == hashlib.sha256(expected.encode()).hexdigest()


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same document with the keys of every mapping in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@given(policy_documents(max_roles=2, max_kpis=5), st.randoms(use_true_random=True))
def test_key_order_never_changes_the_sha256(document: dict[str, Any], rng: random.Random) -> None:
    policy = load_policy(document)
    other = load_policy(_shuffled(document, rng))
    assert other.canonical_json == policy.canonical_json
    assert other.sha256 == policy.sha256
    _check_canonical(policy.canonical_json)


def test_policy_to_data_fills_defaults_and_leaves_out_absent_optionals(
    spec_policy: Policy,
) -> None:
    data = policy_to_data(spec_policy)
    assert data["fiscal_year_named_by"] == "end"
    assert "description" not in data
    assert data["kpis"][1]["derive"]["from"] == "survey"  # by alias, not from_
    assert data["grades"][0]["min"] == Decimal(95)


# --- the JSON Schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = policy_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_schema_is_a_draft_2020_12_schema() -> None:
    schema = policy_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://medsales.dev/schema/policy-1.json"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"id", "version", "name", "department", "kpis"}


def test_the_schema_accepts_the_spec_example(validator: Draft202012Validator) -> None:
    errors = list(validator.iter_errors(json.loads(spec_json())))
    assert errors == []


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ((), "colour"),
        (("scorecards", 0, "sections", 0, "lines", 0), "wieght"),
        (("grades", 0), "max"),
    ],
)
def test_the_schema_rejects_an_unknown_key(
    validator: Draft202012Validator, where: tuple[str | int, ...], key: str
) -> None:
    document = json.loads(spec_json())
    node: Any = document
    for part in where:
        node = node[part]
    node[key] = 1
    messages = _messages(validator.iter_errors(document))
    assert any(f"'{key}' was unexpected" in m for m in messages), messages
    with pytest.raises(PolicyError, match=f"unknown key '{key}'"):
        load_policy(document)


def _messages(errors: Iterable[ValidationError]) -> list[str]:
    """Every message, including those nested under anyOf/oneOf."""
    out: list[str] = []
    for error in errors:
        out.append(error.message)
        out += _messages(error.context or ())
    return out


def test_the_schema_rejects_a_missing_required_key(validator: Draft202012Validator) -> None:
    document = json.loads(spec_json())
    del document["version"]
    assert any(
        "'version' is a required property" in e.message for e in validator.iter_errors(document)
    )


@pytest.mark.parametrize("text", ["1_000", "0x10", "1e", "abc", "1.2.3", ""])
def test_the_schema_and_the_loader_agree_on_number_strings(
    validator: Draft202012Validator, text: str
) -> None:
    document = json.loads(spec_json())
    document["max_deduction"] = text
    assert not validator.is_valid(document)
    with pytest.raises(PolicyError) as info:
        load_policy(document)
    assert [p.path for p in info.value.problems] == ["max_deduction"]


@given(policy_documents(max_roles=2, max_kpis=5))
def test_the_schema_accepts_every_generated_policy(document: dict[str, Any]) -> None:
    validator = Draft202012Validator(_SCHEMA)
    policy = load_policy(document)
    assert list(validator.iter_errors(document)) == []
    assert list(validator.iter_errors(json.loads(dump_policy(policy, "json")))) == []


_SCHEMA = policy_json_schema()
