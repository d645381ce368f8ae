"""Loading, dumping, the canonical form and the JSON Schema of policy documents."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs
import tomli_w
from pydantic import BaseModel, ValidationError

from medsales.errors import MedsalesError, PolicyError, Problem, format_path, shown, wrong_type
from medsales.numbers import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_TEXT,
    decimal_string,
    engine_context,
    to_decimal,
)
from medsales.policy.base import _ID_PATTERN
from medsales.policy.document import Policy, require_policy
from medsales.policy.locate import (
    Key,
    json_duplicate,
    json_positions,
    locate,
    parse_path,
    toml_positions,
    toml_too_deep,
)

__all__ = [
    "canonical_json",
    "dump_policy",
    "load_policy",
    "loads_policy",
    "policy_from_canonical",
    "policy_json_schema",
    "policy_to_data",
    "validate_data",
]

PolicySource = str | os.PathLike[str] | Mapping[str, Any] | Policy


def load_policy(source: PolicySource) -> Policy:
    """Load a policy from a TOML or JSON file (by its suffix), or from a mapping.

    Every problem is reported at once in one :class:`~medsales.errors.PolicyError`, each
    with its key path (and, for syntax errors, the file's line and column). A ``source``
    of another type is a programming mistake: :class:`TypeError`.
    """
    if isinstance(source, Policy):
        return source
    if isinstance(source, Mapping):
        _check_shape(source, file=None, text=None)
        return _validate(source, file=None)
    if not isinstance(source, str | os.PathLike):
        raise wrong_type("source", source, "a path, a mapping or a Policy")
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise PolicyError(
            f"cannot tell the format of {str(path)!r} from its suffix",
            value=str(path),
            expected="a .toml or .json file",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PolicyError(f"no such file: {str(path)!r}", value=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read {str(path)!r}: {exc}", value=str(path)) from None
    return loads_policy(text, format="toml" if suffix == ".toml" else "json", file=str(path))


def loads_policy(
    text: str, format: Literal["toml", "json"] = "toml", *, file: str | None = None
) -> Policy:
    """Load a policy from TOML or JSON text; ``file`` names it in messages.

    ``text`` that is not a ``str`` is a programming mistake: :class:`TypeError`.
    """
    if not isinstance(text, str):
        raise wrong_type("text", text, "a str")
    if file is not None and not isinstance(file, str):
        raise wrong_type("file", file, "a str or None")
    if format not in ("toml", "json"):
        raise PolicyError(
            f"unknown policy format {shown(format)}", value=format, expected="'toml' or 'json'"
        )
    name = file or f"<{format}>"
    if format == "toml":
        deep = toml_too_deep(text, MAX_DEPTH)
        if deep is not None:
            problem = Problem(
                message=f"the document nests deeper than {MAX_DEPTH} levels",
                file=name,
                line=deep[0],
                column=deep[1],
            )
            raise PolicyError(str(problem), problems=[problem])
        try:
            data = tomllib.loads(text, parse_float=_parse_float)
        except tomllib.TOMLDecodeError as exc:
            line, column = _toml_position(str(exc), text)
            problem = Problem(
                message=f"invalid TOML: {_strip_position(str(exc))}",
                file=name,
                line=line,
                column=column,
            )
            raise PolicyError(str(problem), problems=[problem]) from None
        except (ValueError, ArithmeticError, RecursionError) as exc:
            raise _refused(exc, text, name) from None
    else:  # json
        _check_json_depth(text, name)
        try:
            data = json.loads(
                text,
                parse_float=_parse_float,
                parse_int=_parse_int,
                parse_constant=_parse_constant,
                object_pairs_hook=_unique_keys,
            )
        except json.JSONDecodeError as exc:
            problem = Problem(
                message=f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
            )
            raise PolicyError(str(problem), problems=[problem]) from None
        except _DuplicateKey:
            raise _duplicate(text, name) from None
        except (ValueError, ArithmeticError, RecursionError) as exc:
            raise _refused(exc, text, name) from None
        if not isinstance(data, dict):
            raise PolicyError(
                f"{name}: the document must be a JSON object, not {type(data).__name__}",
                value=data,
            )
    _check_shape(data, file=file, text=(text, format))
    return _validate(data, file=file, source=(text, format))


# --------------------------------------------------------------------------- limits


class _Refused(ValueError):
    """A number literal outside SPEC §21's limits, met while parsing."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


class _DuplicateKey(ValueError):
    pass


def _parse_float(literal: str) -> Decimal:
    try:
        return to_decimal(literal)
    except MedsalesError:
        raise _Refused(literal) from None


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_DIGITS:  # before int(): never a 4,300-digit int
        raise _Refused(literal)
    return int(literal)


def _parse_constant(literal: str) -> Decimal:
    raise _Refused(literal)  # NaN, Infinity, -Infinity: not JSON numbers


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _duplicate(text: str, name: str) -> PolicyError:
    """The first key written twice in one JSON object, with its line and column."""
    found = json_duplicate(text)
    if found is None:  # pragma: no cover - the hook saw one, so the scanner does
        raise PolicyError(f"{name}: a key is written twice in one object")
    path, (line, column) = found
    key = path[-1]
    problem = Problem(
        message=f"key {key!r} is written twice in the same object (keep one)",
        path=format_path(path),
        file=name,
        line=line,
        column=column,
        value=key,
    )
    raise PolicyError(str(problem), problems=[problem])


def _refused(exc: BaseException, text: str, name: str) -> PolicyError:
    """A parse that failed on a limit of SPEC §21, located in the text when possible."""
    if isinstance(exc, RecursionError):
        message = f"the document nests deeper than {MAX_DEPTH} levels"
        offset = _too_deep_offset(text)
    else:
        literal = exc.literal if isinstance(exc, _Refused) else None
        if literal is not None:
            shown = literal if len(literal) <= 40 else f"{literal[:20]}…{literal[-10:]}"
            offset = text.find(literal) if len(literal) <= MAX_TEXT else -1
        else:  # int() refused a literal of more than 4,300 digits
            found = re.search(rf"[0-9][0-9_]{{{MAX_DIGITS},}}", text)
            offset = -1 if found is None else found.start()
            shown = "a number literal" if found is None else f"{found.group()[:20]}…"
        message = (
            f"{shown} is too large or too precise a number (expected at most "
            f"{MAX_DIGITS} digits and an exponent within ±{MAX_EXPONENT})"
        )
        if literal in ("NaN", "Infinity", "-Infinity"):
            message = f"{literal} is not a finite number (expected an int or a decimal)"
    line = column = None
    if offset is not None and offset >= 0:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    problem = Problem(message=message, file=name, line=line, column=column)
    return PolicyError(str(problem), problems=[problem])


def _too_deep_offset(text: str) -> int | None:
    """Where brackets first open deeper than :data:`MAX_DEPTH` (strings skipped), if anywhere."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            end = i + 1
            while end < n and text[end] != ch and text[end] != "\n":
                end += 2 if text[end] == "\\" and ch == '"' else 1
            i = end + 1
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif ch in "]}":
            depth -= 1
        i += 1
    return None


def _check_json_depth(text: str, name: str) -> None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    offset = _too_deep_offset(text)
    if offset is not None:
        raise _refused(RecursionError(), text, name)


def _check_shape(
    data: Mapping[str, Any],
    *,
    file: str | None,
    text: tuple[str, Literal["toml", "json"]] | None,
) -> None:
    """Refuse a document nesting deeper than :data:`MAX_DEPTH` or holding a text longer
    than :data:`MAX_TEXT` (SPEC §21), walking it without recursion."""
    problem = document_shape_problem(data)
    if problem is None:
        return
    path, message = problem
    found = Problem(message, path=format_path(path), file=file)
    if text is not None:
        found = _placed([attrs.evolve(found, file=file or f"<{text[1]}>")], *text)[0]
    raise PolicyError(str(found), problems=[found])


def document_shape_problem(data: Any) -> tuple[Key, str] | None:
    """The first place where ``data`` nests deeper than :data:`MAX_DEPTH` or holds a key or
    text longer than :data:`MAX_TEXT`, with what is wrong; None when it is within limits."""
    stack: list[tuple[Key, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[: MAX_DEPTH + 1], f"the document nests deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                return path, f"a text of {len(value):,} characters is longer than the " + (
                    f"{MAX_TEXT:,} allowed"
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and len(key) > MAX_TEXT:
                    return path, f"a key of {len(key):,} characters is longer than the " + (
                        f"{MAX_TEXT:,} allowed"
                    )
                stack.append(((*path, key), item))
        elif isinstance(value, list | tuple):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
    return None


def _toml_position(message: str, text: str) -> tuple[int | None, int | None]:
    found = re.search(r"at line (\d+), column (\d+)", message)
    if found is not None:
        return int(found.group(1)), int(found.group(2))
    if "end of document" in message:
        lines = text.split("\n")
        return len(lines), len(lines[-1]) + 1
    return None, None  # pragma: no cover - tomllib always says where


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)


def validate_data(data: Mapping[str, Any]) -> Policy:
    """A policy from plain data (as :func:`policy_to_data` gives), every problem reported
    at once in one :class:`~medsales.errors.PolicyError` with its key path."""
    return _validate(data, file=None)


def _validate(
    data: Mapping[str, Any],
    *,
    file: str | None,
    source: tuple[str, Literal["toml", "json"]] | None = None,
) -> Policy:
    try:
        with engine_context():  # weight totals are exact whatever the caller's context
            return Policy.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, file)
        if source is not None:
            problems = _placed(problems, *source)
    except MedsalesError as exc:  # pragma: no cover - pydantic wraps ValueErrors
        raise PolicyError(str(exc), problems=exc.problems) from None
    head = f"{file}: " if file else ""
    noun = "problem" if len(problems) == 1 else "problems"
    raise PolicyError(f"{head}invalid policy, {len(problems)} {noun}", problems=problems)


def _placed(problems: list[Problem], text: str, format: Literal["toml", "json"]) -> list[Problem]:
    """Each problem with the line and column of its key path in the document's text.

    Placing is a help, never a new failure: should the scanner not follow some text, the
    problems are reported as they are, with their key paths.
    """
    try:
        positions = toml_positions(text) if format == "toml" else json_positions(text)
    except (AssertionError, ValueError, IndexError):
        return problems
    placed = []
    for problem in problems:
        found = locate(positions, parse_path(problem.path))
        if found is not None:
            problem = attrs.evolve(problem, line=found[0], column=found[1])
        placed.append(problem)
    return placed


def validation_problems(exc: ValidationError, file: str | None) -> list[Problem]:
    """pydantic's errors as problems with the document's key paths."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        ctx = error.get("ctx") or {}
        inner = ctx.get("error")
        base = _clean_loc(error["loc"])
        given = error.get("input")
        if error["type"] == "too_short" and isinstance(given, list | tuple) and given:
            continue  # pydantic repeats a failed item as "too short"; the item's error says it
        if isinstance(inner, MedsalesError) and inner.problems:
            for p in inner.problems:
                path = (
                    format_path([*base, p.path]) if base and p.path else p.path or format_path(base)
                )
                problems.append(Problem(p.message, path=path, file=file, value=p.value))
            continue
        problems.append(
            Problem(
                _message(error, base),
                path=format_path(base),
                file=file,
                value=error.get("input"),
            )
        )
    return problems


_TAGS = {"linear", "steps", "piecewise", "scale", "survey", "ratings", "team", "goals"}
_NOISE = {"function-after", "function-before", "function-plain", "decimal", "int", "str"}


def _clean_loc(loc: tuple[int | str, ...]) -> list[str | int]:
    """Drop the parts pydantic adds for unions and validators: keep the document's path."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str):
            if i > 0 and loc[i - 1] in ("curve", "derive") and part in _TAGS:
                continue
            if part.split("[", 1)[0] in _NOISE or part.startswith(("function-", "lax-")):
                continue
        out.append(part)
    return out


def _message(error: Any, loc: list[str | int]) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(error["loc"][:-1])
        hint = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {loc[-1]!r}{hint}"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}" if loc else "missing required key"
    ctx = error.get("ctx") or {}
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"needs at least {n} item{'s' if n != 1 else ''}, got none"
    if kind == "union_tag_not_found":
        key = "from" if ctx.get("discriminator", "").find("from") >= 0 else "type"
        options = _tags(error["loc"])
        return f"missing {key!r} (expected one of: {options})"
    if kind == "union_tag_invalid":
        key = "from" if "from" in str(ctx.get("discriminator", "")) else "type"
        return f"unknown {key} {ctx.get('tag')!r} (expected one of: {_tags(error['loc'])})"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
        return (
            f"{shown(given)} is not a valid id: start with a letter, then letters, digits, "
            "'_' or '-'"
        )
    message: str = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    message = message[0].lower() + message[1:] if message else message
    if kind not in ("value_error", "assertion_error") and not isinstance(given, dict | list):
        message += f", got {shown(given)}"
    return message


def _tags(loc: Sequence[int | str]) -> str:
    """The tags a tagged union at ``loc`` accepts (curve types or derive sources)."""
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if last == "derive" or "derive" in loc[-2:]:
        return "survey, ratings, team"
    return "linear, steps, piecewise, scale"


def _allowed_keys(raw_loc: Sequence[int | str]) -> list[str]:
    """The keys a document allows at ``raw_loc`` (pydantic's location, with union tags),
    found by walking the models' annotations."""
    current: Any = Policy
    for part in raw_loc:
        if isinstance(part, str) and part.startswith(("function-", "lax-")):
            continue
        current = _step(current, part)
        if current is None:
            return []
    model = _as_model(current)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _models_in(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models_in(arg)]


def _as_model(tp: Any) -> type[BaseModel] | None:
    models = _models_in(tp)
    return models[0] if models else None


def _tagged(tp: Any, tag: str) -> type[BaseModel] | None:
    """The member of a tagged union of models whose tag (``type`` or ``from``) is ``tag``."""
    models = _models_in(tp)
    if len(models) < 2:
        return None
    for model in models:
        for field in ("type", "from_"):
            info = model.model_fields.get(field)
            if info is not None and tag in get_args(info.annotation):
                return model
    return None


def _step(tp: Any, part: str | int) -> Any:
    if isinstance(part, int):
        origin = get_origin(tp)
        args = [a for a in get_args(tp) if a is not type(None)]
        if origin is tuple and args:
            return args[0]
        for arg in args:  # Optional[tuple[...]]
            if get_origin(arg) is tuple:
                return get_args(arg)[0]
        return None
    for arg in (tp, *get_args(tp)):  # a dict keyed by ids (measurements, shares, groups)
        if get_origin(arg) is dict:
            return get_args(arg)[1]
    tagged = _tagged(tp, part)
    if tagged is not None:
        return tagged
    model = _as_model(tp)
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if part in (name, info.alias):
            return info.annotation
    return None


# --------------------------------------------------------------------------- output


def policy_to_data(policy: Policy) -> dict[str, Any]:
    """The policy as plain data: defaults filled in, absent optionals left out."""
    require_policy(policy)
    return policy.model_dump(mode="python", by_alias=True, exclude_none=True)


def _plain(value: Any, *, for_toml: bool) -> Any:
    if isinstance(value, Decimal):
        text = decimal_string(value)
        if for_toml:
            return int(text) if "." not in text else Decimal(text)
        return _Raw(text)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, for_toml=for_toml) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, for_toml=for_toml) for v in value]
    return value


