#!/usr/bin/env python3
"""Prints each call's weight at its worst case as a multiple of transfer_keep_alive's.

    scripts/weight-ratios.py [--markdown] <pallet weights.rs> <balances reference weights.rs> [name=value ...]

Components take their benchmarked maximum unless given as name=value. Database weights are
RocksDB's (25 us a read, 100 us a write), as in the runtime. `--markdown` prints the rows of the
pallet READMEs' "Measured weights" tables (call, worst case, ref time, proof size, ratio).
"""
import re
import sys

READ, WRITE = 25_000_000, 100_000_000


def parse(path, impl_marker):
    """{name: (component maxima from the doc comments, body)} of the impl after `impl_marker`."""
    text = open(path).read()
    body = text[text.find(impl_marker):]
    out = {}
    ranges = {}
    lines = body.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        if i > 0 and line.startswith('impl '):
            break  # the next impl (the `()` one) repeats the functions without the docs
        r = re.search(r"component `(\w+)` is `\[(\d+), (\d+)\]`", line)
        if r:
            ranges[r.group(1)] = int(r.group(3))
        f = re.match(r"\s*fn (\w+)\(", line)
        if f:
            code = []
            i += 1
            while i < len(lines) and not re.match(r"^\t\}", lines[i]):
                code.append(lines[i])
                i += 1
            out[f.group(1)] = (ranges, '\n'.join(code))
            ranges = {}
        i += 1
    return out


def evaluate(code, components):
    num = lambda s: int(s.replace('_', ''))
    total = 0
    proof = 0
    base = re.search(r"Weight::from_parts\(([\d_]+), ([\d_]+)\)", code)
    total += num(base.group(1)); proof += num(base.group(2))
    for slope, comp in re.findall(r"from_parts\(([\d_]+), 0\)\.saturating_mul\((\w+)\.into\(\)\)", code):
        total += num(slope) * components.get(comp, 0)
    for slope, comp in re.findall(r"from_parts\(0, ([\d_]+)\)\.saturating_mul\((\w+)\.into\(\)\)", code):
        proof += num(slope) * components.get(comp, 0)
    for n in re.findall(r"\.reads\(([\d_]+)(?:_u64)?\)", code):
        total += num(n) * READ
    for n in re.findall(r"\.writes\(([\d_]+)(?:_u64)?\)", code):
        total += num(n) * WRITE
    for slope, comp in re.findall(r"\.reads\(\(([\d_]+)_u64\)\.saturating_mul\((\w+)\.into\(\)\)\)", code):
        total += num(slope) * components.get(comp, 0) * READ
    for slope, comp in re.findall(r"\.writes\(\(([\d_]+)_u64\)\.saturating_mul\((\w+)\.into\(\)\)\)", code):
        total += num(slope) * components.get(comp, 0) * WRITE
    return total, proof


def main():
    args = sys.argv[1:]
    markdown = '--markdown' in args
    args = [a for a in args if a != '--markdown']
    pallet, reference = args[0], args[1]
    overrides = dict(a.split('=') for a in args[2:])
    ref = parse(reference, 'impl<T: frame_system::Config>')['transfer_keep_alive']
    ref_time, _ = evaluate(ref[1], {})
    print(f"transfer_keep_alive: {ref_time / 1e6:.1f} us")
    if markdown:
        print("| Call | Worst case | Ref time | Proof size | × transfer_keep_alive |")
        print("|---|---|---|---|---|")
    for name, (ranges, code) in parse(pallet, 'impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T>').items():
        components = {k: int(overrides.get(k, v)) for k, v in ranges.items()}
        time, proof = evaluate(code, components)
        shown = ', '.join(f"{k}={v}" for k, v in components.items())
        if markdown:
            print(f"| `{name}` | {shown or '—'} | {time / 1e6:.1f} µs | {proof:,} B | {time / ref_time:.2f} |")
        else:
            print(f"{name}({shown}): {time / 1e6:.1f} us, proof {proof} B, {time / ref_time:.2f}x")


if __name__ == '__main__':
    main()
