"""Audio helpers shared by audio plugins: reading uploads safely, pictures of waveforms."""
