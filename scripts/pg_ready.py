"""Exit 0 when the PostgreSQL server of the URL answers (used by `make test-postgres`)."""

import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

url = sys.argv[1]
params = conninfo_to_dict(url)
params["dbname"] = "postgres"  # the project's database may not exist yet
try:
    psycopg.connect(make_conninfo(**params), connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
