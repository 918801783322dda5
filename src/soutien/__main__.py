import sys

from soutien.cli import main

sys.exit(main())
