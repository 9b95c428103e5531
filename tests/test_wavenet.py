"""The WaveNet: causal, fast generation equals naive, μ-law round trips, training on real FSDD
lowers the loss and is monitored on clips held out of the training takes, and the tab handles
odd audio and values without crashing."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
import torch

from genhub.audio.clips import AudioInputError, load_clip
from genhub.plugin import TrainRequest
from genhub.plugins.wavenet.audio import decode, encode
from genhub.plugins.wavenet.generation import draw_uniforms, generate_fast, generate_naive
from genhub.plugins.wavenet.model import WaveNet
from genhub.plugins.wavenet.train import clip_nll, clip_tensors
from genhub.training.data import load_fsdd


def small(positions: bool = False) -> WaveNet:
    """A tiny WaveNet; with ``positions``, frames of 50 samples, the last from sample 200 on."""
    torch.manual_seed(0)
    frames = {"frame_samples": 50, "frames": 5} if positions else {}
    return WaveNet(channels=8, skip_channels=8, dilations=[1, 2, 4, 8, 16, 1, 2, 4], embed_dim=4, **frames).eval()


@pytest.mark.parametrize("positions", [False, True])
def test_no_output_depends_on_a_future_sample(positions):
    model = small(positions)
    x = torch.randint(0, 256, (1, 300))
    for t in (0, 37, 150, 299):
        bumped = x.clone()
        bumped[0, t] = (bumped[0, t] + 100) % 256
        with torch.no_grad():
            diff = (model(bumped) - model(x)).abs().sum(1)[0]
        changed = (diff > 0).nonzero().flatten()
        assert len(changed) == 0 or changed.min() >= t, "logits before t must not see sample t"
        assert t in changed.tolist() or t == 299 and len(changed) == 1, "the prediction at t uses sample t"


def test_the_receptive_field_is_what_the_network_sees():
    model = small()
    x = torch.randint(0, 256, (1, 200))
    last = 199
    with torch.no_grad():
        base = model(x)[0, :, last]
        for t, expect in ((last - model.receptive_field + 1, True), (last - model.receptive_field, False)):
            bumped = x.clone()
            bumped[0, t] = (bumped[0, t] + 100) % 256
            assert bool((model(bumped)[0, :, last] - base).abs().max() > 0) == expect


@pytest.mark.parametrize("temperature,conditioned,positions", [
    (1.0, True, None), (0.7, False, None), (0.0, True, None), (1.0, True, "from the start"),
    (1.0, True, "unspecified")])
def test_fast_and_naive_generation_give_identical_audio(temperature, conditioned, positions):
    model = small(positions is not None)
    positioned = positions != "unspecified"
    prime = torch.cat([torch.full((2, 1), 128), torch.randint(100, 156, (2, 20))], dim=1)
    digit = torch.tensor([3, 7]) if conditioned else None
    speaker = torch.tensor([0, 5]) if conditioned else None
    u = draw_uniforms(2, 300, 11)
    naive = generate_naive(model, prime, 300, digit, speaker, temperature, u, positioned=positioned)
    fast = generate_fast(model, prime, 300, digit, speaker, temperature, u, positioned=positioned)
    assert torch.equal(naive, fast)
    assert torch.equal(fast[:, :21], prime)


def test_the_position_condition_follows_the_absolute_sample_index():
    model = small(positions=True)
    x = torch.randint(0, 256, (1, 120))
    with torch.no_grad():
        whole = model(x)
        assert torch.allclose(model(x[:, 60:], start=60)[..., model.receptive_field:],
                              whole[..., 60 + model.receptive_field:], atol=1e-5)
        assert not torch.allclose(model(x[:, 60:])[..., model.receptive_field:],
                                  whole[..., 60 + model.receptive_field:], atol=1e-3), "frames 0-1 differ from 1-2"
        assert not torch.allclose(model(x, start=None), whole, atol=1e-3), "'unspecified' is a position of its own"
    assert model.frame_of(torch.tensor([0, 49, 50, 199, 200, 10**6])).tolist() == [0, 0, 1, 3, 4, 4]
    with pytest.raises(ValueError, match="both"):
        WaveNet(frame_samples=400)


def test_mu_law_round_trip():
    levels = torch.arange(256)
    assert torch.equal(encode(decode(levels)), levels)
    wave = torch.linspace(-1, 1, 2001)
    err = (decode(encode(wave)) - wave).abs()
    assert err.max() < 0.03 and err[900:1100].max() < 0.0025, "μ-law is fine near 0, coarse near ±1"
    assert encode(torch.zeros(1)).item() == 128


def test_a_short_training_run_on_real_fsdd_lowers_the_loss(data_dir):
    data = load_fsdd("train", data_dir, limit=16)
    levels, lengths = clip_tensors(data.waves, 1000)
    model = small().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        nll, count = clip_nll(model, levels, lengths, data.digits, data.speakers)
        loss = nll.sum() / count.sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] - 0.25, losses  # 5.59 -> 5.17 nats per sample here


def test_training_scores_held_out_training_clips_each_epoch_and_the_test_clips_once(data_dir, tmp_path):
    from genhub.plugins.wavenet import PLUGIN
    from genhub.training.curves import read_log
    from genhub.weights import read_config

    out = PLUGIN.train(TrainRequest(variant="fsdd", out_dir=tmp_path, data_dir=data_dir, epochs=2, batch_size=9,
                                    train_limit=20, model=PLUGIN.tiny_config["model"], command="genhub train wavenet"))
    config = read_config(out / "config.json")
    assert config["training"]["validation_examples"] == 2 and config["training"]["train_clips"] == 18, \
        "a tenth of the 20 limited training clips is held out"
    log = read_log(out / "log.jsonl")
    assert [r["epoch"] for r in log if r["split"] == "validation"] == [1, 2]
    assert not [r for r in log if r["split"] == "test"] and 0 < config["metrics"]["test_bits_per_sample"] < 8.5


def _wav(path, data, rate):
    soundfile.write(path, data, rate)
    return path


def test_odd_uploads_are_read_or_refused_clearly(tmp_path):
    t = np.arange(8000 * 6) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    wave = load_clip(_wav(tmp_path / "48k.wav", tone, 48000), 8000)
    assert abs(len(wave) - len(tone) / 6) <= 1, "48 kHz is resampled to 8 kHz"
    stereo = load_clip(_wav(tmp_path / "stereo.wav", np.stack([tone, -tone * 0.5], 1), 48000), 8000)
    assert stereo.ndim == 1
    with pytest.raises(AudioInputError, match="silent"):
        load_clip(_wav(tmp_path / "silent.wav", np.zeros(8000, np.float32), 8000), 8000)
    (tmp_path / "text.wav").write_text("not audio at all")
    with pytest.raises(AudioInputError, match="not a readable audio file"):
        load_clip(tmp_path / "text.wav", 8000)
    with pytest.raises(AudioInputError, match="empty"):
        load_clip(_touch(tmp_path / "empty.wav"), 8000)
    long = _wav(tmp_path / "long.flac", np.zeros(8000 * 600, np.int16), 8000)
    with pytest.raises(AudioInputError, match="600.0 s long"):
        load_clip(long, 8000, max_seconds=60)


def _touch(path):
    path.write_bytes(b"")
    return path


def test_the_tab_says_a_digit_and_continues_a_recording(client, tmp_path):
    audio, picture = client.predict("3", "theo", 0.3, 1.0, 0, api_name="/wavenet_generate")
    rate = soundfile.info(audio).samplerate
    data, _ = soundfile.read(audio)
    assert rate == 8000 and len(data) == 2400
    again, _ = soundfile.read(client.predict("3", "theo", 0.3, 1.0, 0, api_name="/wavenet_generate")[0])
    assert np.array_equal(data, again)
    greedy, _ = soundfile.read(client.predict("any", "any", 0.1, 0.0, 0, api_name="/wavenet_generate")[0])
    assert len(greedy) == 800
    from gradio_client import handle_file

    t = np.arange(48000) / 48000
    clip = _wav(tmp_path / "hello.wav", np.stack([0.3 * np.sin(2 * np.pi * 200 * t)] * 2, 1), 48000)
    continued, _ = soundfile.read(client.predict(handle_file(str(clip)), "5", "any", 0.2, 1.0, 1,
                                                 api_name="/wavenet_continue")[0])
    assert len(continued) == 8000 + 1600, "the last second of the recording, then 0.2 s more"


@pytest.mark.parametrize("args,fragment", [
    (("3", "theo", 0, 1.0, 0), "Length \\(s\\) must be a number between 0.05 and 5; got 0"),
    (("3", "theo", 600, 1.0, 0), "Length \\(s\\) must be a number between 0.05 and 5; got 600"),
    (("3", "theo", 0.2, -1, 0), "Temperature \\(0 = greedy\\) must be a number between 0 and 2; got -1"),
    (("3", "bob", 0.2, 1.0, 0), "speaker must be one of"),
    (("12", "theo", 0.2, 1.0, 0), "Digit must be one of any, 0, 1"),
])
def test_bad_values_get_a_clear_message(client, args, fragment):
    with pytest.raises(Exception, match=fragment):
        client.predict(*args, api_name="/wavenet_generate")


def test_uploads_that_are_not_audio_or_silent_get_a_clear_message(client, tmp_path):
    from gradio_client import handle_file

    (tmp_path / "x.wav").write_text("hello")
    with pytest.raises(Exception, match="not a readable audio file"):
        client.predict(handle_file(str(tmp_path / "x.wav")), "5", "any", 0.2, 1.0, 1, api_name="/wavenet_continue")
    silent = _wav(tmp_path / "silent.wav", np.zeros(8000, np.float32), 8000)
    with pytest.raises(Exception, match="silent"):
        client.predict(handle_file(str(silent)), "5", "any", 0.2, 1.0, 1, api_name="/wavenet_continue")


def test_the_cli_writes_one_clip(tmp_path):
    from genhub.cli import main

    out = tmp_path / "three.wav"
    assert main(["sample", "wavenet", "--label", "3", "--speaker", "theo", "--seed", "0", "--seconds", "0.25",
                 "--out", str(out)]) == 0
    info = soundfile.info(out)
    assert info.samplerate == 8000 and info.channels == 1 and info.frames == 2000


def test_the_speech_judge_reads_real_test_clips(data_dir):
    from genhub.training.evaluation.speech import load_speech_judge, read_digits

    judge, config = load_speech_judge()
    test = load_fsdd("test", data_dir)
    accuracy = float((read_digits(judge, test.waves).argmax(1) == test.digits).float().mean())
    assert accuracy >= 0.9 and config["metrics"]["test_accuracy"] == pytest.approx(accuracy, abs=0.01)


def test_the_speech_judge_hears_no_digit_in_silence_noise_or_babble(data_dir):
    from genhub.training.evaluation.not_digits import KINDS, not_digit_clips
    from genhub.training.evaluation.speech import NOT_A_DIGIT, load_speech_judge, read_digits

    judge, _ = load_speech_judge()
    test = load_fsdd("test", data_dir)
    generator = torch.Generator().manual_seed(7)
    for kind in KINDS:
        clips = not_digit_clips(40, generator, test.waves, kinds=(kind,))
        heard = read_digits(judge, list(clips)).argmax(1)
        assert (heard == NOT_A_DIGIT).float().mean() >= 0.9, (kind, heard.tolist())
    # The generator's own silence (the μ-law middle level), which the old judge called "6".
    assert read_digits(judge, [decode(torch.full((4800,), 128))]).argmax(1).item() == NOT_A_DIGIT


def test_the_tab_says_what_the_judge_hears_under_a_clip(data_dir):
    from genhub.media import pcm16
    from genhub.plugins.wavenet.ui import ANY, judge_reading

    test = load_fsdd("test", data_dir)
    three = test.waves[int((test.digits == 3).nonzero()[0])]
    assert judge_reading((8000, pcm16(three)), "3").startswith("The judge (asked 3) hears **3**, p ")
    assert " ✗." in judge_reading((8000, pcm16(three)), "7")
    silent = judge_reading((8000, pcm16(decode(torch.full((4800,), 128)))), ANY)
    assert silent.startswith("The judge hears no digit, p ") and "✓" not in silent
    assert judge_reading(None, "3") == ""


def test_clips_that_say_no_digit_are_seeded_at_their_level_and_babble_keeps_the_voice(data_dir):
    from genhub.training.evaluation.not_digits import PIECE, babble, not_digit_clip, not_digit_clips

    test = load_fsdd("test", data_dir, limit=20)
    first = not_digit_clips(10, torch.Generator().manual_seed(0), test.waves)
    assert torch.equal(first, not_digit_clips(10, torch.Generator().manual_seed(0), test.waves))
    assert first.shape == (10, 8000) and first.abs().max() <= 1
    for _ in range(5):
        rms = not_digit_clip("silence", torch.Generator().manual_seed(_)).pow(2).mean().sqrt()
        assert -95.5 < 20 * torch.log10(rms) < -54.5
    speech = test.waves[3]
    shuffled = babble(speech, torch.Generator().manual_seed(1))
    assert shuffled.shape == (8000,) and not torch.equal(shuffled[: len(speech)], speech[:8000])
    sounding = shuffled[shuffled != 0]
    assert len(sounding) >= PIECE and torch.isin(sounding, speech).all(), "pieces of the same voice, reordered"
    with pytest.raises(ValueError, match="babble is cut from speech"):
        not_digit_clip("babble", torch.Generator())


def test_sound_is_told_from_silence_on_real_and_generated_levels(data_dir):
    from genhub.audio.clips import sounding_seconds

    quiet_speaker = load_clip(data_dir / "fsdd" / "recordings" / "0_theo_0.wav", 8000)  # peaks near -41 dBFS
    assert sounding_seconds(quiet_speaker, 8000) > 0.1
    assert sounding_seconds(decode(torch.full((8000,), 128)), 8000) == 0.0, "the μ-law middle level is silence"
    assert sounding_seconds(torch.zeros(0), 8000) == 0.0
    noise = torch.rand(4000) * 2 - 1
    assert sounding_seconds(noise, 8000) == pytest.approx(0.5, abs=0.02)
