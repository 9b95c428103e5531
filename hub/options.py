"""An option, declared once: the CLI flag, the check of a value and the Gradio control all come
from one `Option`.

A plugin lists its sampling options (``Plugin.sample_options``) and training options
(``Plugin.train_options``) as `Option`s. From each one:

- ``genhub sample|train PLUGIN`` gets a flag ``--<name>`` whose help states range, choices
  and default;
- `Option.check` turns a value from the command line (text), the API or a control into the
  declared type, or raises ValueError naming the option, the value and what is allowed
  (NaN, infinities, non-numbers and booleans passed as numbers included);
- `Option.component` builds a Gradio control (slider, dropdown, checkbox, number, textbox)
  with the label, range, default and help, for a tab that wants one.

This module imports gradio only inside `Option.component`.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_SHOWN = 60
"""Characters of a bad value quoted back in a message."""
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPES = (int, float, str, bool)
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def shown(value: Any) -> str:
    """A short ``repr`` of a value for a message (long values are cut)."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def bound(number: float) -> str:
    """A range end as people write it: ``2147483647``, not ``2.14748e+09``; ``0.05``."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


@dataclass(frozen=True)
class Option:
    """One named value a user may set, with its type, default, range and help.

    ``default=None`` means "not given: the plugin decides" (e.g. a training flag whose default
    is the variant's recipe); then `check` also accepts None. Bounds are inclusive.
    A mistake in the declaration itself raises ValueError naming the option.
    """

    name: str
    """``[a-z][a-z0-9_]*``; the flag is ``--name`` with ``_`` written ``-``."""
    type: type
    """int, float, str or bool."""
    default: Any
    help: str
    """One line: what the value means, with its unit."""
    minimum: float | None = None
    """Smallest allowed value (numbers only), inclusive; None: unbounded."""
    maximum: float | None = None
    """Largest allowed value (numbers only), inclusive; None: unbounded."""
    choices: tuple[Any, ...] | None = None
    """The allowed values (int or str options); None: any value of the type (within the bounds)."""
    step: float | None = None
    """A slider's step (numbers only); None: 1 for int, a hundredth of the range for float."""

    def __post_init__(self) -> None:
        at = f"option {self.name!r}"
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"{at}: name must match [a-z][a-z0-9_]*")
        if self.type not in _TYPES:
            raise ValueError(f"{at}: type must be int, float, str or bool, got {self.type!r}")
        if not isinstance(self.help, str) or not self.help.strip():
            raise ValueError(f"{at}: help must be a non-empty string")
        numeric = self.type in (int, float)
        for attr in ("minimum", "maximum", "step"):
            value = getattr(self, attr)
            if value is None:
                continue
            if not numeric:
                raise ValueError(f"{at}: {attr} is for int and float options, not {self.type.__name__}")
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{at}: {attr} must be a finite number, got {shown(value)}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"{at}: minimum {bound(self.minimum)} is above maximum {bound(self.maximum)}")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"{at}: step must be > 0, got {bound(self.step)}")
        if self.choices is not None:
            if self.type not in (int, str):
                raise ValueError(f"{at}: choices are for int and str options, not {self.type.__name__}")
            if self.minimum is not None or self.maximum is not None:
                raise ValueError(f"{at}: give choices or a range, not both")
            object.__setattr__(self, "choices", tuple(self.choices))
            if not self.choices:
                raise ValueError(f"{at}: choices is empty")
            for choice in self.choices:
                self._parse(choice)  # a choice of the wrong type raises here
        if self.default is not None:
            try:
                object.__setattr__(self, "default", self.check(self.default))
            except ValueError as err:
                raise ValueError(f"{at}: the default is not allowed: {err}") from None

    @property
    def flag(self) -> str:
        """The command-line flag, ``--max-steps`` for ``max_steps``."""
        return "--" + self.name.replace("_", "-")

    def allowed(self) -> str:
        """What a value must be, as the messages and the help say it: "a number from 0.05 to 10"."""
        if self.type is bool:
            return "true or false"
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) if c == "" else str(c) for c in self.choices)
        if self.type is str:
            return "text"
        kind = "a whole number" if self.type is int else "a number"
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            return f"{kind} from {bound(lo)} to {bound(hi)}"
        if lo is not None:
            return f"{kind} ≥ {bound(lo)}"
        if hi is not None:
            return f"{kind} ≤ {bound(hi)}"
        return kind

    def check(self, value: Any) -> Any:
        """``value`` (text from the command line, or a value from the API or a control) as the
        declared type, within the range or among the choices; else ValueError saying so.

        Numbers must be finite; a bool is not a number; an int option takes a whole float
        (``3.0`` -> 3); a bool option takes true/false/yes/no/on/off/1/0 as text.
        """
        if value is None and self.default is None:
            return None
        parsed = self._parse(value)
        if self.choices is not None and parsed not in self.choices:
            raise self._wrong(value)
        if ((self.minimum is not None and parsed < self.minimum)
                or (self.maximum is not None and parsed > self.maximum)):
            raise self._wrong(value)
        return parsed

    def _wrong(self, value: Any) -> ValueError:
        return ValueError(f"{self.name} must be {self.allowed()}; got {shown(value)}")

    def _parse(self, value: Any) -> Any:
        """``value`` as the declared type, before range and choices are looked at."""
        if self.type is str:
            if not isinstance(value, str):
                raise self._wrong(value)
            return value
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = value.strip().lower() if isinstance(value, str) else None
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise self._wrong(value)
        if isinstance(value, bool):  # True is an int to Python, never a number to us
            raise self._wrong(value)
        if isinstance(value, numbers.Integral):
            number: float = int(value)
        elif isinstance(value, numbers.Real):
            number = float(value)
        elif isinstance(value, str):
            number = _number_from_text(value)
        else:
            raise self._wrong(value)
        try:
            finite = math.isfinite(number)
        except OverflowError:   # an int too large for a float
            finite = False
        if not finite:
            raise self._wrong(value)
        if self.type is int:
            if number != int(number):
                raise self._wrong(value)
            return int(number)
        return float(number)

    def component(self, **overrides: Any) -> Any:
        """A Gradio control for this option: a Checkbox (bool), a Dropdown (choices), a Slider
        (a number with both bounds), a Number (other numbers) or a Textbox (text), with label,
        default, range and help (as ``info``). ``overrides`` replace any keyword argument,
        e.g. ``option.component(maximum=5, label="Temperature")``.

        A control may offer less than the option allows, never more: an overridden ``minimum``,
        ``maximum`` or ``value``, or an overridden choice, that the option would refuse (`check`)
        raises ValueError naming the option, so a tab's narrower range cannot drift outside it."""
        import gradio as gr

        narrowed = [(key, overrides[key]) for key in ("minimum", "maximum", "value") if overrides.get(key) is not None]
        narrowed += [("choice", c[1] if isinstance(c, (tuple, list)) else c) for c in overrides.get("choices") or ()]
        for key, value in narrowed:
            try:
                self.check(value)
            except ValueError as err:
                raise ValueError(f"option {self.name!r}: a control's {key} must be a value the option allows; "
                                 f"{err}") from None

        common: dict[str, Any] = {"label": self.name.replace("_", " "), "info": self.help}
        if self.type is bool:
            kind, kwargs = gr.Checkbox, {"value": bool(self.default)}
        elif self.choices is not None:
            kind, kwargs = gr.Dropdown, {"choices": list(self.choices), "value": self.default}
        elif self.type is str:
            kind, kwargs = gr.Textbox, {"value": self.default or ""}
        elif self.minimum is not None and self.maximum is not None:
            step = self.step or (1 if self.type is int else (self.maximum - self.minimum) / 100)
            value = self.minimum if self.default is None else self.default
            kind, kwargs = gr.Slider, {"minimum": self.minimum, "maximum": self.maximum, "value": value, "step": step}
        else:
            kind, kwargs = gr.Number, {"value": self.default, "minimum": self.minimum, "maximum": self.maximum,
                                       "precision": 0 if self.type is int else None}
            if self.step is not None:
                kwargs["step"] = self.step
        return kind(**{**common, **kwargs, **overrides})


def _number_from_text(text: str) -> float:
    """``"3"`` -> 3, ``"0.5"`` -> 0.5; ``"nan"``/``"inf"`` come back as such (the caller refuses
    them); anything else is NaN."""
    try:
        return int(text.strip())
    except ValueError:
        pass
    try:
        return float(text.strip())
    except (ValueError, OverflowError):
        return math.nan


def checked_values(options: Iterable[Option], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared option's value: each given value checked (`Option.check`), the others
    their default. A name that is not declared raises ValueError listing the declared ones."""
    declared = {option.name: option for option in options}
    unknown = [name for name in given if name not in declared]
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r}; the options are: {', '.join(declared) or 'none'}")
    return {name: option.check(given[name]) if name in given else option.default for name, option in declared.items()}

