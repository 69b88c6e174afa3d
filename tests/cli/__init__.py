"""The command line: exit codes, one-line errors, documented commands."""
