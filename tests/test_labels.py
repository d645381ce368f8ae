"""Multilingual labels (SPEC §2): ``en`` required, a documented fallback order."""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from medsales.labels import LANGUAGES, Label, fallback_chain

FULL = {"en": "Integrity", "zh-Hans": "诚信原则", "zh-Hant": "誠信原則"}


# --- fallback order ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "chain"),
    [
        ("en", ("en",)),
        ("fr", ("fr", "en")),
        ("en-GB", ("en-GB", "en")),
        ("zh", ("zh", "zh-Hans", "zh-Hant", "en")),
        ("zh-Hans", ("zh-Hans", "zh", "zh-Hant", "en")),
        ("zh-Hant", ("zh-Hant", "zh", "zh-Hans", "en")),
        ("zh-Hant-TW", ("zh-Hant-TW", "zh-Hant", "zh", "zh-Hans", "en")),
        ("zh-Hans-CN", ("zh-Hans-CN", "zh-Hans", "zh", "zh-Hant", "en")),
        ("ZH-HANT", ("ZH-HANT", "ZH", "zh-Hans", "en")),
        ("zh-CN", ("zh-CN", "zh", "zh-Hans", "zh-Hant", "en")),
        ("zh-TW", ("zh-TW", "zh", "zh-Hant", "zh-Hans", "en")),
        ("zh-HK", ("zh-HK", "zh", "zh-Hant", "zh-Hans", "en")),
    ],
)
def test_fallback_chain(lang: str, chain: tuple[str, ...]) -> None:
    assert fallback_chain(lang) == chain


@pytest.mark.parametrize("lang", ["en", "fr", "zh", "zh-Hant-TW", "EN", "de-CH-1996"])
def test_every_chain_ends_with_en_and_has_no_duplicates(lang: str) -> None:
    chain = fallback_chain(lang)
    assert chain[0] == lang
    assert chain[-1].lower() == "en"
    folded = [tag.lower() for tag in chain]
    assert len(folded) == len(set(folded))


@pytest.mark.parametrize(
    ("texts", "lang", "expected"),
    [
        (FULL, "zh-Hans", "诚信原则"),
        (FULL, "zh-Hant", "誠信原則"),
        (FULL, "en", "Integrity"),
        (FULL, "de", "Integrity"),
        (FULL, "zh-Hant-TW", "誠信原則"),
        (FULL, "zh-Hans-SG", "诚信原则"),
        (FULL, "zh", "诚信原则"),  # plain zh reads Simplified first
        # the other Chinese script is closer than English
        ({"en": "Integrity", "zh-Hans": "诚信原则"}, "zh-Hant", "诚信原则"),
        ({"en": "Integrity", "zh-Hant": "誠信原則"}, "zh-Hans", "誠信原則"),
        ({"en": "Integrity", "zh-Hant": "誠信原則"}, "zh-Hans-CN", "誠信原則"),
        # a generic zh text is preferred to the other script
        ({"en": "Integrity", "zh": "通用", "zh-Hans": "诚信原则"}, "zh-Hant", "通用"),
        # a regional text wins over its parent for that region only
        ({"en": "Colour", "en-US": "Color"}, "en-US", "Color"),
        ({"en": "Colour", "en-US": "Color"}, "en-GB", "Colour"),
        ({"en": "Integrity"}, "zh-Hans", "Integrity"),
    ],
)
def test_text_follows_the_fallback_order(texts: dict[str, str], lang: str, expected: str) -> None:
    assert Label(texts).text(lang) == expected


def test_text_defaults_to_english() -> None:
    label = Label(FULL)
    assert label.text() == "Integrity"
    assert label.en == "Integrity"
    assert str(label) == "Integrity"


@pytest.mark.parametrize("lang", ["ZH-HANS", "zh-hans", "Zh-Hans", "zh-HANS"])
def test_tags_are_matched_case_insensitively(lang: str) -> None:
    assert Label(FULL).text(lang) == "诚信原则"


def test_tags_are_stored_as_written() -> None:
    label = Label({"en": "Integrity", "ZH-hans": "诚信原则"})
    assert list(label) == ["en", "ZH-hans"]
    assert label.text("zh-Hans") == "诚信原则"
    assert label["ZH-hans"] == "诚信原则"
    with pytest.raises(KeyError):
        label["zh-Hans"]  # item access is the plain mapping, as written


