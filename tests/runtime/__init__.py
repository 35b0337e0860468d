"""The processes around the app: the CLI, serve and its worker, the intake, migrations, settings, docs and bench."""
