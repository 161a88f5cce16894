#!/usr/bin/env python3
"""kb's command line: python manage.py --help"""

import sys

from kb.cli import main

if __name__ == "__main__":
    sys.exit(main())
