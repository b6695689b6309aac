"""Re-run a published draw from its files and compare (exit status 1 when anything differs)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.inspections import draw

NAMES = ("commitment.json", "snapshot.json", "parameters.json", "seed.txt", "result.json")


class Command(BaseCommand):
    help = (
        "Verify a double-random draw: check the committed hashes and re-run it. Give the five "
        "published files (commitment.json snapshot.json parameters.json seed.txt result.json, "
        "in any order, recognised by the end of their names) or the folder holding them."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="the files, or one folder")

    def handle(self, *args, files: list[str], **options):
        found = self._files(files)
        try:
            verification = draw.verify(
                commitment_bytes=found["commitment.json"].read_bytes(),
                snapshot_bytes=found["snapshot.json"].read_bytes(),
                parameters_bytes=found["parameters.json"].read_bytes(),
                seed_hex=found["seed.txt"].read_text(encoding="ascii"),
                result_bytes_published=found["result.json"].read_bytes(),
            )
        except (draw.DrawError, UnicodeDecodeError, OSError) as error:
            raise CommandError(_("Cannot verify: %(reason)s") % {"reason": error}) from error
        for name, ok in verification.checks:
            self.stdout.write(f"{'OK  ' if ok else 'FAIL'} {name}")
        if not verification.ok:
            raise CommandError(_("The draw does not verify."), returncode=1)
        self.stdout.write(self.style.SUCCESS(_("The draw verifies: same selection.")))

    def _files(self, arguments: list[str]) -> dict[str, Path]:
        paths = [Path(argument) for argument in arguments]
        if len(paths) == 1 and paths[0].is_dir():
            paths = sorted(paths[0].iterdir())
        found: dict[str, Path] = {}
        for path in paths:
            for name in NAMES:
                if path.name.endswith(name):
                    found[name] = path
        missing = [name for name in NAMES if name not in found]
        if missing:
            raise CommandError(_("Missing: %(names)s") % {"names": ", ".join(missing)})
        return found
