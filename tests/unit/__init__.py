"""Pure tests: the parser, dates, the working calendar, playbooks, builders and templates; no database, no Slack."""
