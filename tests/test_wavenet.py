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

TINY = {"levels": 256, "channels": 4, "skip_channels": 4, "dilations": [1, 2], "digits": 10, "speakers": 6,
        "embed_dim": 2, "frame_samples": 400, "frames": 2}
"""A tiny plain WaveNet (the fsdd variant's kind)."""


def small(positions: bool = False, planned: bool = False) -> WaveNet:
    """A tiny WaveNet; with ``positions``, frames of 50 samples, the last from sample 200 on; with
    ``planned``, a vocoder of 40-mel plans, one frame every 25 samples."""
    torch.manual_seed(0)
    frames = {"frame_samples": 50, "frames": 5} if positions else {}
    plan = {"mels": 40, "hop": 25, "plan_channels": 8} if planned else {}
    return WaveNet(channels=8, skip_channels=8, dilations=[1, 2, 4, 8, 16, 1, 2, 4], embed_dim=4, **frames,
                   **plan).eval()


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


@pytest.mark.parametrize("temperature", [1.0, 0.0])
def test_a_vocoder_generates_the_same_audio_fast_and_naive(temperature):
    model = small(planned=True)
    torch.manual_seed(1)
    plan = torch.randn(2, 40, 14)                       # 13 frames of 25 samples cover 320 samples; the rest: the last
    prime = torch.full((2, 1), 128)
    u = draw_uniforms(2, 340, 5)
    naive = generate_naive(model, prime, 340, torch.tensor([3, 7]), None, temperature, u, plan=plan)
    fast = generate_fast(model, prime, 340, torch.tensor([3, 7]), None, temperature, u, plan=plan)
    assert torch.equal(naive, fast)
    other = generate_fast(model, prime, 340, torch.tensor([3, 7]), None, temperature, u, plan=plan.flip(2))
    assert not torch.equal(fast, other), "the plan steers the samples"


