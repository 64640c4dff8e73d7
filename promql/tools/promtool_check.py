#!/usr/bin/env python3
"""Checks the expectations of promql/src/test/resources/promqltest/*.test against a real Prometheus.

Each eval becomes a `promtool test rules` case over the same series (promtool 2.42 from Debian's
`prometheus` package); promtool is made to print what it got, and that is compared with the script's
expected lines (relative tolerance 1e-6, NaN equals NaN). Range evals are checked step by step.
Matrix results of instant evals cannot be checked (promtool only evaluates vectors and scalars).
promtool only sees samples up to the evaluation time, so evals whose block has the comment
"# sees future samples" (negative offsets, @ later than the eval time) are skipped.

usage: promtool_check.py [--show|--fill] FILE.test...
  --show   print promtool's result for every eval
  --fill   replace an expected line "?" (vector) or "?s" (scalar) with promtool's result
"""
import math
import os
import re
import subprocess
import sys
import tempfile

DUR = re.compile(r'(\d+)(ms|y|w|d|h|m|s)')
UNIT = {'ms': 1, 's': 1000, 'm': 60000, 'h': 3600000, 'd': 86400000, 'w': 604800000, 'y': 31536000000}


def dur(s):
    if re.fullmatch(r'-?\d+', s):
        return int(s) * 1000
    total, pos = 0, 0
    for m in DUR.finditer(s):
        if m.start() != pos:
            raise ValueError('bad duration ' + s)
        total += int(m.group(1)) * UNIT[m.group(2)]
        pos = m.end()
    if pos != len(s):
        raise ValueError('bad duration ' + s)
    return total


def fmt_dur(ms):
    if ms % 1000 == 0:
        return '%ds' % (ms // 1000)
    return '%dms' % ms


def num(tok):
    l = tok.lower()
    if l == 'nan':
        return float('nan')
    if l in ('inf', '+inf'):
        return float('inf')
    if l == '-inf':
        return float('-inf')
    return float(tok)


def expand(s):
    out = []
    for tok in s.split():
        m = re.fullmatch(r'(.+?)x(\d+)', tok)
        if m and not tok.startswith('0x'):
            base, n = m.group(1), int(m.group(2))
            if base == '_':
                out += [None] * n
                continue
            op = -1
            for k in range(1, len(base)):
                if base[k] in '+-' and base[k - 1] not in 'eE':
                    op = k
            if op > 0:
                a, b = num(base[:op]), num(base[op + 1:])
                if base[op] == '-':
                    b = -b
            else:
                a, b = num(base), 0.0
            out += [a + b * k for k in range(n + 1)]
        elif tok == '_':
            out.append(None)
        elif tok == 'stale':
            out.append('stale')
        else:
            out.append(num(tok))
    return out


def split_series(s):
    i = s.rfind('}')
    if i >= 0:
        return s[:i + 1].strip(), s[i + 1:].strip()
    parts = s.split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else '')


def norm_labels(sel):
    """Canonical {k="v", ...} string for a series selector like foo{a="b"} or {a="b"}."""
    sel = sel.strip()
    name = ''
    body = ''
    if '{' in sel:
        name = sel[:sel.index('{')]
        body = sel[sel.index('{') + 1:sel.rindex('}')]
    else:
        name = sel
    pairs = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"', body)
    d = dict(pairs)
    if name:
        d['__name__'] = name
    return '{' + ', '.join('%s="%s"' % (k, d[k]) for k in sorted(d)) + '}'


