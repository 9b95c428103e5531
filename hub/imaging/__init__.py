"""Image helpers shared by the image plugins: grids and safe reading of uploads."""