def test_a_continued_word_is_told_the_primes_own_plan_then_the_drawn_word():
    from genhub.plugins.wavenet import PLUGIN
    from genhub.plugins.wavenet.audio import normalize
    from genhub.plugins.wavenet.plan import SILENT_PLAN, plan_of
    from genhub.plugins.wavenet.sample import PLAN_SEED_OFFSET, draw_plans, generate

    torch.manual_seed(0)
    model = PLUGIN.build_model(PLUGIN.tiny_config["model"]).eval()
    prime = 0.3 * torch.sin(torch.arange(1050) / 5.0)
    plans = draw_plans(model, 2, torch.tensor([3, 3]), None, 4, prime, 800)
    assert plans.shape == (2, 40, 1 + (1 + 1050 + 800) // 100)
    assert torch.allclose(plans[0, :, :10], plan_of(normalize(prime))[:, :10]), "the prime's 10 whole frames first"
    drawn = model.planner.sample(torch.tensor([3, 3]), None, 2, 4 + PLAN_SEED_OFFSET)
    assert torch.equal(plans[:, :, 10:], drawn[:, :, :9]), "then the planner's word, cut to what is said"
    long = draw_plans(model, 1, None, None, 4, None, 12_000)
    assert long.shape[2] == 121 and long[0, :, 80:].eq(SILENT_PLAN).all(), "a word lasts 80 frames, then silence"
    short = draw_plans(model, 1, None, None, 4, prime[:60], 800)          # under one frame, and the mel window
    alone = model.planner.sample(None, None, 1, 4 + PLAN_SEED_OFFSET)[:, :, :9]
    assert torch.equal(short, alone), "a prime shorter than a frame adds none of its own"
    *_, clip = generate(model, 1, 0.1, 3, None, 1.0, 0, prime=prime[:60], chunk=10**9)
    assert clip.shape == (1, 60 + 800)


def test_a_vocoder_refuses_a_plan_of_the_wrong_shape():
    model = small(planned=True)
    prime, u = torch.full((2, 1), 128), draw_uniforms(2, 10, 0)
    for plan in (torch.randn(1, 40, 5), torch.randn(2, 20, 5), torch.randn(2, 40, 0)):
        with pytest.raises(ValueError, match="a plan must be"):
            generate_fast(model, prime, 10, None, None, 1.0, u, plan=plan)
    with pytest.raises(ValueError, match="a plan must be"):
        model(torch.full((2, 10), 128), plan=torch.randn(1, 40, 5))
    with pytest.raises(ValueError, match="cannot be unspecified"):
        generate_fast(model, prime, 10, None, None, 1.0, u, plan=torch.randn(2, 40, 5), positioned=False)


def test_the_plan_condition_reaches_only_samples_near_its_frame():
    model = small(planned=True)
    x = torch.randint(0, 256, (1, 400))
    plan = torch.randn(1, 40, 17)
    bumped = plan.clone()
    bumped[0, :, 8] += 3.0                               # frame 8 is centred on sample 200
    with torch.no_grad():
        changed = ((model(x, plan=bumped) - model(x, plan=plan)).abs().sum(1)[0] > 0).nonzero().flatten()
    # Two convolutions over frames (kernels 5 and 3) reach 3 frames either side: frames 5-11, whose
    # nearest input samples are 113 .. 287; from there on the samples carry it, within the receptive field.
    assert changed.min() == 113 and 287 < changed.max() < 287 + model.receptive_field
    assert model.plan_frame_of(torch.tensor([0, 12, 13, 37, 38, 10**6]), 17).tolist() == [0, 0, 1, 1, 2, 16]
    with pytest.raises(ValueError, match="needs a plan"):
        model(x)
    with pytest.raises(ValueError, match="no position condition"):
        WaveNet(mels=40, hop=25, frame_samples=50, frames=5)


def test_a_plan_is_the_clips_log_mel_frames_and_silence_has_its_own_value():
    from genhub.plugins.wavenet.plan import MELS, SILENT_PLAN, clip_plan, fit_frames, plan_of

    assert plan_of(torch.zeros(8000)).shape == (MELS, 81)
    assert torch.allclose(plan_of(torch.zeros(8000)), torch.tensor(SILENT_PLAN))
    t = torch.arange(8000) / 8000
    tone = plan_of(0.5 * torch.sin(2 * torch.pi * 1000 * t))
    assert tone[:, 40].argmax() == tone[:, 10].argmax() and tone.max() > 0.5, "a steady tone: one loud band"
    padded = clip_plan(0.01 * torch.sin(2 * torch.pi * 300 * t[:2000]), 4000)
    assert padded.shape == (MELS, 41) and padded.max() > 0.5, "peak-normalized first"
    assert torch.allclose(padded[:, -10:], torch.tensor(SILENT_PLAN)), "then padded with silence"
    assert fit_frames(padded, 50)[:, 41:].eq(SILENT_PLAN).all() and fit_frames(padded, 5).shape == (MELS, 5)


def test_the_planner_draws_the_same_plan_for_a_seed_and_reconstructs_through_its_latent():
    from genhub.plugins.wavenet.planner import MelPlanner

    torch.manual_seed(0)
    planner = MelPlanner(mels=40, frames=16, latent=4, channels=16, embed_dim=4).eval()
    digits, speakers = torch.tensor([3, 3]), torch.tensor([1, 2])
    first = planner.sample(digits, speakers, 2, seed=9)
    assert first.shape == (2, 40, 16) and torch.equal(first, planner.sample(digits, speakers, 2, seed=9))
    assert not torch.equal(first, planner.sample(digits, speakers, 2, seed=10))
    assert not torch.allclose(planner.sample(torch.tensor([4, 4]), speakers, 2, seed=9), first), "the digit matters"
    mean, log_var = planner.encode(first, digits, speakers)
    assert mean.shape == log_var.shape == (2, 4)
    with pytest.raises(ValueError, match="multiple of 8"):
        MelPlanner(frames=20)


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
                                    train_limit=20, model=TINY, command="genhub train wavenet"))
    config = read_config(out / "config.json")
    assert config["training"]["validation_examples"] == 2 and config["training"]["train_clips"] == 18, \
        "a tenth of the 20 limited training clips is held out"
    log = read_log(out / "log.jsonl")
    assert [r["epoch"] for r in log if r["split"] == "validation"] == [1, 2]
    assert not [r for r in log if r["split"] == "test"] and 0 < config["metrics"]["test_bits_per_sample"] < 8.5


def test_a_planned_variant_trains_both_stages_on_real_fsdd_and_releases_one_model(data_dir, tmp_path):
    from genhub.plugins.wavenet import PLUGIN
    from genhub.training.curves import read_log
    from genhub.weights import read_config

    out = PLUGIN.train(TrainRequest(variant="fsdd-mel", out_dir=tmp_path, data_dir=data_dir, epochs=2, batch_size=9,
                                    max_steps=3, train_limit=20, model=PLUGIN.tiny_config["model"],
                                    command="genhub train wavenet"))
    config = read_config(out / "config.json")
    assert set(config["model"]) == {"vocoder", "planner"} and config["model"]["vocoder"]["mels"] == 40
    assert 0 < config["metrics"]["test_bits_per_sample_given_plan"] < 8.5 and config["metrics"]["test_plan_mse"] > 0
    # --epochs is the vocoder's; the planner keeps its recipe's, and max_steps stops both (18 clips: one
    # planner batch an epoch, two of the vocoder's).
    for stage, epochs in (("vocoder", [1, 2]), ("planner", [1, 2, 3])):
        log = read_log(out / stage / "log.jsonl")
        assert [r["epoch"] for r in log if r["split"] == "validation"] == epochs, stage
    model = PLUGIN.build_model(config["model"])
    from safetensors.torch import load_file

    model.load_state_dict(load_file(out / "model.safetensors"))
    from genhub.plugins.wavenet.sample import generate

    *_, clips = generate(model.eval(), 2, 0.1, 3, None, 1.0, 0, chunk=10**9)
    assert clips.shape == (2, 800) and clips.abs().max() <= 1


