"""Each distributor's drop folder: registrars' mails land there as files (RECON_DROP_ROOT/<schema>/).
A scan imports each file and moves it to done/ or, refused, to refused/ beside a note of the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from apps.orders.gateways.identity import secret_open
from apps.reconciliation.feeds.containers import FeedRefused
from apps.reconciliation.models import ReconciliationSettings, RtaFeed
from apps.reconciliation.services.imports import feed_import


@dataclass
class DropFolderResult:
    imported: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def drop_folder_path() -> Path:
    return Path(settings.RECON_DROP_ROOT) / connection.schema_name


def _password() -> str:
    row = ReconciliationSettings.objects.filter(singleton=True).first()
    return (secret_open(row.feed_zip_password_encrypted) or "") if row else ""


def _move(path: Path, folder: str) -> Path:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    counter = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{counter}{path.suffix}"
        counter += 1
    return path.rename(target)


def drop_folder_scan() -> DropFolderResult:
    folder = drop_folder_path()
    result = DropFolderResult()
    if not folder.is_dir():
        return result
    password = _password()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            feed_import(content=path.read_bytes(), filename=path.name, password=password,
                        source=RtaFeed.Source.DROP_FOLDER)  # fmt: skip
        except FeedRefused as exc:
            moved = _move(path, "refused")
            moved.with_name(moved.name + ".reason.txt").write_text(f"{exc.code}: {exc.message}\n")
            result.refused.append(f"{path.name}: {exc.message}")
        else:
            _move(path, "done")
            result.imported.append(path.name)
    return result
