"""The model owns its config: a module's constructor arguments, recorded as ``model.config``.

    class VAE(Configurable, nn.Module):
        def __init__(self, latent_dim: int = 2, architecture: str = "mlp", ...) -> None: ...

    VAE(latent_dim=32).config   # {"latent_dim": 32, "architecture": "mlp", ...}: every argument, defaults filled

A released ``config.json``'s ``"model"`` section is this dict, written by the release step
(`genhub.training.release`), never assembled by hand, so ``type(model)(**model.config)`` rebuilds
the architecture the weights file fits. Values are JSON types (tuples become lists); an argument
that JSON cannot hold raises TypeError, naming it, when the model is constructed.

Loading an older ``config.json`` that lists only some arguments still works: the model fills in
the defaults, so its ``model.config`` is then a superset of that section.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

JSONValue = Any
"""None, bool, int, float, str, list of JSONValue or dict of str to JSONValue."""


class Configurable:
    """Mixin: records the constructor's keyword arguments (defaults filled) as ``self.config``.

    Put it before ``nn.Module`` in the bases. The constructor may not take ``*args`` or
    ``**kwargs`` (they could not be rebuilt from a config). When a subclass overrides
    ``__init__``, the outermost constructor's arguments are the ones recorded.
    """

    config: dict[str, JSONValue]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:  # inherits a constructor that already records
            return
        signature = inspect.signature(init)
        for param in signature.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ takes *{param.name}: a Configurable's constructor "
                                "needs named arguments only, so that its config can rebuild it")

        @functools.wraps(init)
        def recording_init(self: Configurable, *args: Any, **kwargs: Any) -> None:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            init(self, *args, **kwargs)
            # Set after init (nn.Module must exist first); an outer subclass's wrapper runs last and wins.
            self.config = {name: to_json(value, f"{cls.__name__}({name}=…)")
                           for name, value in list(bound.arguments.items())[1:]}

        cls.__init__ = recording_init  # type: ignore[method-assign]


def to_json(value: Any, where: str = "value") -> JSONValue:
    """``value`` as JSON types: tuples and lists -> lists, dicts keep their str keys.

    Raises TypeError naming ``where`` for anything else (tensors, devices, functions …).
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [to_json(v, where) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: to_json(v, where) for k, v in value.items()}
    raise TypeError(f"{where}: {type(value).__name__} cannot be stored in config.json; "
                    "pass numbers, strings, booleans, lists or dicts")
