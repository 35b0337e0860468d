"""Which databases the tests run on: SQLite always, PostgreSQL too when TEST_DATABASE_URL names one."""

import os

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
