"""The "WaveNet audio" tab: say a digit in a chosen voice, continue a recording, or (a planned
variant) say a recording again through the vocoder.

The handlers are generators: the player updates every quarter second of generated audio (with a
progress bar), then the picture appears: the waveform with the plan the WaveNet was told and the
plan of what it said (a planned variant), or the waveform and spectrogram. Under a clip, the
project's spoken-digit judge says what it hears. API endpoints: ``wavenet_generate``,
``wavenet_continue`` and ``wavenet_vocode``.

The digit, speaker, length and temperature controls come from the plugin's ``label``,
``speaker``, ``seconds`` and ``temperature`` sample options (`genhub.options.Option`): default,
range or choices and help are declared once, in ``plugins/wavenet/__init__.py``; `NARROWED`
says where the tab offers less, and why.
"""

from __future__ import annotations

import gradio as gr
import numpy as np
import torch

from genhub import inputs
from genhub.audio.clips import AudioInputError, load_clip, sounding_seconds
from genhub.audio.pictures import waveform_and_spectrogram
from genhub.media import pcm16
from genhub.options import Option
from genhub.page import SILENT_AUDIO_CLASS, caption
from genhub.plugin import MAX_SEED, TabContext
from genhub.plugins.wavenet.audio import normalize
from genhub.plugins.wavenet.pictures import plan_and_result
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.sample import MAX_SECONDS, draw_plans, generate, vocode, wave_plan
from genhub.plugins.wavenet.variants import SAMPLE_RATE
from genhub.reproduce import sample_command
from genhub.zerogpu import MIN_GPU_SECONDS, gpu_seconds

ANY = "any"
"""How the digit and speaker dropdowns show (and send) "unspecified": the ``label`` option's -1,
the ``speaker`` option's ""."""
NARROWED = {
    "temperature": {"maximum": 2.0, "info": "divides the logits; 1 samples the model as trained; "
                    "0 (greedy) gives silence with this model"},
    "seconds": {"info": "the model says one word, as long as its training clips (median 0.42 s, at most 2.3 s); "
                "the rest of a longer clip is silence"},
}
"""Where this tab's option controls offer less than the option (and so `genhub sample`) allows,
as overrides of `genhub.options.Option.component`, which refuses any that would offer more.
Temperature stops at 2, where the tab has always stopped, not at the option's 5: higher
temperatures only flatten each sample's 256-way choice further towards hiss, and the shorter
slider is finer where voices differ. Length keeps the option's range (a continuation may want it)
but says what to expect: FSDD's clips, which the model learnt to speak, are 0.42 s long at the
median and 2.28 s at most, so a longer clip is mostly silence; the picture's title says how much
of the clip is sound."""
SILENT_SECONDS = 0.05
"""A clip with less sound than this (`genhub.audio.clips.sounding_seconds`) is called silent."""
PRIME_SECONDS = 1.0
"""Only the end of a recording primes the model (its receptive field is 34 ms in fsdd-mel, 128 ms in fsdd)."""
MAX_UPLOAD_SECONDS = 60.0
GPU_SECONDS_PER_AUDIO_SECOND = 2.0
"""What a ZeroGPU request asks for per second of audio (`genhub.zerogpu`), on top of the minimum:
fast generation runs at 0.23-0.39× real time on one CPU core, and a GPU, bound by kernel launches
for one sample at a time, is not slower; 2 leaves a margin. Not measured on ZeroGPU."""


def gpu_time(seconds: float, **_: object) -> float:
    """ZeroGPU seconds for a clip of ``seconds`` seconds (`genhub.zerogpu.gpu_seconds`)."""
    return MIN_GPU_SECONDS + GPU_SECONDS_PER_AUDIO_SECOND * float(seconds)


def shown(value: int | str) -> str:
    """A value of the ``label`` or ``speaker`` option as its dropdown shows and sends it:
    "unspecified" (-1, "") is `ANY`, a digit is its text, a speaker their name."""
    return ANY if value in (-1, "") else str(value)


