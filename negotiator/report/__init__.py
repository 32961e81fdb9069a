"""Reports: one view model for Markdown and HTML, CSV, JSON, terminal text, charts."""
