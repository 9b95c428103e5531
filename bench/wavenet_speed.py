"""WaveNet generation speed on CPU at 8 kHz: fast (queued) vs naive (a full pass over the
receptive field per sample), batch 1 and a batch of clips.

    python -m bench.wavenet_speed [--seconds 1.0] [--naive-samples 400]

Goals: fast ≥ 50× faster than naive; real-time factor (compute seconds per second of audio)
≤ 1 at batch 1 with a receptive field ≥ 1,024 samples. The naive loop is timed on
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
from genhub.plugins.wavenet.variants import SAMPLE_RATE, SILENCE
from genhub.weights import from_pretrained


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--naive-samples", type=int, default=400)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    model = from_pretrained(PLUGIN).model
    steps = int(args.seconds * SAMPLE_RATE)
    digit, speaker = torch.tensor([3]), torch.tensor([4])
    started = time.perf_counter()
    generate_fast(model, torch.full((1, 1), SILENCE), 10, digit, speaker, 1.0, draw_uniforms(1, 10, 0))
    compile_s = time.perf_counter() - started
    rows = []
    for batch in (1, args.batch):
        prime = torch.full((batch, 1), SILENCE)
        d, s = digit.expand(batch), speaker.expand(batch)
        started = time.perf_counter()
        generate_fast(model, prime, steps, d, s, 1.0, draw_uniforms(batch, steps, 0))
        fast = time.perf_counter() - started
        started = time.perf_counter()
        generate_naive(model, prime, args.naive_samples, d, s, 1.0, draw_uniforms(batch, args.naive_samples, 0))
        naive = (time.perf_counter() - started) * steps / args.naive_samples
        rows.append({"batch": batch, "audio_s_per_clip": args.seconds, "fast_s": round(fast, 3),
                     "naive_s_scaled": round(naive, 1), "speedup": round(naive / fast, 1),
                     "real_time_factor": round(fast / (args.seconds * batch), 3),
                     "receptive_field": model.receptive_field})
    print_table(rows)
    meta = {"threads": args.threads, "numba_compile_s_first_call": round(compile_s, 2),
            "goals": {"speedup": 50, "real_time_factor_batch_1": 1.0}}
    print(f"numba compile (first call in this process; cached on disk afterwards): {compile_s:.1f} s")
    print(f"wrote {write_results('wavenet_speed', rows, meta)}")
    return rows


if __name__ == "__main__":
    main()
