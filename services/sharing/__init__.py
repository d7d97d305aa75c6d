"""The sharing service: each shareable event, minimised and pseudonymised, to the hub."""
