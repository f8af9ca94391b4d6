"""What every command shares: its click settings."""

#: `-h` as well as `--help`; help laid out up to 100 columns on wide terminals.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
