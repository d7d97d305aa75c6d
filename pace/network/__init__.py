"""The cross-border network: the partners registry, sharing with the hub, the hub itself."""
