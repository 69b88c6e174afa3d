"""Reports, charts and notebook display."""
