"""The partner web app's routers: families, childcare, trajectories and the JSON API."""