def parse(path):
    cmds = []
    lines = open(path).read().split('\n')
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        no = i + 1
        i += 1
        if not line or line.startswith('#'):
            continue
        if line == 'clear':
            cmds.append(('clear',))
            continue
        if line.startswith('load '):
            interval = dur(line[5:].strip())
            series = []
            while i < len(lines) and (lines[i] == '' or lines[i][0] in ' \t'):
                s = lines[i].strip()
                i += 1
                if not s or s.startswith('#'):
                    continue
                sel, vals = split_series(s)
                series.append((sel, expand(vals)))
            cmds.append(('load', interval, series))
            continue
        if line.startswith('eval'):
            kind, rest = line.split(None, 1)
            exp = []
            scalar = None
            while i < len(lines) and (lines[i] == '' or lines[i][0] in ' \t'):
                s = lines[i].strip()
                i += 1
                if s == '# sees future samples':
                    exp.append(('future', 0))
                    continue
                if s.startswith('error: '):
                    exp.append(('error', s[len('error: '):]))
                    continue
                if not s or s.startswith('#'):
                    continue
                if s in ('?', '?s'):
                    exp.append((s, i - 1))
                    continue
                if '{' not in s and len(s.split()) == 1:
                    try:
                        scalar = num(s)
                        continue
                    except ValueError:
                        pass
                sel, vals = split_series(s)
                exp.append((norm_labels(sel), expand(vals)))
            if rest.startswith('instant at '):
                t, expr = rest[len('instant at '):].split(None, 1)
                cmds.append(('eval', no, kind, expr, [dur(t)], exp, scalar))
            else:
                m = re.match(r'range from (\S+) to (\S+) step (\S+) (.*)', rest)
                start, end, step = dur(m.group(1)), dur(m.group(2)), dur(m.group(3))
                if kind == 'eval_fail':
                    continue  # bad range parameters are an API matter promtool cannot check
                cmds.append(('eval', no, kind, m.group(4), list(range(start, end + 1, step)), exp, scalar))
    return cmds


def yq(s):
    return "'" + s.replace("'", "''") + "'"


def fmt_val(v):
    if v is None:
        return '_'
    if v == 'stale':
        return 'stale'
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Inf' if v > 0 else '-Inf'
    return repr(v)


