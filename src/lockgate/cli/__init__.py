"""The command line: flags -> Settings -> API -> rendering. The only place that prints."""
