"""Web pages for partner staff (over the partner's NATS) and the coordinator (over the hub's)."""
