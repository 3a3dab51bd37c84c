"""The app's settings, with the framework floor's endpoint beside its addresses (`floor`)."""

from salespipe.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench.floor"
