"""Speed and memory of guided-reader, each as a ratio to a floor measured in the same run.

    python scripts/bench.py [--quick] [--json] [--save FILE] [--seed N] [--check] [--from FILE]

Two packs: the bundled essay (small) and a large pack generated from a seed into a temp
folder (guided_reader.devtools.packgen: 500 sections, 1,000,000 words, 10,000 glossary entries
with 3 aliases each, 1,500 prompts; it passes `load_pack` like any real pack and is deleted
afterwards). Every number is a median of repeated runs shown beside a baseline doing the least
work that could produce the same result (an empty Textual app, a Static swapping text, a bare
Input, the C YAML parser, a regex tokeniser, a bare SQLite insert), because bare times say more
about the machine than about the code. Each measure has a target and a pass/miss; `--check`
exits 1 when any target is missed.

`--quick` shrinks the packs and the repeats (under a minute) so `tests/test_bench.py` can run
it on every test run and the script cannot rot; its numbers are not meant to be quoted.

Modules: cli (the plan and the run), results (a measure, statistics, the report), startup
(subprocesses on a pty), keys (key press to paint in a pilot), nav, echo (typing), packs
(load, spot, growth), lookup, saving (the one user of the store's private API).
"""
