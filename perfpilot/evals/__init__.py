"""The evaluation harness: recorded incidents replayed through the real graph and skills, then scored."""