# --- what a label must have ------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({}, "a label needs an 'en' text"),
        ({"zh-Hans": "诚信原则"}, "a label needs an 'en' text"),
        ({"EN": "Integrity"}, "a label needs an 'en' text"),
        ({"en": ""}, "the 'en' text must be a non-empty string"),
        ({"en": "   "}, "the 'en' text must be a non-empty string"),
        ({"en": "Integrity", "zh-Hans": ""}, "the 'zh-Hans' text must be a non-empty string"),
        ({"en": "Integrity", "zh-Hans": "\t\n"}, "the 'zh-Hans' text must be a non-empty string"),
        ({"en": 42}, "the 'en' text must be a non-empty string"),
        ({"en": "Integrity", "": "x"}, "language tag '' must be a non-empty string"),
        ({"en": "Integrity", " ": "x"}, "language tag ' ' must be a non-empty string"),
        ({"en": "Integrity", 1: "x"}, "language tag 1 must be a non-empty string"),
    ],
)
def test_en_is_required_and_no_text_is_empty(texts: dict[object, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        Label(texts)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_languages_of_the_built_in_labels() -> None:
    assert LANGUAGES == ("en", "zh-Hans", "zh-Hant")


# --- immutability, equality, hashing ----------------------------------------------------


def test_a_label_is_immutable() -> None:
    label = Label(FULL)
    with pytest.raises(TypeError):
        label["en"] = "Honesty"  # type: ignore[index]
    with pytest.raises(TypeError):
        del label["en"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        label.update({"en": "Honesty"})  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        label.extra = "x"  # type: ignore[attr-defined]
    assert label.en == "Integrity"


def test_a_label_copies_what_it_was_built_from() -> None:
    texts = dict(FULL)
    label = Label(texts)
    texts["en"] = "Honesty"
    texts["fr"] = "Intégrité"
    assert label.en == "Integrity"
    assert "fr" not in label
    exported = dict(label)
    exported["en"] = "Honesty"
    assert label.en == "Integrity"


def test_a_label_is_a_read_only_mapping() -> None:
    label = Label(FULL)
    assert len(label) == 3
    assert set(label) == set(FULL)
    assert dict(label.items()) == FULL
    assert label.get("fr") is None
    assert "zh-Hant" in label


def test_equality_and_hash() -> None:
    a = Label({"en": "Integrity", "zh-Hans": "诚信原则"})
    b = Label({"zh-Hans": "诚信原则", "en": "Integrity"})  # order does not matter
    c = Label({"en": "Integrity"})
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert a == {"en": "Integrity", "zh-Hans": "诚信原则"}  # equal to the same mapping
    assert a != {"en": "Integrity"}
    assert a != "Integrity"
    assert len({a, b, c}) == 2
    assert {a: 1}[b] == 1


def test_equality_is_on_tags_as_written() -> None:
    assert Label({"en": "x", "zh-Hans": "y"}) != Label({"en": "x", "ZH-HANS": "y"})


def test_repr_copy_and_pickle() -> None:
    label = Label(FULL)
    assert repr(label) == f"Label({FULL!r})"
    assert eval(repr(label)) == label  # the repr rebuilds the label
    assert copy.deepcopy(label) == label
    restored = pickle.loads(pickle.dumps(label))
    assert restored == label
    assert restored.text("zh-Hant-TW") == "誠信原則"


# --- pydantic -------------------------------------------------------------------------


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: Label
    description: Label | None = None


def test_pydantic_validates_a_mapping_into_a_label() -> None:
    doc = _Doc.model_validate({"name": FULL})
    assert isinstance(doc.name, Label)
    assert doc.name.text("zh-Hant") == "誠信原則"
    assert doc.description is None


def test_pydantic_takes_a_label_too() -> None:
    label = Label(FULL)
    name = _Doc(name=label).name
    assert isinstance(name, Label)
    assert name == label


def test_pydantic_round_trip() -> None:
    doc = _Doc.model_validate({"name": FULL, "description": {"en": "Be honest"}})
    dumped = doc.model_dump()
    assert dumped == {"name": FULL, "description": {"en": "Be honest"}}
    assert type(dumped["name"]) is dict
    assert _Doc.model_validate(dumped) == doc
    json_text = doc.model_dump_json()
    assert "诚信原则" in json_text or "\\u8bda" in json_text
    assert _Doc.model_validate_json(json_text) == doc


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"zh-Hans": "诚信原则"}, "a label needs an 'en' text"),
        ({"en": ""}, "at least 1 character"),
        ({"en": 1}, "valid string"),
        ("Integrity", "valid dictionary"),
        (None, "valid dictionary"),
    ],
)
def test_pydantic_rejects_a_bad_label(value: object, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        _Doc.model_validate({"name": value})
    assert fragment in str(info.value)
    assert info.value.errors()[0]["loc"][0] == "name"


def test_json_schema_requires_en() -> None:
    schema = TypeAdapter(Label).json_schema()
    assert schema["type"] == "object"
    assert schema["required"] == ["en"]
    assert set(schema["properties"]) == set(LANGUAGES)
    assert schema["additionalProperties"] == {"type": "string", "minLength": 1}
