"""Training entry points shared by every plugin: data, the fit loop, checkpoints, logs.

``genhub train PLUGIN`` and ``python -m genhub.training PLUGIN`` are the same command; under
``torchrun --nproc-per-node N -m genhub.training PLUGIN`` it trains data-parallel (`fit` wraps the model
in DistributedDataParallel; `train_adversarial` averages gradients itself).
"""
