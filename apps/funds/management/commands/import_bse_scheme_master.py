from apps.funds.importers.bse_master import import_bse_scheme_master

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import BSE StAR MF's pipe-separated scheme master (BSE codes, minimums, allowed operations)."
    source_help = "path (or http(s) URL) of the scheme master file"
    service = staticmethod(import_bse_scheme_master)
    # where this installation takes BSE's file from: the sandbox BSE's in sandbox mode
    source_setting = "FUNDS_BSE_SCHEME_MASTER_URL"
