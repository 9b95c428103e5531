"""genhub's host: plugin contract, discovery, weights, device, the Gradio app and the CLI.

The hub knows nothing of any one model; everything model-specific lives in a plugin.
"""

__version__ = "0.1.0"
