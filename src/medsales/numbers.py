"""Exact numbers: the one place where ints, strings and floats become Decimals.

Everything the engine computes is exact. Inputs are converted once, by :func:`to_decimal`;
the arithmetic is rational (results are :class:`fractions.Fraction`; on its hot path the
engine works on :data:`Ratio` integer pairs, which are the same numbers at less cost), so
that the single rounding at the end is the correctly rounded value of the exact result
(SPEC §1); values shown for reading are rounded half even to :data:`DISPLAY_PLACES`
decimals.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

from medsales.errors import InputError, shown

__all__ = [
    "DISPLAY_PLACES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_ID",
    "MAX_TEXT",
    "ROUNDING_MODES",
    "Number",
    "Ratio",
    "RoundingMode",
    "Shown",
    "check_limits",
    "check_text",
    "decimal_string",
    "display",
    "engine_context",
    "exact_sum",
    "fraction",
    "number_text",
    "quantize",
    "to_decimal",
    "to_fraction",
]

Number = int | str | Decimal | float
"""What the public API accepts wherever it takes a number."""

Ratio = tuple[int, int]
"""An exact rational as ``(numerator, denominator)`` with ``denominator > 0``, not always in
lowest terms: what ``Decimal.as_integer_ratio()`` and ``Fraction.as_integer_ratio()`` give.
The engine's working form; ``Fraction(*ratio)`` is the same number."""


def _fraction_of_slots(numerator: int, denominator: int) -> Fraction:
    """n/d (d > 0) as a Fraction, reduced by one gcd and built without the generic
    constructor's type dispatch (which costs more than the gcd)."""
    g = math.gcd(numerator, denominator)
    if g != 1:
        numerator //= g
        denominator //= g
    made = _new_fraction(Fraction)
    made._numerator = numerator  # type: ignore[attr-defined]
    made._denominator = denominator  # type: ignore[attr-defined]
    return made


def _fraction_generic(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator)


_new_fraction: Final = object.__new__


def _slots_build_fractions() -> bool:
    """Whether a Fraction is two slots this module may fill (CPython's layout since 3.2);
    checked once, on numbers where a mistake would show."""
    if getattr(Fraction, "__slots__", None) != ("_numerator", "_denominator"):
        return False  # pragma: no cover - another Python's fractions module
    for n, d in ((6, 4), (-10, 15), (0, 7), (7, 1), (2**70 + 1, 3**40)):
        built, generic = _fraction_of_slots(n, d), Fraction(n, d)
        if (built, hash(built), str(built)) != (generic, hash(generic), str(generic)):
            return False  # pragma: no cover
    return True


fraction: Final = _fraction_of_slots if _slots_build_fractions() else _fraction_generic
"""``fraction(n, d)``: the Fraction n/d for integers n and d > 0, in lowest terms: what
``Fraction(n, d)`` gives, at a third of its cost (the engine builds one for every number it
returns)."""

RoundingMode = Literal["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"]

ROUNDING_MODES: Final[dict[str, str]] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN,
    "ceiling": decimal.ROUND_CEILING,
    "floor": decimal.ROUND_FLOOR,
}
"""Policy rounding names (SPEC §1) mapped to the :mod:`decimal` constants."""