def choices(option: Option) -> list[str]:
    """Every value the ``label`` or ``speaker`` option allows, as its dropdown shows them."""
    values = option.choices or range(int(option.minimum), int(option.maximum) + 1)
    return [shown(value) for value in values]


def as_player(wave: torch.Tensor) -> tuple[int, np.ndarray]:
    """(T,) float in [-1, 1] -> Gradio's (sample rate, int16 samples), as ``genhub sample`` writes them."""
    return SAMPLE_RATE, pcm16(wave)


def clip_command(digit: str, speaker: str, seconds: float, temperature: float, seed: int, **_: object) -> list[str]:
    """The ``genhub sample wavenet`` arguments that write the clip the tab made (`genhub.reproduce`)."""
    return ["--label", "-1" if digit == ANY else digit, *([] if speaker == ANY else ["--speaker", speaker]),
            "--seconds", f"{float(seconds):g}", "--temperature", f"{float(temperature):g}", "--seed", str(int(seed)),
            "--count", "1", "--out", "clip.wav"]


def player_wave(clip: tuple[int, np.ndarray]) -> torch.Tensor:
    """The player's value (Gradio's (rate, int16 samples), mono or stereo) -> float (T,) in [-1, 1), mono."""
    wave = torch.from_numpy(np.asarray(clip[1], dtype=np.float32) / 32768.0)
    return wave.mean(-1) if wave.ndim > 1 else wave


def marked_if_silent(clip: tuple[int, np.ndarray] | None) -> dict:
    """The player's update for ``clip`` (Gradio's (rate, int16 samples)): marked with
    `genhub.page.SILENT_AUDIO_CLASS` when it has under `SILENT_SECONDS` of sound, because the player
    scales its waveform to the loudest sample and would draw a silent clip's hiss as full bars."""
    if clip is None:
        return gr.update(elem_classes=[])
    silent = sounding_seconds(player_wave(clip), int(clip[0])) < SILENT_SECONDS
    return gr.update(elem_classes=[SILENT_AUDIO_CLASS] if silent else [])


def unmarked() -> dict:
    """The player's update while a new clip is made: not marked silent."""
    return gr.update(elem_classes=[])


def heard(clip: tuple[int, np.ndarray]) -> tuple[str, float, dict]:
    """What the project's spoken-digit judge hears in the first second of ``clip`` (Gradio's
    (rate, int16 samples) at 8 kHz): the digit ("0"-"9") or "no digit", its probability, and the
    judge's config. Raises WeightsError when the judge's weights are missing or corrupt."""
    from genhub.training.evaluation.speech import NOT_A_DIGIT, load_speech_judge, read_digits

    judge, config = load_speech_judge()
    probs = read_digits(judge, [player_wave(clip)])[0]
    best = int(probs.argmax())
    return ("no digit" if best == NOT_A_DIGIT else str(best)), float(probs[best]), config


def judge_note(config: dict) -> str:
    return (f"The judge is a log-mel classifier trained on FSDD ({config['metrics']['test_accuracy']:.1%} on real test "
            "clips; it hears no digit in silence, noise or shuffled speech), reading a clip's first second.")


def judge_reading(clip: tuple[int, np.ndarray] | None, asked: str) -> str:
    """The judge's reading of ``clip`` as a line under the player: "asked 3 → heard **5**, p 0.62 ✗",
    or that it hears no digit. ``asked`` is the digit dropdown's value."""
    if clip is None:
        return ""
    from genhub.weights import WeightsError

    try:
        digit, p, config = heard(clip)
    except WeightsError as err:
        return f"The judge is unavailable: {err}"
    said = digit if digit == "no digit" else f"**{digit}**"
    verdict = "" if asked == ANY else (" ✓" if digit == asked else " ✗")
    return f"Judge: {'' if asked == ANY else f'asked {asked} → '}heard {said}, p {p:.2f}{verdict}. {judge_note(config)}"


