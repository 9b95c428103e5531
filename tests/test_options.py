"""An `Option` is declared once; its check, its flag text and its Gradio control come from it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genhub.options import Option, checked_values

TEMPERATURE = Option("temperature", float, 1.0, "divides the logits", minimum=0.05, maximum=10, step=0.05)
LABEL = Option("label", int, -1, "digit, -1 for any", minimum=-1, maximum=9)
SPEAKER = Option("speaker", str, "", "whose voice", choices=("", "george", "theo"))
SHARP = Option("sharp", bool, False, "sharpen the output")
STEPS = Option("max_steps", int, None, "stop after this many steps", minimum=1)


@pytest.mark.parametrize("option,value,parsed", [
    (TEMPERATURE, "0.5", 0.5), (TEMPERATURE, 2, 2.0), (TEMPERATURE, np.float32(0.25), 0.25),
    (TEMPERATURE, " 10 ", 10.0),
    (LABEL, "7", 7), (LABEL, 3.0, 3), (LABEL, "-1", -1), (LABEL, np.int64(9), 9), (LABEL, "2.0", 2),
    (SPEAKER, "theo", "theo"), (SPEAKER, "", ""),
    (SHARP, True, True), (SHARP, "yes", True), (SHARP, "False", False), (SHARP, "0", False),
    (STEPS, None, None), (STEPS, "20", 20),
])
def test_check_returns_the_value_as_the_declared_type(option, value, parsed):
    result = option.check(value)
    assert result == parsed and type(result) is type(parsed)


@pytest.mark.parametrize("option,value,message", [
    (TEMPERATURE, "nan", "temperature must be a number from 0.05 to 10; got 'nan'"),
    (TEMPERATURE, math.inf, "temperature must be a number from 0.05 to 10; got inf"),
    (TEMPERATURE, "-inf", "temperature must be a number from 0.05 to 10; got '-inf'"),
    (TEMPERATURE, "warm", "temperature must be a number from 0.05 to 10; got 'warm'"),
    (TEMPERATURE, True, "temperature must be a number from 0.05 to 10; got True"),
    (TEMPERATURE, 0, "temperature must be a number from 0.05 to 10; got 0"),
    (TEMPERATURE, 10.01, "temperature must be a number from 0.05 to 10; got 10.01"),
    (TEMPERATURE, [1.0], "temperature must be a number from 0.05 to 10; got [1.0]"),
    (TEMPERATURE, None, "temperature must be a number from 0.05 to 10; got None"),
    (LABEL, "3.5", "label must be a whole number from -1 to 9; got '3.5'"),
    (LABEL, False, "label must be a whole number from -1 to 9; got False"),
    (LABEL, 10, "label must be a whole number from -1 to 9; got 10"),
    (LABEL, "1e400", "label must be a whole number from -1 to 9; got '1e400'"),
    (SPEAKER, "alice", "speaker must be one of '', george, theo; got 'alice'"),
    (SPEAKER, 3, "speaker must be one of '', george, theo; got 3"),
    (SHARP, "maybe", "sharp must be true or false; got 'maybe'"),
    (SHARP, 1, "sharp must be true or false; got 1"),
    (STEPS, 0, "max_steps must be a whole number ≥ 1; got 0"),
])
def test_check_refuses_with_a_message_naming_the_option_the_value_and_what_is_allowed(option, value, message):
    with pytest.raises(ValueError) as raised:
        option.check(value)
    assert str(raised.value) == message


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(name="Bad", type=int, default=0, help="x"), "name must match"),
    (dict(name="a", type=list, default=[], help="x"), "type must be int, float, str or bool"),
    (dict(name="a", type=int, default=0, help=""), "help must be a non-empty string"),
    (dict(name="a", type=int, default=0, help="x", minimum=5, maximum=1), "minimum 5 is above maximum 1"),
    (dict(name="a", type=float, default=0.0, help="x", maximum=math.nan), "maximum must be a finite number"),
    (dict(name="a", type=str, default="", help="x", minimum=0), "minimum is for int and float options"),
    (dict(name="a", type=float, default=0.0, help="x", choices=(0.0, 1.0)), "choices are for int and str options"),
    (dict(name="a", type=int, default=0, help="x", choices=(0, 1), maximum=1), "choices or a range, not both"),
    (dict(name="a", type=str, default="", help="x", choices=()), "choices is empty"),
    (dict(name="a", type=int, default=5, help="x", maximum=3), "the default is not allowed: a must be"),
    (dict(name="a", type=float, default=1.0, help="x", step=0), "step must be > 0"),
])
def test_a_mistaken_declaration_raises_naming_the_option(kwargs, fragment):
    with pytest.raises(ValueError) as raised:
        Option(**kwargs)
    assert f"option {kwargs['name']!r}" in str(raised.value) and fragment in str(raised.value)


def test_flag_and_allowed_text():
    assert STEPS.flag == "--max-steps"
    assert STEPS.allowed() == "a whole number ≥ 1"
    assert Option("x", float, None, "h", maximum=2).allowed() == "a number ≤ 2"
    assert Option("x", str, "", "h").allowed() == "text"


def test_checked_values_fills_defaults_checks_given_values_and_refuses_unknown_names():
    options = (TEMPERATURE, LABEL, STEPS)
    assert checked_values(options, {"label": "4"}) == {"temperature": 1.0, "label": 4, "max_steps": None}
    with pytest.raises(ValueError, match="unknown option 'seeds'; the options are: temperature, label, max_steps"):
        checked_values(options, {"seeds": 1})
    with pytest.raises(ValueError, match="label must be a whole number from -1 to 9; got 12"):
        checked_values(options, {"label": 12})


def test_component_builds_the_control_the_declaration_describes():
    import gradio as gr

    slider = TEMPERATURE.component()
    assert isinstance(slider, gr.Slider)
    assert (slider.minimum, slider.maximum, slider.value, slider.step) == (0.05, 10, 1.0, 0.05)
    assert slider.label == "temperature" and slider.info == "divides the logits"
    assert isinstance(LABEL.component(), gr.Slider) and LABEL.component().step == 1
    dropdown = SPEAKER.component(label="Speaker")
    assert isinstance(dropdown, gr.Dropdown) and dropdown.label == "Speaker"
    assert [value for _, value in dropdown.choices] == ["", "george", "theo"]
    assert isinstance(SHARP.component(), gr.Checkbox) and SHARP.component().value is False
    number = STEPS.component()
    assert isinstance(number, gr.Number) and number.precision == 0 and number.minimum == 1
    assert isinstance(Option("z", str, "", "a point").component(), gr.Textbox)


def test_the_option_module_stays_free_of_gradio():
    import subprocess
    import sys

    code = ("import sys; import genhub.options, genhub.plugin; "
            "genhub.options.Option('a', int, 0, 'h').check('1'); print('gradio' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