_NUMBER_TEXT: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""Decimal text as JSON Schema and CSV users write it: no underscores, no NaN or Infinity."""
_NOT_FINITE: Final = frozenset({"nan", "snan", "inf", "infinity"})

DISPLAY_PLACES: Final = 10
"""Decimals shown for intermediate values that do not terminate (SPEC §9)."""
_DISPLAY_SCALE: Final = 10**DISPLAY_PLACES

MAX_DIGITS: Final = 100
"""The most significant digits a number may be written with (SPEC §21)."""
MAX_EXPONENT: Final = 1000
"""The largest adjusted exponent, either way, a number may have (SPEC §21): ``1e1000`` and
``1e-1000`` are accepted, ``1e1001`` and ``1e-1001`` are not."""
MAX_TEXT: Final = 10_000
"""The most characters a text field (or a number written as text) may have (SPEC §21)."""
MAX_ID: Final = 200
"""The most characters an employee id may have."""
MAX_DEPTH: Final = 64
"""The deepest a document (policy, JSON input) may nest (SPEC §21)."""
_INT_LIMIT: Final = 10**MAX_DIGITS
_PRECISION: Final = 60


def _context() -> decimal.Context:
    return decimal.Context(
        prec=_PRECISION,
        rounding=decimal.ROUND_HALF_EVEN,
        Emin=decimal.MIN_EMIN,
        Emax=decimal.MAX_EMAX,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


_LIMITS: Final = decimal.Context(
    prec=MAX_DIGITS,
    Emax=MAX_EXPONENT,
    Emin=-MAX_EXPONENT,
    traps=[
        decimal.Rounded,
        decimal.Overflow,
        decimal.Underflow,
        decimal.Subnormal,
        decimal.Clamped,
        decimal.InvalidOperation,
    ],
)
"""Within it ``plus`` signals exactly for the numbers beyond SPEC §21's limits."""

_SUM: Final = decimal.Context(
    prec=100_000,
    Emin=decimal.MIN_EMIN,
    Emax=decimal.MAX_EMAX,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow],
)
"""For operations whose result is exact (sums, normalising, scaling by a power of ten):
wide enough for any number within the limits, and ``Inexact`` traps should one not be."""

_EXACT: Final = _context()
"""Used explicitly by the helpers below, so that they never read the caller's context."""
_ENGINE: Final = _context()
"""Never used itself (so its flags stay clear): :func:`engine_context` copies it."""


def engine_context() -> AbstractContextManager[decimal.Context]:
    """The engine's own decimal context: a caller's context never changes a result.

    Each ``with`` block gets a fresh copy, so nothing set inside one leaks out of it.
    """
    return decimal.localcontext(_ENGINE)


def to_decimal(value: object, *, path: str = "value") -> Decimal:
    """Convert a number to an exact Decimal.

    Ints, strings and Decimals are taken as written; a float goes through its shortest
    ``repr`` (``0.1`` → ``Decimal("0.1")``). Booleans, NaN, infinities and anything that is
    not a number raise :class:`~medsales.errors.InputError` naming ``path``.

    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal(" 12.50 ")
    Decimal('12.50')
    """
    if type(value) is Decimal and value.is_finite():  # the common case, taken as it is
        try:
            _LIMITS.plus(value)  # check_limits, inline: this runs for every number read
        except decimal.DecimalException:
            raise _too_large(value, path) from None
        return value
    if isinstance(value, bool):
        raise _not_a_number(value, path)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if not -_INT_LIMIT < value < _INT_LIMIT:  # before any conversion to text
            raise _too_large(value, path)
        return Decimal(value)  # within the limits by its size
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_number(value, path, "a finite number")
        return Decimal(repr(value))  # at most 17 digits, exponents within ±324
    elif isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _too_large(value, path)
        text = value.strip()
        written = _NUMBER_TEXT.fullmatch(text)
        if written is None:
            if text.lstrip("+-").lower() in _NOT_FINITE:
                raise _not_a_number(value, path, "a finite number")
            raise _not_a_number(value, path)
        if len(written.group(3) or "") > 8:  # an exponent of 7 digits or more
            raise _too_large(value, path)
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:  # an exponent beyond what Decimal can hold
            raise _too_large(value, path) from None
    else:
        raise _not_a_number(value, path)
    if not result.is_finite():
        raise _not_a_number(value, path, "a finite number")
    check_limits(result, path=path, written=value)
    return result


def check_limits(value: Decimal, *, path: str = "value", written: object = None) -> None:
    """Refuse a finite Decimal written with more than :data:`MAX_DIGITS` digits or with an
    adjusted exponent beyond ±:data:`MAX_EXPONENT` (SPEC §21), before any arithmetic: such a
    number could make an exact calculation run for minutes or fill the memory."""
    try:
        _LIMITS.plus(value)  # signals Rounded, Overflow, Subnormal or Clamped beyond them
    except decimal.DecimalException:
        raise _too_large(value if written is None else written, path) from None


