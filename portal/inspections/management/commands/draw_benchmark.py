"""A draw over a large synthetic province: time and peak memory of the draw and of its
verification (targets for 1,000,000 subjects and 5,000 inspectors: ≤ 10 s, ≤ 1 GB)."""

import platform

from django.core.management.base import BaseCommand

from portal.inspections.benchmark import run_benchmark


class Command(BaseCommand):
    help = "Benchmark the double-random draw and its verification on synthetic data."

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=1_000_000)
        parser.add_argument("--inspectors", type=int, default=5_000)
        parser.add_argument("--conflicts", type=int, default=3, help="declared per inspector")
        parser.add_argument("--seed", default="benchmark", help="text the data is drawn from")

    def handle(self, *args, subjects, inspectors, conflicts, seed, **options):
        self.stdout.write(
            f"machine: {platform.processor() or platform.machine()}, Python "
            f"{platform.python_version()}"
        )
        run_benchmark(
            subjects=subjects,
            inspectors=inspectors,
            conflicts=conflicts,
            seed=seed.encode(),
            write=self.stdout.write,
        )
