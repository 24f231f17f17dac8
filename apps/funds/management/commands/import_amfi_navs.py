from apps.funds.importers.amfi import import_amfi_navs

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import AMFI's daily NAVAll file (6- or 8-column layout) from a path or URL."
    service = staticmethod(import_amfi_navs)
