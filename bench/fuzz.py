#!/usr/bin/env python3
"""Fuzz `check` with many more examples than the test suite runs.

    python bench/fuzz.py [--examples 2000] [--full 100] [--seed N]

Each example is one annotation file (real, mutated, wrong types, unknown
fields, odd Unicode, huge strings, deep nesting, aliases, tags, random bytes;
see tests/fuzz_inputs.py) given to the loader and both check phases in this
process, one file at a time (~5 ms each); `--full` more examples go through
`build.main(["check", ...])` on a copy of annotations/ (~170 ms each), and
`--full` fuzzed front-matter pages through it on a copy of content/.

Prints how many examples were tried, how many problems of each kind they
gave, the slowest example and its time, and the number of tracebacks and
unlocated lines: 0, or the first failing example (shrunk by Hypothesis) and
exit status 1.
"""
from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fuzz_inputs import (KINDS, StageRunner, annotation_file, front_matter_page, placed,  # noqa: E402
                         problem_kinds, rewrite, run_check, unlocated_lines)


class Tally:
    def __init__(self) -> None:
        self.tried = 0
        self.kinds: collections.Counter[str] = collections.Counter()
        self.slowest = (0.0, b"")
        self.clean = 0

    def add(self, data: bytes, output: str, seconds: float, warm: bool) -> None:
        self.tried += 1
        kinds = problem_kinds(output)
        self.kinds.update(kinds)
        self.clean += not kinds
        if warm and seconds > self.slowest[0]:  # a phase's first example pays for imports and caches
            self.slowest = (seconds, data)


def hunt(name: str, examples: int, random_seed: int | None, strategy, run, tally: Tally) -> bool:
    """Run `examples` examples; True if none failed. A failure is shrunk and printed."""
    if examples <= 0:
        return True

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(example=strategy)
    def one(example) -> None:
        started = time.perf_counter()
        output = run(example)
        tally.add(example[1] if isinstance(example, tuple) else example, output, time.perf_counter() - started,
                  warm=tally.tried > first_of_phase)
        assert "Traceback" not in output, output
        unlocated = unlocated_lines(output)
        assert not unlocated, f"unlocated lines: {unlocated[:3]}"

    first_of_phase = tally.tried
    if random_seed is not None:
        one = seed(random_seed)(one)
    print(f"{name}: {examples} examples …", flush=True)
    try:
        one()
    except Exception:  # the shrunk example and its traceback, then carry on to the figures
        print(f"FAILED in {name}:", file=sys.stderr)
        traceback.print_exc()
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="loader + check phases, one file each")
    parser.add_argument("--full", type=int, default=100, help="through build.main, for annotations and for pages")
    parser.add_argument("--seed", type=int, help="Hypothesis seed, to repeat a run")
    args = parser.parse_args(argv)

    tally = Tally()
    ok = True
    with tempfile.TemporaryDirectory() as temp:
        stage_folder = Path(temp) / "stage"
        stage_folder.mkdir()
        for name in ("categories.yml", "coverage.yml", "sources.yml"):
            shutil.copy(ROOT / "annotations" / name, stage_folder)
        stage = StageRunner(stage_folder)
        pairs = st.sampled_from(KINDS).flatmap(lambda kind: st.tuples(st.just(kind), annotation_file(kind)))
        ok &= hunt("loader + check phases", args.examples, args.seed, pairs, lambda pair: stage.run(*pair), tally)

        annotations = Path(temp) / "annotations"
        shutil.copytree(ROOT / "annotations", annotations)

        def full_annotations(pair) -> str:
            with placed(annotations, *pair):
                status, output = run_check(["--annotations", str(annotations)])
            assert status in (0, 1), status
            return output

        ok &= hunt("build.py check, annotations", args.full, args.seed, pairs, full_annotations, tally)

        content = Path(temp) / "content"
        shutil.copytree(ROOT / "content", content)
        page = content / "pages" / "about.md"
        original = page.read_bytes()

        def full_page(data: bytes) -> str:
            rewrite(page, data)
            try:
                status, output = run_check(["--content", str(content)])
            finally:
                rewrite(page, original)
            assert status in (0, 1), status
            return output

        ok &= hunt("build.py check, front matter", args.full, args.seed, front_matter_page(), full_page, tally)

    print(f"\nexamples tried: {tally.tried} ({tally.clean} without problems)")
    print(f"problems: {sum(tally.kinds.values())}, by kind:")
    for kind, count in tally.kinds.most_common(40):
        print(f"  {count:6d}  {kind}")
    if len(tally.kinds) > 40:
        print(f"  … and {len(tally.kinds) - 40} rarer kinds")
    seconds, data = tally.slowest
    print(f"slowest example: {seconds * 1000:.0f} ms ({len(data)} bytes: {data[:60]!r}…)")
    print(f"tracebacks and unlocated lines: {0 if ok else 'see FAILED above'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
