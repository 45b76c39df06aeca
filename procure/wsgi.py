"""WSGI entry point for gunicorn: `gunicorn 'procure.wsgi:app'`."""

import sys

from procure import create_app
from procure.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"Error: {error}", file=sys.stderr)
    # 3 is gunicorn's "worker failed to boot": the arbiter stops instead of respawning.
    sys.exit(3)
