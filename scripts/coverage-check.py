#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sums up gcovr's JSON report of kmod/ and checks that every line no test
reached is listed, with its reason, in coverage-unreachable.txt.

    coverage-check.py COVERAGE.json SRCDIR LIST

The first line printed is the summary: lines, branches (all that gcov
counts, and those of lines with a condition of mmdemo's own), lines not
reached; then every line not reached and not listed, as FILE:LINE
(FUNCTION): TEXT, and every entry of the list that no longer matches the
source.  Exits 1 if there is either.

The list names lines by file, function and text, not by number, so it
survives edits elsewhere in the file:

    = kmod/mmdemo_main.c
    @ mmdemo_init: why no test from userspace reaches these lines
    		ret = -ENOMEM;

A line of text stands for every line of that function with that text
(leading and trailing blanks ignored).  A listed line that a run reached
is fine: some are reached only when a race goes one way.
"""
import json
import re
import sys

# Kernel style: a function's header starts in column 0 and names it just
# before its first "("; nothing inside a body does but "{", "}", labels
# and preprocessor lines.
HEADER = re.compile(r'^[A-Za-z_].*?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(')


# A condition of mmdemo's own: what the branch figure of its own counts.
# Lines without one have branches only inside kernel helpers that expand
# there (test_bit(), this_cpu_add(), tracepoints, for_each_possible_cpu()),
# which no test of the module can steer.
OWN_CONDITION = re.compile(r'\b(if|while|for|switch)\s*\(|\?|&&|\|\|')
HELPER_LOOP = re.compile(r'\bfor_each_\w+\s*\(')


def own_condition(text):
    return bool(OWN_CONDITION.search(text)) and not HELPER_LOOP.search(text)


def functions_of(lines):
    """The function each line (1-based) is in, by the header above it."""
    current, owner = None, [None]
    for text in lines:
        m = HEADER.match(text)
        if m and not text.rstrip().endswith(';'):
            current = m.group(1)
        owner.append(current)
    return owner


def read_list(path):
    """{(file, function): {text: reason}} and its entries in order."""
    entries, listed = [], {}
    file = func = reason = None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if line.startswith('= '):
                file, func = line[2:].strip(), None
            elif line.startswith('@ '):
                func, _, reason = line[2:].partition(':')
                func, reason = func.strip(), reason.strip()
                if not reason:
                    sys.exit(f'{path}:{n}: "@ {func}" gives no reason')
            elif file and func:
                text = line.strip()
                listed.setdefault((file, func), {})[text] = reason
                entries.append((n, file, func, text))
            else:
                sys.exit(f'{path}:{n}: a line before its "= FILE" and "@ FUNCTION: reason"')
    return listed, entries


def main():
    report, srcdir, list_path = sys.argv[1:4]
    with open(report) as f:
        files = json.load(f)['files']
    listed, entries = read_list(list_path)

    lines_total = lines_hit = br_total = br_hit = own_total = own_hit = 0
    missed, unlisted, sources = [], [], {}
    for entry in sorted(files, key=lambda e: e['file']):
        name = 'kmod/' + entry['file'].split('/')[-1]
        with open(f"{srcdir}/{entry['file']}") as f:
            src = f.read().split('\n')
        sources[name] = src
        owner = functions_of(src)
        for ln in entry['lines']:
            if ln['gcovr/noncode'] or ln.get('gcovr/excluded'):
                continue
            lines_total += 1
            taken = sum(1 for b in ln['branches'] if b['count'] > 0)
            br_total += len(ln['branches'])
            br_hit += taken
            if own_condition(src[ln['line_number'] - 1]):
                own_total += len(ln['branches'])
                own_hit += taken
            if ln['count'] > 0:
                lines_hit += 1
                continue
            no = ln['line_number']
            text, func = src[no - 1].strip(), owner[no]
            missed.append(name)
            if text not in listed.get((name, func), {}):
                unlisted.append(f'{name}:{no} ({func}): {text}')

    # Every entry must still name a line of its function.
    stale = []
    for n, file, func, text in entries:
        src = sources.get(file)
        if src is None:
            stale.append(f'{list_path}:{n}: no file {file} in the report')
            continue
        owner = functions_of(src)
        at = [i + 1 for i, t in enumerate(src) if owner[i + 1] == func and t.strip() == text]
        if not at:
            stale.append(f'{list_path}:{n}: no line "{text}" in {func}() of {file}')

    def pct(a, b):
        return f'{100.0 * a / b:.1f}%' if b else 'n/a'

    verdict = 'all listed' if not unlisted else f'{len(unlisted)} of them not listed'
    print(f'kmod/ coverage: lines {pct(lines_hit, lines_total)} ({lines_hit}/{lines_total}), '
          f'branches {pct(br_hit, br_total)} ({br_hit}/{br_total}; '
          f'of its own conditions {pct(own_hit, own_total)}, {own_hit}/{own_total}), '
          f'{len(missed)} lines not reached, {verdict}')
    for u in unlisted:
        print(f'not reached, not in {list_path.split("/")[-1]}: {u}')
    for s in stale:
        print(f'stale entry: {s}')
    return 1 if unlisted or stale else 0


if __name__ == '__main__':
    sys.exit(main())
