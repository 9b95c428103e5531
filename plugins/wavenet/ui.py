"""The "WaveNet audio" tab: say a digit in a chosen voice, or continue a recording.

Both handlers are generators: the player updates every quarter second of generated audio
(with a progress bar), then the waveform and spectrogram appear. API endpoints:
``wavenet_generate`` and ``wavenet_continue``.
"""

from __future__ import annotations

import gradio as gr
import numpy as np
import torch

from genhub import inputs
from genhub.audio.clips import AudioInputError, load_clip
from genhub.audio.pictures import waveform_and_spectrogram
from genhub.plugin import MAX_SEED, TabContext
from genhub.plugins.wavenet.sample import MAX_SECONDS, generate
from genhub.plugins.wavenet.variants import FSDD_SPEAKERS, SAMPLE_RATE

ANY = "any"
PRIME_SECONDS = 1.0
"""Only the end of a recording primes the model (its receptive field is 128 ms)."""
MAX_UPLOAD_SECONDS = 60.0


def as_player(wave: torch.Tensor) -> tuple[int, np.ndarray]:
    """(T,) float in [-1, 1] -> Gradio's (sample rate, int16 samples)."""
    return SAMPLE_RATE, (wave.clamp(-1, 1).numpy() * 32767).astype(np.int16)


def build_tab(context: TabContext) -> None:
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
        seconds = inputs.number("length (s)", seconds, 0.05, MAX_SECONDS)
        temperature = inputs.number("temperature", temperature, 0.0, 2.0)
        seed = inputs.integer("seed", seed, 0, MAX_SEED)
        clips = None
        for clips in generate(loaded().model, 1, seconds, digit_index, speaker_index, temperature, seed,
                              prime=prime, chunk=SAMPLE_RATE // 4,
                              progress=lambda done, todo: progress(done / todo, desc="generating samples")):
            yield as_player(clips[0]), None
        title = f"digit {digit}, speaker {speaker}, T = {temperature:g}, seed {seed}"
        yield as_player(clips[0]), waveform_and_spectrogram(clips[0], SAMPLE_RATE, title)

    def say(digit, speaker, seconds, temperature, seed, progress=gr.Progress()):
        """A new clip saying ``digit`` (or any) in ``speaker``'s voice (or any)."""
        yield from run(None, digit, speaker, seconds, temperature, seed, progress)

    def continue_recording(path, digit, speaker, seconds, temperature, seed, progress=gr.Progress()):
        """The recording's last second, then the model's continuation of it."""
        if not path:
            raise gr.Error("upload or record a clip first")
        with inputs.user_errors(AudioInputError):
            wave = load_clip(path, SAMPLE_RATE, MAX_UPLOAD_SECONDS)
        prime = wave[-int(PRIME_SECONDS * SAMPLE_RATE):]
        if len(wave) > len(prime):
            gr.Info(f"using the last {PRIME_SECONDS:g} s of the {len(wave) / SAMPLE_RATE:.1f} s recording as the prime")
        yield from run(prime, digit, speaker, seconds, temperature, seed, progress)

    config_digits = [str(d) for d in range(10)]
    with gr.Row():
        digit = gr.Dropdown([ANY, *config_digits], value="3", label="Digit")
        speaker = gr.Dropdown([ANY, *FSDD_SPEAKERS], value=ANY, label="Speaker", allow_custom_value=True)
        seconds = gr.Slider(0.05, MAX_SECONDS, value=0.6, step=0.05, label="Length (s)")
        temperature = gr.Slider(0.0, 2.0, value=1.0, step=0.05, label="Temperature (0 = greedy)")
        seed = gr.Number(0, precision=0, label="Seed")
    with gr.Row():
        go = gr.Button("Say it", variant="primary")
    with gr.Accordion("Continue a recording", open=False):
        recording = gr.Audio(sources=["upload", "microphone"], type="filepath",
                             label="A short clip (resampled to 8 kHz)")
        cont = gr.Button("Continue it")
    player = gr.Audio(label="Generated (8 kHz; download with the player's button)", type="numpy", interactive=False,
                      elem_id="wavenet-audio")
    picture = gr.Image(label="Waveform and spectrogram", type="pil", format="png", interactive=False)
    go.click(say, [digit, speaker, seconds, temperature, seed], [player, picture], api_name="wavenet_generate",
             **context.events("long"))
    cont.click(continue_recording, [recording, digit, speaker, seconds, temperature, seed], [player, picture],
               api_name="wavenet_continue", **context.events("long"))

