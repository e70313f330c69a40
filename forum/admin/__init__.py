"""Administration in the browser: regions, organisations, boards and members."""
