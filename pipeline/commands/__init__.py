"""One module per ``bulletins`` subcommand; see ``pipeline.cli``."""