def test_the_planner_loss_is_the_gaussian_nll_plus_kl():
    from genhub.plugins.wavenet.planner import MelPlanner
    from genhub.plugins.wavenet.train_planned import planner_loss

    torch.manual_seed(0)
    planner = MelPlanner(mels=40, frames=16, latent=4, channels=16, embed_dim=4)
    plan = torch.randn(3, 40, 16)
    torch.manual_seed(1)
    with torch.no_grad():
        fixed = planner_loss(planner, plan, None, None, sigma=1.0)
    values = 40 * 16
    expected = (0.5 * values * (np.log(2 * np.pi) + fixed["mse"]) + fixed["kl"]) / values
    assert float(fixed["loss"]) == pytest.approx(float(expected), rel=1e-5)
    torch.manual_seed(1)
    with torch.no_grad():
        calibrated = planner_loss(planner, plan, None, None)
    mse = float(calibrated["mse"])
    assert float(calibrated["loss"]) == pytest.approx(
        float((0.5 * values * (np.log(2 * np.pi * mse) + 1) + calibrated["kl"]) / values), rel=1e-5)


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


def test_the_tab_resynthesizes_a_recording_through_the_vocoder(client, data_dir):
    from gradio_client import handle_file

    real = data_dir / "fsdd" / "recordings" / "7_jackson_0.wav"
    heard, said, picture = client.predict(handle_file(str(real)), 1.0, 3, api_name="/wavenet_vocode")
    original, rate = soundfile.read(heard)
    again, _ = soundfile.read(said)
    assert rate == 8000 and len(again) == len(original) == soundfile.info(real).frames
    assert np.abs(original).max() == pytest.approx(0.9, abs=0.01), "the recording, peak-normalized as in training"
    assert np.array_equal(again, soundfile.read(client.predict(handle_file(str(real)), 1.0, 3,
                                                               api_name="/wavenet_vocode")[1])[0]), "seeded"
    from PIL import Image

    assert Image.open(picture).size[1] > 300, "waveform, the recording's plan and the result's"


@pytest.mark.parametrize("name,make,temperature,fragment", [
    ("x.wav", lambda p: p.write_text("hello"), 1.0, "not a readable audio file"),
    ("silent.wav", lambda p: soundfile.write(p, np.zeros(8000, np.float32), 8000), 1.0, "silent"),
    ("tone.wav", lambda p: soundfile.write(p, 0.3 * np.sin(np.arange(8000) / 3.0), 8000), -1.0,
     "Temperature \\(0 = greedy\\) must be a number between 0 and 2; got -1"),
    (None, None, 1.0, "upload or record a clip first"),
])
def test_the_vocoder_refuses_bad_input_clearly(client, tmp_path, name, make, temperature, fragment):
    from gradio_client import handle_file

    clip = None
    if name:
        make(tmp_path / name)
        clip = handle_file(str(tmp_path / name))
    with pytest.raises(Exception, match=fragment):
        client.predict(clip, temperature, 0, api_name="/wavenet_vocode")


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
    from genhub.plugins.wavenet.ui import ANY, judge_reading, vocoder_reading

    test = load_fsdd("test", data_dir)
    three = test.waves[int((test.digits == 3).nonzero()[0])]
    assert judge_reading((8000, pcm16(three)), "3").startswith("Judge: asked 3 → heard **3**, p ")
    assert " ✗." in judge_reading((8000, pcm16(three)), "7")
    silent = judge_reading((8000, pcm16(decode(torch.full((4800,), 128)))), ANY)
    assert silent.startswith("Judge: heard no digit, p ") and "✓" not in silent
    assert judge_reading(None, "3") == ""
    both = vocoder_reading((8000, pcm16(three)), (8000, pcm16(decode(torch.full((4800,), 128)))))
    assert both.startswith("Judge: the recording → heard **3**, p ") and "resynthesized → heard **no digit**" in both
    assert both.split(". ")[0].endswith("✗") and vocoder_reading(None, None) == ""


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
