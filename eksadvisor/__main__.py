import sys

from eksadvisor.cli import main

sys.exit(main())