def fmt_num(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return '+Inf' if v > 0 else '-Inf'
    r = repr(v)
    return r[:-2] if r.endswith('.0') else r


def series_text(lbl):
    """{__name__="a", b="c"} -> a{b="c"}"""
    pairs = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', lbl)
    name = ''
    rest = []
    for k, v in pairs:
        if k == '__name__':
            name = v
        else:
            rest.append('%s="%s"' % (k, v))
    return name + '{' + ', '.join(rest) + '}'


def run(path, show, fill=False):
    cmds = parse(path)
    loads = []
    cases = []  # (line, kind, expr, t, expected-dict or scalar, step index)
    groups = []
    for c in cmds:
        if c[0] == 'clear':
            loads = []
        elif c[0] == 'load':
            loads.append(c)
        else:
            _, no, kind, expr, times, exp, scalar = c
            # merge all loads at the gcd interval
            g = 0
            for l in loads:
                g = math.gcd(g, l[1])
            g = g or 60000
            series = {}
            for l in loads:
                for sel, vals in l[2]:
                    key = norm_labels(sel)
                    arr = series.setdefault(key, (sel, {}))[1]
                    for k, v in enumerate(vals):
                        if v is not None:
                            arr[k * l[1] // g] = v
            for si, t in enumerate(times):
                inputs = []
                for key, (sel, pts) in series.items():
                    n = max(pts) + 1 if pts else 0
                    inputs.append((sel, ' '.join(fmt_val(pts.get(k)) for k in range(n))))
                groups.append((g, inputs, expr, t))
                cases.append((no, kind, expr, t, exp, scalar, si, len(times) > 1))
    if not groups:
        return 0
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        f.write('evaluation_interval: 1m\ntests:\n')
        for g, inputs, expr, t in groups:
            f.write('  - interval: %s\n    input_series:\n' % fmt_dur(g))
            for sel, vals in inputs:
                if vals:
                    f.write('      - series: %s\n        values: %s\n' % (yq(sel), yq(vals)))
            if not inputs:
                f.write('      []\n')
            f.write('    promql_expr_test:\n      - expr: %s\n        eval_time: %s\n' % (yq(expr), fmt_dur(t)))
            f.write("        exp_samples:\n          - labels: '{__never__=\"1\"}'\n            value: 0\n")
        name = f.name
    out = subprocess.run(['promtool', 'test', 'rules', name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    os.unlink(name)
    blocks = re.split(r'\n    expr: ', out)[1:]
    if len(blocks) != len(cases):
        print('%s: could not match promtool output (%d blocks, %d cases)' % (path, len(blocks), len(cases)))
        print(out[:3000])
        return 1
    bad = 0
    fills = {}  # line index of "?" -> list of replacement lines
    results = {}
    for case, block in zip(cases, blocks):
        no, kind, expr, t, exp, scalar, si, is_range = case
        m = re.search(r', err: (.*)', block.split('\n')[0])
        err = m.group(1) if m else None
        got = {}
        gm = re.search(r'\n\s+got: (.*)', block)
        if gm and gm.group(1).strip() != 'nil':
            for lm in re.finditer(r'(\{[^}]*\}) (\S+?)(?:,|$)', gm.group(1)):
                got[lm.group(1)] = num(lm.group(2))
        where = '%s:%d %s @%s' % (os.path.basename(path), no, expr, fmt_dur(t))
        marker = [e for e in exp if e[0] in ('?', '?s')]
        if marker:
            results.setdefault(marker[0][1], []).append((err, got, marker[0][0] == '?s'))
            continue
        if any(e[0] == 'future' for e in exp):
            continue
        if show:
            print(where, '=>', ('ERROR ' + err) if err else got)
            continue
        if kind == 'eval_fail':
            if err is None:
                print('MISMATCH %s: expected failure, prometheus got %s' % (where, got))
                bad += 1
            for e in exp:
                if e[0] == 'error' and e[1] != err:
                    print('MISMATCH %s:\n   want error %s\n   prom error %s' % (where, e[1], err))
                    bad += 1
            continue
        if err is not None:
            if 'not a vector or scalar' in err:
                continue
            print('MISMATCH %s: prometheus failed: %s' % (where, err))
            bad += 1
            continue
        want = {}
        if scalar is not None:
            want['{}'] = scalar
        for lbl, vals in exp:
            if lbl in ('future', 'error'):
                continue
            v = vals[si] if si < len(vals) else None
            if v is not None:
                want[lbl] = v
        if set(want) != set(got) or any(not close(want[k], got[k]) for k in want):
            print('MISMATCH %s:\n   want %s\n   prom %s' % (where, want, got))
            bad += 1
    if fill and results:
        lines = open(path).read().split('\n')
        for idx in sorted(results, reverse=True):
            steps = results[idx]
            if steps[0][0] is not None:
                print('FILL %s:%d prometheus failed: %s' % (path, idx + 1, steps[0][0]))
                lines[idx:idx + 1] = ['    # prometheus error: ' + steps[0][0]]
                continue
            if len(steps) == 1:
                got = steps[0][1]
                if list(got) == ['{}'] and steps[0][2]:
                    new = ['    ' + fmt_num(got['{}'])]
                else:
                    new = ['    %s %s' % (series_text(k), fmt_num(v)) for k, v in sorted(got.items())]
            else:
                keys = sorted({k for _, g, _ in steps for k in g})
                new = ['    %s %s' % (series_text(k), ' '.join(fmt_num(g[k]) if k in g else '_' for _, g, _ in steps))
                       for k in keys]
            lines[idx:idx + 1] = new
        open(path, 'w').write('\n'.join(lines))
    elif results:
        print('%s: %d evals have "?" expectations (run with --fill)' % (path, len(results)))
    return bad


def close(a, b):
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    d = abs(a - b)
    if a == 0 or b == 0:
        return d < 1e-300
    return d / (abs(a) + abs(b)) < 1e-6


if __name__ == '__main__':
    show = '--show' in sys.argv
    fill = '--fill' in sys.argv
    files = [a for a in sys.argv[1:] if not a.startswith('--')]
    total = sum(run(p, show, fill) for p in files)
    print('mismatches:', total)
    sys.exit(1 if total else 0)
