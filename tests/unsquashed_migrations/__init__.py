"""The migrations as they were before the squash (decision 012), kept as a fixture: a database
migrated with them must end identical to one migrated with the squashed line
(tests/core/test_squashed_migrations.py). Delete this package once the squashed line has
migrations of its own that the old one lacks, or keep it in step with them."""
