"""``python -m genhub.training PLUGIN [...]``: the same as ``genhub train``; works under torchrun::

    torchrun --nproc-per-node 2 -m genhub.training vae --variant mnist-2d --data-dir ../shared/datasets
"""

from genhub.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["train", *__import__("sys").argv[1:]]))
