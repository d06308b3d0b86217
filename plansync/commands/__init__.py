"""One module per subcommand; each defines `command` and stays a thin shell over the core."""
