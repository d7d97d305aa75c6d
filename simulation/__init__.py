"""A calibrated, synthetic history of the PACE network, driven through the real services."""
