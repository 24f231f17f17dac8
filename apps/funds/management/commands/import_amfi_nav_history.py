from apps.funds.importers.history import import_amfi_nav_history

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import an AMFI NAV history report from a path or URL."
    service = staticmethod(import_amfi_nav_history)
