"""The real public data the tests replay (../shared/data, beside the repository; runtime code never reads it).

The suite needs it: a missing file fails the test that wanted it (and the run stops at start-up when the
folder is missing altogether, see the root conftest), so no test passes by quietly not running."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests replay the real data in ../shared/data", pytrace=False)
    return path
