"""Trajectory: development plan, training, jobs, parent involvement, completion."""
