"""WaveNet generation speed on CPU at 8 kHz: fast (queued) vs naive (a full pass over the
receptive field per sample), batch 1 and a batch of clips, and the whole pipeline of one clip.

    python -m bench.wavenet_speed [--variant fsdd-mel] [--seconds 1.0] [--naive-samples 400]

Goals: fast ≥ 50× faster than naive; real-time factor (compute seconds per second of audio)
≤ 1 at batch 1 for the whole pipeline (`sample.generate`: a planned variant's plan, then the
samples). A planned variant's rows time its vocoder, told a drawn plan. The naive loop is timed on
``--naive-samples`` samples and scaled (it is linear in the number of samples). The fast
path is compiled by Numba on first use; that one-time cost is reported separately.
Writes bench/results/wavenet_speed.json.
"""

from __future__ import annotations

import argparse
import time

import torch

from bench.report import print_table, write_results
from genhub.plugins.wavenet import PLUGIN
from genhub.plugins.wavenet.generation import draw_uniforms, generate_fast, generate_naive
from genhub.plugins.wavenet.planner import PlannedWaveNet
from genhub.plugins.wavenet.sample import draw_plans, generate
from genhub.plugins.wavenet.variants import SAMPLE_RATE, SILENCE
from genhub.weights import from_pretrained


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", default=PLUGIN.spec().variant)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--naive-samples", type=int, default=400)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    model = from_pretrained(PLUGIN, args.variant).model
    wavenet = model.vocoder if isinstance(model, PlannedWaveNet) else model
    steps = int(args.seconds * SAMPLE_RATE)
    digit, speaker = torch.tensor([3]), torch.tensor([4])

    def plan(batch: int) -> torch.Tensor | None:
        if not isinstance(model, PlannedWaveNet):
            return None
        return draw_plans(model, batch, digit.expand(batch), speaker.expand(batch), 0, None, steps)

    started = time.perf_counter()
    generate_fast(wavenet, torch.full((1, 1), SILENCE), 10, digit, speaker, 1.0, draw_uniforms(1, 10, 0), plan=plan(1))
    compile_s = time.perf_counter() - started
    rows = []
    for batch in (1, args.batch):
        prime = torch.full((batch, 1), SILENCE)
        d, s, told = digit.expand(batch), speaker.expand(batch), plan(batch)
        started = time.perf_counter()
        fast_levels = generate_fast(wavenet, prime, steps, d, s, 1.0, draw_uniforms(batch, steps, 0), plan=told)
        fast = time.perf_counter() - started
        started = time.perf_counter()
        naive_levels = generate_naive(wavenet, prime, args.naive_samples, d, s, 1.0,
                                      draw_uniforms(batch, steps, 0)[:, :args.naive_samples], plan=told)
        naive = (time.perf_counter() - started) * steps / args.naive_samples
        rows.append({"what": f"samples, batch {batch}", "audio_s_per_clip": args.seconds, "fast_s": round(fast, 3),
                     "naive_s_scaled": round(naive, 1), "speedup": round(naive / fast, 1),
                     "real_time_factor": round(fast / (args.seconds * batch), 3),
                     "identical": bool(torch.equal(naive_levels, fast_levels[:, :naive_levels.shape[1]])),
                     "receptive_field": wavenet.receptive_field})
    started = time.perf_counter()
    *_, clip = generate(model, 1, args.seconds, 3, 4, 1.0, 0, chunk=10**9)
    pipeline = time.perf_counter() - started
    rows.append({"what": "whole pipeline, one clip (sample.generate)", "audio_s_per_clip": args.seconds,
                 "fast_s": round(pipeline, 3), "real_time_factor": round(pipeline / args.seconds, 3)})
    print_table(rows)
    meta = {"variant": args.variant, "threads": args.threads, "numba_compile_s_first_call": round(compile_s, 2),
            "parameters": sum(p.numel() for p in model.parameters()),
            "goals": {"speedup": 50, "real_time_factor_batch_1_pipeline": 1.0}}
    print(f"numba compile (first call in this process; cached on disk afterwards): {compile_s:.1f} s")
    print(f"wrote {write_results('wavenet_speed', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