def vocoder_reading(original: tuple[int, np.ndarray] | None, result: tuple[int, np.ndarray] | None) -> str:
    """The judge's readings of a recording and of the vocoder's resynthesis, as one line."""
    if original is None or result is None:
        return ""
    from genhub.weights import WeightsError

    try:
        (before, p_before, config), (after, p_after, _) = heard(original), heard(result)
    except WeightsError as err:
        return f"The judge is unavailable: {err}"
    return (f"Judge: the recording → heard **{before}**, p {p_before:.2f}; resynthesized → heard **{after}**, "
            f"p {p_after:.2f}{' ✓' if before == after != 'no digit' else ' ✗'}. {judge_note(config)}")


def no_reading() -> str:
    """The judge's line while a new clip is made: empty."""
    return ""


def build_tab(context: TabContext) -> None:
    options = {option.name: option for option in context.plugin.sample_options}

    def loaded():
        return context.model()

    def condition(digit, speaker):
        config = loaded().config
        digit = inputs.choice("digit", str(digit), [ANY, *config["data"]["digits"]])
        speaker = inputs.choice("speaker", speaker, [ANY, *config["data"]["speakers"]])
        return (None if digit == ANY else int(digit),
                None if speaker == ANY else list(config["data"]["speakers"]).index(speaker))

    def run(prime, digit, speaker, seconds, temperature, seed, progress):
        digit_index, speaker_index = condition(digit, speaker)
        seconds = inputs.number("length (s)", seconds, seconds_slider.minimum, seconds_slider.maximum)
        temperature = inputs.number("temperature", temperature, temperature_slider.minimum, temperature_slider.maximum)
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        model, plan = loaded().model, None
        if isinstance(model, PlannedWaveNet):  # drawn here, as generate would, to be drawn in the picture too
            one = None if digit_index is None else torch.tensor([digit_index])
            voice = None if speaker_index is None else torch.tensor([speaker_index])
            plan = draw_plans(model, 1, one, voice, seed, prime, int(round(seconds * SAMPLE_RATE)))
        clips = None
        for clips in generate(model, 1, seconds, digit_index, speaker_index, temperature, seed,
                              prime=prime, chunk=SAMPLE_RATE // 4, plan=plan,
                              progress=lambda done, todo: progress(done / todo, desc="generating samples")):
            yield as_player(clips[0]), None
        sound = sounding_seconds(clips[0], SAMPLE_RATE)
        if sound < SILENT_SECONDS:
            gr.Warning("The clip is silent: the model chose its quiet level throughout. "
                       + ("At temperature 0 (greedy) it always does; try 1." if temperature == 0
                          else "Try another seed, or a temperature near 1."))
        title = (f"digit {digit}, speaker {speaker}, T = {temperature:g}, seed {seed}: "
                 + ("silent" if sound < SILENT_SECONDS else f"{sound:.2f} s of sound"))
        if plan is not None:
            yield as_player(clips[0]), plan_and_result(plan[0], clips[0], title)
        else:
            yield as_player(clips[0]), waveform_and_spectrogram(clips[0], SAMPLE_RATE, title)

    @gpu_seconds(gpu_time)
    @sample_command(clip_command)
    def say(digit, speaker, seconds, temperature, seed, progress=gr.Progress()):
        """A new spoken-digit clip (8 kHz) saying ``digit`` (or any) in ``speaker``'s voice (or any).

        Args:
            digit: the digit to say, "0"-"9", or "any"
            speaker: whose voice: george, jackson, lucas, nicolas, theo, yweweler, or "any"
            seconds: clip length in seconds, 0.05 to 5 in steps of 0.05 (the word takes about half a second)
            temperature: divides the logits, 0 (greedy) to 2; 1 samples the model as trained
            seed: the noise seed, a whole number 0 to 2147483647; the same seed gives the same clip
        Returns:
            the clip (WAV file, 8 kHz mono; updated every 0.25 s while it generates)
            its picture (PNG file): the waveform, the plan and the plan of what was said (planned variants), or
                the waveform and spectrogram
        """
        yield from run(None, digit, speaker, seconds, temperature, seed, progress)

    @gpu_seconds(gpu_time)
    def continue_recording(path, digit, speaker, seconds, temperature, seed, progress=gr.Progress()):
        """The recording's last second, then the model's continuation of it (8 kHz).

        Args:
            path: an audio file (WAV, MP3, ...; any rate, mono or stereo; at most 60 s), uploaded to this app first
            digit: the digit to say, "0"-"9", or "any"
            speaker: whose voice: george, jackson, lucas, nicolas, theo, yweweler, or "any"
            seconds: clip length in seconds, 0.05 to 5 in steps of 0.05 (the word takes about half a second)
            temperature: divides the logits, 0 (greedy) to 2; 1 samples the model as trained
            seed: the noise seed, a whole number 0 to 2147483647; the same seed gives the same clip
        Returns:
            the clip (WAV file, 8 kHz mono; updated every 0.25 s while it generates)
            its picture (PNG file): the waveform, the plan and the plan of what was said (planned variants), or
                the waveform and spectrogram
        """
        if not path:
            raise gr.Error("upload or record a clip first")
        with inputs.user_errors(AudioInputError):
            wave = load_clip(path, SAMPLE_RATE, MAX_UPLOAD_SECONDS)
        prime = wave[-int(PRIME_SECONDS * SAMPLE_RATE):]
        if len(wave) > len(prime):
            gr.Info(f"using the last {PRIME_SECONDS:g} s of the {len(wave) / SAMPLE_RATE:.1f} s recording as the prime")
        yield from run(prime, digit, speaker, seconds, temperature, seed, progress)

    @gpu_seconds(lambda **_: gpu_time(MAX_SECONDS))
    def resynthesize(path, temperature, seed, progress=gr.Progress()):
        """Vocoder mode: a recording's plan (its log-mel frames), said again by the WaveNet (8 kHz).

        Args:
            path: an audio file of speech (WAV, MP3, ...; any rate, mono or stereo; at most 60 s, of which the
                first 5 s are used), uploaded to this app first
            temperature: divides the logits, 0 (greedy) to 2; 1 samples the model as trained
            seed: the noise seed, a whole number 0 to 2147483647; the same seed gives the same clip
        Returns:
            the recording as the vocoder heard it (WAV file, 8 kHz mono, peak-normalized)
            the resynthesized clip (WAV file, 8 kHz mono; updated every 0.25 s while it generates)
            the waveform, the recording's plan and the result's plan (PNG file)
        """
        if not path:
            raise gr.Error("upload or record a clip first")
        temperature = inputs.number("temperature", temperature, temperature_slider.minimum, temperature_slider.maximum)
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        model = loaded().model
        if not isinstance(model, PlannedWaveNet):
            raise gr.Error("this variant has no vocoder: choose a planned variant (fsdd-mel)")
        with inputs.user_errors(AudioInputError):
            wave = load_clip(path, SAMPLE_RATE, MAX_UPLOAD_SECONDS)
        limit = int(MAX_SECONDS * SAMPLE_RATE)
        if len(wave) > limit:
            gr.Info(f"using the first {MAX_SECONDS:g} s of the {len(wave) / SAMPLE_RATE:.1f} s recording")
            wave = wave[:limit]
        if sounding_seconds(wave, SAMPLE_RATE) < SILENT_SECONDS:
            raise gr.Error(f"the recording's first {MAX_SECONDS:g} s are silent: there is nothing to resynthesize")
        wave = normalize(wave)
        plan = wave_plan(wave)
        clip = None
        for clip in vocode(model, plan, len(wave), temperature, seed, chunk=SAMPLE_RATE // 4,
                           progress=lambda done, todo: progress(done / todo, desc="generating samples")):
            yield as_player(wave), as_player(clip[0]), None
        title = f"resynthesized, T = {temperature:g}, seed {seed}"
        yield as_player(wave), as_player(clip[0]), plan_and_result(plan[0], clip[0], title, "recording's plan")

    label, speaker_option = options["label"], options["speaker"]
    with gr.Row():
        digit = gr.Dropdown(choices(label), value=shown(label.default), label="Digit", elem_id="wavenet-digit")
        # A custom value reaches `condition`, which checks it against the chosen variant's own speakers.
        speaker = gr.Dropdown(choices(speaker_option), value=shown(speaker_option.default), label="Speaker",
                              allow_custom_value=True, elem_id="wavenet-speaker")
        seconds_slider = options["seconds"].component(label="Length (s)", elem_id="wavenet-seconds",
                                                      **NARROWED["seconds"])
        temperature_slider = options["temperature"].component(label="Temperature (0 = greedy)",
                                                              elem_id="wavenet-temperature", **NARROWED["temperature"])
        seed = gr.Number(0, precision=0, label="Seed", elem_id="wavenet-seed")
    with gr.Row():
        go = gr.Button("Say it", variant="primary")
    with gr.Accordion("Continue a recording", open=False):
        recording = gr.Audio(sources=["upload", "microphone"], type="filepath",
                             label="A short clip (resampled to 8 kHz)")
        cont = gr.Button("Continue it")
    with gr.Accordion("Vocoder: say a recording again", open=False):
        speech = gr.Audio(sources=["upload", "microphone"], type="filepath",
                          label="Speech (resampled to 8 kHz; the first 5 s)", elem_id="wavenet-vocoder-input")
        revoice = gr.Button("Resynthesize it")
        with gr.Row():
            original = gr.Audio(label="The recording, as the vocoder hears it", type="numpy", interactive=False,
                                elem_id="wavenet-vocoder-original")
            resynthesized = gr.Audio(label="Resynthesized by the WaveNet", type="numpy", interactive=False,
                                     elem_id="wavenet-vocoder-result")
        vocoder_picture = gr.Image(label="Waveform, the recording's plan and the result's", type="pil", format="png",
                                   interactive=False, elem_id="wavenet-vocoder-picture")
        vocoder_judge = gr.Markdown(elem_id="wavenet-vocoder-judge")
    player = gr.Audio(label="Generated (8 kHz; download with the player's button)", type="numpy", interactive=False,
                      elem_id="wavenet-audio")
    picture = gr.Image(label="Waveform with the plan and what was said (or the spectrogram)", type="pil",
                       format="png", interactive=False,
                       elem_id="wavenet-picture")
    caption("8,000 samples a second, each drawn from a 256-level μ-law distribution. The planned variant (fsdd-mel, "
            "the default) first draws the word's plan, log-mel frames for the digit in the speaker's voice; the "
            "WaveNet says it, seeing the plan and the last 34 ms. The picture: the waveform, the plan, and the plan "
            "of what it said. The fsdd variant is told only the digit, the speaker and how far into the word it is.")
    reading = gr.Markdown(elem_id="wavenet-judge")
    controls = [digit, speaker, seconds_slider, temperature_slider, seed]
    # The endpoints return plain values (a file to API clients); marking the player is the page's own
    # follow-up step, private, so the API's outputs stay the clip and its picture.
    page_only = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}
    for button, fn, fn_inputs, api_name in ((go, say, controls, "wavenet_generate"),
                                            (cont, continue_recording, [recording, *controls], "wavenet_continue")):
        button.click(unmarked, None, player, **page_only)
        button.click(no_reading, None, reading, **page_only)
        done = button.click(fn, fn_inputs, [player, picture], api_name=api_name, **context.events("long")).then(
            marked_if_silent, player, player, **page_only)
        if button is go:  # a continuation's first second is the recording, not the model
            done.then(judge_reading, [player, digit], reading, **page_only)
    revoice.click(no_reading, None, vocoder_judge, **page_only)
    revoice.click(resynthesize, [speech, temperature_slider, seed], [original, resynthesized, vocoder_picture],
                  api_name="wavenet_vocode", **context.events("long")).then(
        vocoder_reading, [original, resynthesized], vocoder_judge, **page_only)

