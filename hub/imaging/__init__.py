"""Image helpers shared by the image plugins: grids, safe reading of uploads, digit framing."""