class _Raw(str):
    """A number already written as normalized decimal text."""

    __slots__ = ()


def _write_json(value: Any, *, indent: int | None, level: int = 0) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    end = "" if indent is None else "\n" + " " * (indent * level)
    sep = ","
    colon = ":" if indent is None else ": "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}{colon}"
            f"{_write_json(v, indent=indent, level=level + 1)}"
            for k, v in sorted(value.items())
        ]
        return "{" + sep.join(items) + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{pad}{_write_json(v, indent=indent, level=level + 1)}" for v in value]
        return "[" + sep.join(items) + end + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")  # pragma: no cover


def canonical_json(policy: Policy) -> str:
    """SPEC §9's canonical form: every default filled in, keys sorted, no whitespace, and
    numbers as normalized decimals (no exponent, no trailing zeros)."""
    require_policy(policy)
    return _write_json(_plain(policy_to_data(policy), for_toml=False), indent=None)


def dump_policy(policy: Policy, format: Literal["toml", "json"] = "toml") -> str:
    """Write a policy as TOML or JSON text that loads back to an equal policy."""
    require_policy(policy)
    data = policy_to_data(policy)
    if format == "json":
        return _write_json(_plain(data, for_toml=False), indent=2) + "\n"
    if format == "toml":
        return tomli_w.dumps(_plain(data, for_toml=True))
    raise PolicyError(
        f"unknown policy format {shown(format)}", value=format, expected="'toml' or 'json'"
    )


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy document (part of the public API)."""
    schema = Policy.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://medsales.dev/schema/policy-1.json"
    schema["title"] = "medsales policy document (medsales.policy/1)"
    return schema


_rebuilt: OrderedDict[str, Policy] = OrderedDict()
_rebuilt_lock = threading.Lock()
_REBUILT_SIZE = 16


def policy_from_canonical(text: str) -> Policy:
    """The policy whose canonical JSON (:attr:`Policy.canonical_json`) is ``text``, built
    once per process and kept by SHA-256: how a policy travels to the workers of Dask,
    Spark or a process pool (text pickles small and the same everywhere)."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _rebuilt_lock:
        found = _rebuilt.get(key)
        if found is not None:
            _rebuilt.move_to_end(key)
            return found
    policy = loads_policy(text, format="json")
    if policy.sha256 != key:
        raise PolicyError(
            "the text is not a policy's canonical JSON (its SHA-256 differs from the "
            "policy it loads to)",
            value=key,
            expected="Policy.canonical_json of a policy",
        )
    with _rebuilt_lock:
        _rebuilt[key] = policy
        if len(_rebuilt) > _REBUILT_SIZE:
            _rebuilt.popitem(last=False)
    return policy
