"""Pictures of a turn: the animation, the truth-versus-model strip and the latent path."""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
from genhub.imaging.grid import to_pil
from PIL import Image, ImageOps

BEYOND = (200, 40, 40)
"""Border colour of frames past the training horizon."""
INSIDE = (60, 60, 60)


def _pair(truth: torch.Tensor, model: torch.Tensor, scale: int, beyond: bool) -> Image.Image:
    """Two (1, 28, 28) frames side by side, enlarged, framed red when ``beyond`` the horizon."""
    pair = torch.cat([truth, torch.full_like(truth[..., :2], 0.3), model], dim=2)
    image = to_pil(pair, scale).convert("RGB")
    return ImageOps.expand(image, border=scale, fill=BEYOND if beyond else INSIDE)


def animation(truth: torch.Tensor, model: torch.Tensor, times: torch.Tensor, horizon: int, scale: int,
              folder: Path, frame_ms: int = 120) -> Path:
    """Frames (F, 1, 28, 28) in [0, 1] of the truth and the model -> a looping GIF in ``folder``,
    ``frame_ms`` milliseconds a frame; frames at ``times`` ≥ ``horizon`` framed in red."""
    pictures = [_pair(truth[f], model[f], scale, float(times[f]) >= horizon) for f in range(len(times))]
    handle = tempfile.NamedTemporaryFile(suffix=".gif", dir=folder, delete=False)
    handle.close()
    pictures[0].save(handle.name, save_all=True, append_images=pictures[1:], duration=frame_ms, loop=0,
                     optimize=False)
    return Path(handle.name)


def comparison_strip(truth: torch.Tensor, model: torch.Tensor, times: torch.Tensor, horizon: int,
                     scale: int) -> Image.Image:
    """Frames (F, 1, 28, 28): the truth in the top row, the model below, one column per time;
    columns at ``times`` ≥ ``horizon`` framed in red."""
    columns = []
    for f in range(len(times)):
        column = torch.cat([truth[f], torch.full_like(truth[f][:, :2], 0.3), model[f]], dim=1)
        columns.append(ImageOps.expand(to_pil(column, scale).convert("RGB"), border=max(1, scale // 2),
                                       fill=BEYOND if float(times[f]) >= horizon else INSIDE))
    width = sum(c.width for c in columns)
    strip = Image.new("RGB", (width, columns[0].height))
    x = 0
    for column in columns:
        strip.paste(column, (x, 0))
        x += column.width
    return strip


def trajectory_figure(states: torch.Tensor, times: torch.Tensor, horizon: int):
    """Latent states (F, D) at ``times`` -> a matplotlib figure of their path in the plane of the
    path's first two principal components, coloured by time, the horizon marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    centred = states - states.mean(0)
    if len(states) > 1:
        _, _, basis = torch.linalg.svd(centred, full_matrices=False)
        plane = centred @ basis[:2].T
    else:
        plane = torch.zeros(1, 2)
    if plane.shape[1] < 2:
        plane = torch.cat([plane, torch.zeros(len(plane), 1)], dim=1)
    figure = Figure(figsize=(4.8, 4.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    x, y = plane[:, 0].numpy(), plane[:, 1].numpy()
    axes.plot(x, y, color="0.75", linewidth=1, zorder=1)
    dots = axes.scatter(x, y, c=times.numpy(), cmap="viridis", s=22, zorder=2)
    beyond = (times >= horizon).numpy()
    if beyond.any():
        axes.scatter(x[beyond], y[beyond], facecolors="none", edgecolors="tab:red", s=60, linewidths=1,
                     zorder=3, label=f"past the horizon (t ≥ {horizon})")
        axes.legend(loc="best", fontsize=8)
    figure.colorbar(dots, ax=axes, label="t (frames)")
    axes.set_xlabel("principal component 1")
    axes.set_ylabel("principal component 2")
    axes.set_aspect("equal", adjustable="datalim")
    return figure
