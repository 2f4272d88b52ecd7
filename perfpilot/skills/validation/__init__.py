"""performance-validator: before/after against the targets, share met, and ROI."""
