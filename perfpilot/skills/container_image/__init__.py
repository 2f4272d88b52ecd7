"""container-image-optimizer: Dockerfile lint with image-size and build-time impact, and a rewrite."""
