import sys

from kglink.cli import main

sys.exit(main())
