"""The shared language of the PACE network: events, envelope, subjects, classification."""