def _too_large(value: object, path: str) -> InputError:
    shown = _abbreviated(value) if isinstance(value, str | int | Decimal) else repr(value)
    expected = f"at most {MAX_DIGITS} digits and an exponent within ±{MAX_EXPONENT}"
    return InputError(
        f"{shown} is too large or too precise a number (expected {expected})",
        path=path,
        value=shown,
        expected=expected,
    )


def _abbreviated(value: str | int | Decimal) -> str:
    """A short, safe rendering of a value too large to show (never int → str of it)."""
    if isinstance(value, int):
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = value if isinstance(value, str) else _short_decimal(value)
    return repr(text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}")


def _short_decimal(value: Decimal) -> str:
    sign, digits, exponent = value.as_tuple()
    head = "".join(map(str, digits[:20]))
    more = "…" if len(digits) > 20 else ""
    return f"{'-' if sign else ''}{head}{more}E{exponent}"


def check_text(value: object, *, path: str = "value", limit: int = MAX_TEXT) -> str:
    """``value`` when it is a str of at most ``limit`` characters (SPEC §21) that can be
    written as UTF-8 (no lone surrogates); otherwise an :class:`InputError` naming ``path``."""
    if not isinstance(value, str):
        raise InputError(
            f"{shown(value, 60)} is not a text",
            path=path,
            value=shown(value, 60),
            expected="a str",
        )
    if len(value) > limit:
        raise InputError(
            f"a text of {len(value):,} characters is longer than the {limit:,} allowed",
            path=path,
            value=f"{value[:20]}…",
            expected=f"at most {limit:,} characters",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"{value!r} holds a lone surrogate, which no file can store",
            path=path,
            value=value.encode("utf-8", "backslashreplace").decode("ascii"),
            expected="a text of whole Unicode characters",
        ) from None
    return value


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of Decimals within the limits of SPEC §21, whatever the context."""
    total = Decimal(0)
    for value in values:
        total = _SUM.add(total, value)
    return total


def _not_a_number(value: object, path: str, expected: str = "a number") -> InputError:
    return InputError(
        f"{value!r} is not {expected} (expected an int, a decimal string, a Decimal or a "
        "finite float)",
        path=path,
        value=value,
        expected=expected,
    )


def to_fraction(value: Decimal | int) -> Fraction:
    """The exact rational value of a finite Decimal or int."""
    return Fraction(value)


def quantize(value: Fraction, places: int, mode: str) -> Decimal:
    """Correctly round an exact rational to ``places`` decimals with a policy rounding mode.

    The result is the rounding of the exact value, never of an approximation of it
    (SPEC §1: 62.125 rounds half up to 62.13 even when 28-digit Decimal arithmetic would
    have produced 62.1249999…).

    >>> quantize(Fraction(62125, 1000), 2, "half_up")
    Decimal('62.13')
    >>> quantize(Fraction(2, 3), 2, "down")
    Decimal('0.66')
    """
    try:
        rounding = ROUNDING_MODES[mode]
    except KeyError:
        raise InputError(
            f"unknown rounding mode {mode!r}",
            path="rounding",
            value=mode,
            expected=" | ".join(ROUNDING_MODES),
        ) from None
    # integer arithmetic throughout: value = n / d exactly, d > 0
    floor, rest = divmod(value.numerator * 10**places, value.denominator)
    negative = value.numerator < 0
    if rest == 0 or rounding == decimal.ROUND_FLOOR:
        units = floor
    elif rounding == decimal.ROUND_CEILING:
        units = floor + 1
    elif rounding == decimal.ROUND_DOWN:
        units = floor + 1 if negative else floor
    elif rounding == decimal.ROUND_UP:
        units = floor if negative else floor + 1
    else:
        twice, whole = 2 * rest, value.denominator  # compare rest with half a unit
        if twice > whole:
            units = floor + 1
        elif twice < whole:
            units = floor
        elif rounding == decimal.ROUND_HALF_EVEN:
            units = floor + (floor % 2)
        elif rounding == decimal.ROUND_HALF_UP:  # away from zero
            units = floor if negative else floor + 1
        else:  # ROUND_HALF_DOWN: towards zero
            units = floor + 1 if negative else floor
    return Decimal(units).scaleb(-places, context=_SUM)


class Shown(Fraction):
    """A number read back from a result document, where it was shown as ``text`` (possibly
    rounded for reading): it is the decimal it reads as, and :func:`display` shows it as it
    was written, so a document read back writes out the same text.

    >>> Shown("0.1234567890") == Fraction(1234567890, 10**10), display(Shown("0.1234567890"))
    (True, Decimal('0.1234567890'))
    """

    __slots__ = ("_text",)
    _text: Decimal

    def __new__(cls, text: str) -> Shown:
        self = super().__new__(cls, Decimal(text))
        self._text = Decimal(text)
        return self

    def __reduce__(self) -> tuple[type[Shown], tuple[str]]:
        return (type(self), (format(self._text, "f"),))

    def __copy__(self) -> Shown:
        return self

    def __deepcopy__(self, memo: object) -> Shown:
        return self

    @property
    def text(self) -> Decimal:
        """The decimal as it was written."""
        return self._text


def display(value: Fraction | Decimal | int) -> Decimal:
    """A value for reading: exact when it terminates within 10 decimals, else rounded half even.

    >>> display(Fraction(1, 4))
    Decimal('0.25')
    >>> display(Fraction(2, 3))
    Decimal('0.6666666667')
    """
    if isinstance(value, Shown):
        return value.text
    frac = value if type(value) is Fraction else Fraction(value)
    if _DISPLAY_SCALE % frac.denominator == 0:  # terminates within the places: exact
        scaled = frac.numerator * (_DISPLAY_SCALE // frac.denominator)
        return _strip(Decimal(scaled).scaleb(-DISPLAY_PLACES, context=_SUM))
    rounded = quantize(frac, DISPLAY_PLACES, "half_even")
    if Fraction(rounded) == frac:
        return _strip(rounded)
    return rounded


def _strip(value: Decimal) -> Decimal:
    if value == 0:
        return Decimal(0)
    normal = value.normalize(context=_SUM)
    sign, digits, exponent = normal.as_tuple()
    assert isinstance(exponent, int)
    if exponent > 0:
        return Decimal((sign, (*digits, *([0] * exponent)), 0))
    return normal


def decimal_string(value: Decimal | int | Fraction) -> str:
    """The normalized decimal string of a number: no exponent, no trailing zeros.

    Used by the canonical policy form (SPEC §9). A Fraction must terminate.

    >>> decimal_string(Decimal("1.500"))
    '1.5'
    >>> decimal_string(Decimal("1E+3"))
    '1000'
    """
    if isinstance(value, Fraction):
        shown = display(value)
        if Fraction(shown) != value:
            raise ValueError(f"{value} has no finite decimal expansion within 10 places")
        value = shown
    return format(_strip(Decimal(value)), "f")


def number_text(value: Fraction | Decimal | int) -> str:
    """A value as text for people: :func:`display`'s digits, never in exponent form.

    >>> number_text(Fraction(2, 3)), number_text(Decimal("1E+2")), number_text(Fraction(1, 10**7))
    ('0.6666666667', '100', '0.0000001')
    """
    if type(value) is Fraction or type(value) is int:  # from the integers, if it terminates
        denominator = value.denominator
        if _DISPLAY_SCALE % denominator == 0:
            return _scaled_text(value.numerator * (_DISPLAY_SCALE // denominator))
    elif type(value) is Decimal:  # shown as written (normalised) within the places
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -DISPLAY_PLACES:
            return format(value.normalize(_SUM), "f") if value else "0"
    return format(display(value), "f")


def _scaled_text(scaled: int) -> str:
    """The text of ``scaled`` × 10^-DISPLAY_PLACES, as :func:`display` shows it."""
    if not scaled:
        return "0"
    whole, part = divmod(abs(scaled), _DISPLAY_SCALE)
    sign = "-" if scaled < 0 else ""
    if not part:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{part:0{DISPLAY_PLACES}d}".rstrip("0")
