"""Fixed words and messages in en, zh-Hans and zh-Hant: complete, consistent, chosen by the
labels' fallback order."""

from __future__ import annotations

import string
from collections.abc import Mapping

import pytest

import medsales
from medsales.engine.notes import Note
from medsales.labels import LANGUAGES, pick
from medsales.views import explain, history, history_report, messages, plots, report
from medsales.views import html as notebook
from medsales.views import text as render

TABLES: dict[str, Mapping[str, object]] = {
    "messages.MESSAGES": messages.MESSAGES,
    "explain.WORDS": explain.WORDS,
    "report._TEXT": report._TEXT,
    "render.HEADERS": render.HEADERS,
    "render._FLAGS": render._FLAGS,
    "render._CHART": render._CHART,
    "notebook._WORDS": notebook._WORDS,
    "plots._WORDS": plots._WORDS,
    "history.WORDS": history.WORDS,
    "plots._TREND_WORDS": plots._TREND_WORDS,
    "history_report._TEXT": history_report._TEXT,
    "render.DEMO_TITLE": render.DEMO_TITLE,
    "render.WHATIF_WORDS": render.WHATIF_WORDS,
}

# Characters of the Simplified tables whose Traditional form differs (each one
# Simplified-only): none may appear in a Traditional text.
SIMPLIFIED_ONLY = set(
    "与个为于仅价余内决动医单占参变后员团复够实将岗并强归录态总据摊数无时权条构标档汇没点状献"
    "疗确级线组细终经绩维节范虚规计记许论评该说调贡达过这适销问间队际顶须"
)


def _texts(entry: object) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, Mapping):
        return [str(v) for v in entry.values()]
    assert isinstance(entry, tuple)
    return [str(v) for v in entry]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_has_every_language(name: str) -> None:
    assert set(TABLES[name]) == set(LANGUAGES)


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_translations_have_the_same_keys_and_placeholders(name: str, lang: str) -> None:
    en, other = TABLES[name]["en"], TABLES[name][lang]
    if isinstance(en, Mapping):
        assert isinstance(other, Mapping)
        assert set(other) == set(en)
        for key in en:
            assert _fields(str(other[key])) == _fields(str(en[key])), key
    else:
        assert len(_texts(other)) == len(_texts(en))


@pytest.mark.parametrize("name", sorted(TABLES))
def test_traditional_texts_use_no_simplified_only_characters(name: str) -> None:
    for text in _texts(TABLES[name]["zh-Hant"]):
        assert not SIMPLIFIED_ONLY & set(text), text


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_simplified_texts_are_simplified(name: str) -> None:
    # the other side of the check above: it would pass vacuously if the set were wrong
    found = {c for text in _texts(TABLES[name]["zh-Hans"]) for c in text} & SIMPLIFIED_ONLY
    assert found, name


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Grade"),
        ("zh-Hans", "等级"),
        ("zh-Hant", "等級"),
        ("zh-hant", "等級"),
        ("zh-TW", "等級"),
        ("zh-HK", "等級"),
        ("zh-CN", "等级"),
        ("zh", "等级"),
        ("fr", "Grade"),
    ],
)
def test_pick_follows_the_fallback_order(lang: str, expected: str) -> None:
    assert pick({"en": "Grade", "zh-Hans": "等级", "zh-Hant": "等級"}, lang) == expected


def test_pick_falls_back_to_the_other_script_before_english() -> None:
    assert pick({"en": "Grade", "zh-Hans": "等级"}, "zh-TW") == "等级"


def test_a_note_in_traditional_chinese() -> None:
    note = Note.of("grade_cap", before="A", cap="B", rule="teamwork", severity="major")
    assert note.text("zh-Hant") == "等級 A 因 teamwork（較重）封頂為 B"
    assert note.text("zh-Hans") == "等级 A 因 teamwork（较重）封顶为 B"
    assert note.text("en") == "grade A capped at B by teamwork (major)"
    policy = medsales.default_policy()
    rule = policy.rules_by_id["teamwork"].name
    assert note.text("zh-Hans", policy) == f"等级 A 因 {rule.text('zh-Hans')}（较重）封顶为 B"
    assert note.text("en", policy) == note.text("en")  # English keeps the policy's ids


# Sample values of every parameter a note may carry that is a method name, mode, severity,
# scope or rater group: the words a Chinese reader must never see in English.
_ENGLISH_VALUES = {
    "how": ["sum", "mean", "trimmed mean", "weighted_mean", "last", "min", "max"],
    "method": ["csat", "mean", "nps", "days", "months"],
    "mode": ["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor", "cap", "exact"],
    "severity": ["minor", "major", "critical"],
    "scope": ["direct", "all"],
    "group": ["self", "manager", "peer"],
}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_every_note_code_renders_without_english_ids_or_method_names(lang: str) -> None:
    """Each note in Chinese, given the policy: method names, modes, severities, scopes and
    rater groups in words; rules, KPIs and roles by their labels."""
    from medsales.views.messages import MESSAGES

    policy = medsales.default_policy()
    names = {
        "rule": "integrity",
        "kpi": "sales_revenue",
        "role": "sales_representative",
    }
    for code, template in MESSAGES[lang].items():
        params = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        for key, values in _ENGLISH_VALUES.items():
            if key not in params:
                continue
            for value in values:
                sample = dict.fromkeys(params, "1") | dict.fromkeys(names.keys() & params, "x")
                sample[key] = value
                for p in names.keys() & params:
                    sample[p] = names[p]
                text = Note.of(code, **sample).text(lang, policy)
                assert value not in text, f"{code}: {value!r} left in {text!r}"
                for p, ident in names.items():
                    if p in params:
                        assert ident not in text, f"{code}: id {ident!r} left in {text!r}"


def test_explain_in_traditional_chinese_has_no_simplified_words() -> None:
    policy = medsales.default_policy()
    example = policy.examples[0]
    a = medsales.appraise(policy, role=example.role, measurements=example.measurements)
    text = a.explain("zh-Hant")
    assert text.startswith("績效考核: 崗位 銷售代表 (sales_representative)")
    assert "最終得分: 92.26" in text
    assert not SIMPLIFIED_ONLY & set(text)
