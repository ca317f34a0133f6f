import sys

from kamerkg.cli import main

sys.exit(main())
