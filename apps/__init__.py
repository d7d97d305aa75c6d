"""The applications: the `pace` command, the composition root, the demo, the audit tools."""
