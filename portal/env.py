"""The one place that reads the process environment.

Every setting that differs between machines comes from an environment variable read here, with the
default that suits a developer's laptop. README.md lists each variable; keep the two in step.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A `.env` file beside manage.py is read when present, so a developer can keep local overrides
# out of their shell profile. Real environment variables win over the file.
_dotenv = BASE_DIR / ".env"
if _dotenv.is_file():
    env.read_env(str(_dotenv), overwrite=False)

DEFAULT_CACHE_DIR = Path(env.str("XDG_CACHE_HOME", default=str(Path.home() / ".cache")))
