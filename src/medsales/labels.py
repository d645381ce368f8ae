"""Multilingual labels: a mapping of language tags to text, ``en`` required.

Fallback order when a label has no text for the requested tag (documented in
``docs/concepts.md``):

1. the tag itself (``zh-Hant-TW``);
2. its shorter prefixes (``zh-Hant``, then ``zh``);
3. for Chinese, the script the tag names or its region implies (``zh-TW``, ``zh-HK`` and
   ``zh-MO`` → ``zh-Hant``; ``zh-CN``, ``zh-SG`` and plain ``zh`` → ``zh-Hans``), then the
   other script: the same words in the other script are closer to what the reader asked
   for than English;
4. ``en``, which every label has.

Tags are matched case-insensitively, as BCP 47 says; they are stored as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from medsales.errors import InputError, PolicyError, shown

__all__ = ["LANGUAGES", "Label", "fallback_chain", "pick"]

LANGUAGES: Final = ("en", "zh-Hans", "zh-Hant")
"""The languages every built-in label carries."""

_CHINESE_SCRIPTS: Final = {"zh-hans": "zh-Hant", "zh-hant": "zh-Hans"}
_CHINESE_REGIONS: Final = {
    "tw": "zh-Hant",
    "hk": "zh-Hant",
    "mo": "zh-Hant",
    "cn": "zh-Hans",
    "sg": "zh-Hans",
    "my": "zh-Hans",
}


def fallback_chain(lang: str) -> tuple[str, ...]:
    """The tags tried, in order, for a requested language tag.

    >>> fallback_chain("zh-Hant-TW")
    ('zh-Hant-TW', 'zh-Hant', 'zh', 'zh-Hans', 'en')
    >>> fallback_chain("fr")
    ('fr', 'en')
    """
    known = _CHAINS.get(lang) if type(lang) is str else None
    if known is not None:
        return known
    if not isinstance(lang, str) or len(lang) > 100:
        raise InputError(
            f"{shown(lang, 60)} is not a language tag",
            path="lang",
            value=lang if isinstance(lang, str) else shown(lang, 60),
            expected="a tag such as en, zh-Hans or zh-Hant",
        )
    chain: list[str] = []
    parts = lang.split("-")
    for end in range(len(parts), 0, -1):
        chain.append("-".join(parts[:end]))
    if parts[0].lower() == "zh":
        script = "-".join(parts[:2]).lower() if len(parts) >= 2 else ""
        if script in _CHINESE_SCRIPTS:
            chain.append(_CHINESE_SCRIPTS[script])
        else:  # zh, or zh-TW, zh-CN, …: the region tells the script, Simplified otherwise
            region = parts[1].lower() if len(parts) >= 2 else ""
            preferred = _CHINESE_REGIONS.get(region, "zh-Hans")
            chain.append(preferred)
            chain.append(_CHINESE_SCRIPTS[preferred.lower()])
    chain.append("en")
    unique: dict[str, str] = {}
    for tag in chain:
        unique.setdefault(tag.lower(), tag)
    found = tuple(unique.values())
    if len(_CHAINS) < 1000:
        _CHAINS[lang] = found
    return found


_CHAINS: dict[str, tuple[str, ...]] = {}
"""The chains worked out so far: a language is asked for once per note read."""


T = TypeVar("T")


def pick(tables: Mapping[str, T], lang: str) -> T:
    """The entry of ``tables`` (keyed by language tag, ``en`` among them) for ``lang``, by
    the same fallback order as labels: how fixed words and messages choose their language.

    >>> pick({"en": "Grade", "zh-Hans": "等级", "zh-Hant": "等級"}, "zh-TW")
    '等級'
    >>> pick({"en": "Grade", "zh-Hans": "等级"}, "fr")
    'Grade'
    """
    folded = {tag.lower(): entry for tag, entry in tables.items()}
    for tag in fallback_chain(lang):
        entry = folded.get(tag.lower())
        if entry is not None:
            return entry
    return tables["en"]


class Label(Mapping[str, str]):
    """An immutable multilingual text. ``label.text("zh-Hans")`` picks by the fallback order.

    >>> label = Label({"en": "Integrity", "zh-Hans": "诚信原则"})
    >>> label.text("zh-Hans"), label.text("zh-Hant"), label.text("de")
    ('诚信原则', '诚信原则', 'Integrity')
    """

    __slots__ = ("_folded", "_texts")

    def __init__(self, texts: Mapping[str, str]) -> None:
        if not isinstance(texts, Mapping):
            raise PolicyError(
                f"a label is a mapping of language tags to text, not {type(texts).__name__}",
                value=texts,
                expected='a table such as { en = "…", zh-Hans = "…" }',
            )
        if "en" not in texts:
            raise PolicyError("a label needs an 'en' text", value=dict(texts), expected="en")
        for tag, text in texts.items():
            if not isinstance(tag, str) or not tag.strip():
                raise PolicyError(f"language tag {tag!r} must be a non-empty string", value=tag)
            if not isinstance(text, str) or not text.strip():
                raise PolicyError(f"the {tag!r} text must be a non-empty string", value=text)
        self._texts: dict[str, str] = dict(texts)
        self._folded = {tag.lower(): text for tag, text in self._texts.items()}

    @property
    def en(self) -> str:
        """The English text."""
        return self._texts["en"]

    def text(self, lang: str = "en") -> str:
        """The text for ``lang``, following the documented fallback order."""
        for tag in fallback_chain(lang):
            found = self._folded.get(tag.lower())
            if found is not None:
                return found
        return self.en  # pragma: no cover - "en" ends every chain

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Label):
            return self._texts == other._texts
        if isinstance(other, Mapping):
            return self._texts == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._texts.items())))

    def __repr__(self) -> str:
        return f"Label({self._texts!r})"

    def __str__(self) -> str:
        return self.en

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def build(value: Any) -> Label:
            return value if isinstance(value, Label) else cls(value)

        def unwrap(value: Any) -> Any:
            return value._texts if isinstance(value, Label) else value

        from_dict = core_schema.no_info_after_validator_function(
            build,
            core_schema.dict_schema(
                core_schema.str_schema(min_length=1),
                core_schema.str_schema(min_length=1),
            ),
        )
        return core_schema.no_info_before_validator_function(
            unwrap,
            from_dict,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: dict(v._texts)
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "description": "Text by language tag; 'en' is required.",
            "required": ["en"],
            "properties": {tag: {"type": "string", "minLength": 1} for tag in LANGUAGES},
            "additionalProperties": {"type": "string", "minLength": 1},
        }
