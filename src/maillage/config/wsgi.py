import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.config.settings.prod")
application = get_wsgi_application()

# What is loaded by now (Django, the apps and their modules) lives as long as the process: keep it
# out of the garbage collector's full collections, which would otherwise walk it again every few
# dozen requests and add ≈170 ms to whichever request triggers one (the implementation plan's
# tail in bench/RESULTS.md). With gunicorn's --preload, this also keeps those pages shared
# between the workers.
gc.freeze()
