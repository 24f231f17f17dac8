"""Settings shared by every environment, one module per concern. Everything secret or host-specific comes
from the environment (django-environ; `.env` is read if present). dev.py and test.py add the demo
(demo.py); prod.py adds what only production needs."""

from .api import *  # noqa: F403
from .data import *  # noqa: F403
from .django import *  # noqa: F403
from .domain import *  # noqa: F403
from .environment import BASE_DIR, env  # noqa: F401
from .gateways import *  # noqa: F403
from .identity import *  # noqa: F403
from .observability import *  # noqa: F403
from .sandbox import *  # noqa: F403
from .tasks import *  # noqa: F403
from .tenancy import *  # noqa: F403

# isort: split
# last: it extends the lists and dicts above, and sets the database routers
from .operations import *  # noqa: F403
