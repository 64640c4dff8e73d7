// A line chart of a range query's matrix in SVG: axes, one path per series, a legend, the values under the
// pointer, stacking, and zoom by dragging across the plot.

import {el, formatTime, put, seriesName} from './api.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
  '#17becf', '#393b79', '#e6550d', '#31a354', '#756bb1', '#636363'];
const HEIGHT = 320;
const MARGIN = {left: 64, right: 16, top: 10, bottom: 28};

export function color(i) {
  return PALETTE[i % PALETTE.length];
}

/** Prometheus's sample value strings as numbers ("+Inf", "NaN" included). */
function num(s) {
  return s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

/** Nice tick values between lo and hi, about `count` of them. */
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Time ticks on whole seconds, minutes, hours or days, about `count` of them. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
function timeTicks(start, end, count) {
  const step = TIME_STEPS.find((s) => s >= (end - start) / count) || TIME_STEPS[TIME_STEPS.length - 1];
  const out = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
  return out;
}

function formatValue(v) {
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(6)));
}

/** A time tick's label: the date once ticks are days apart, seconds only while they are seconds apart. */
function formatTick(t, step, span) {
  const d = new Date(t * 1000).toISOString();
  if (step >= 86400) return d.slice(5, 10);
  if (span > 2 * 86400) return d.slice(5, 16).replace('T', ' ');
  return step < 60 ? d.slice(11, 19) : d.slice(11, 16);
}

/**
 * Draws `result` (a matrix) into `container`. `start`, `end`, `step` in unix seconds; `onZoom(start, end)` is
 * called after a drag across the plot.
 */
export function drawChart(container, {result, start, end, step, stacked, onZoom}) {
  const width = Math.max(320, container.clientWidth || 800);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const hidden = container._hidden || (container._hidden = new Set());

  // per series: times and (stacked) values, in the order the API answered
  const series = result.map((s, i) => ({
    name: seriesName(s.metric), metric: s.metric, color: color(i), index: i,
    times: s.values.map((p) => p[0]), values: s.values.map((p) => num(p[1])),
  }));
  const visible = series.filter((s) => !hidden.has(s.index));
  if (stacked) {
    const sums = new Map();
    for (const s of visible) {
      s.drawn = s.values.map((v, j) => {
        const base = sums.get(s.times[j]) || 0;
        const top = base + (isFinite(v) ? v : 0);
        sums.set(s.times[j], top);
        return top;
      });
    }
  } else {
    visible.forEach((s) => (s.drawn = s.values));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of visible) {
    for (const v of s.drawn) {
      if (isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!isFinite(lo)) [lo, hi] = [0, 1];
  if (stacked) lo = Math.min(lo, 0);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const yTicks = ticks(lo, hi, 5);
  lo = Math.min(lo, yTicks[0]);
  hi = Math.max(hi, yTicks[yTicks.length - 1]);
  const x = (t) => MARGIN.left + ((t - start) / (end - start || 1)) * plotW;
  const y = (v) => MARGIN.top + (1 - (v - lo) / (hi - lo)) * plotH;

  const svg = el('svg:svg', {class: 'chart', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`,
    'data-start': start, 'data-end': end, 'data-plot-left': MARGIN.left, 'data-plot-width': plotW});
  const grid = el('svg:g', {class: 'grid'});
  for (const v of yTicks) {
    grid.append(el('svg:line', {x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(v), y2: y(v)}),
      el('svg:text', {x: MARGIN.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, formatValue(v)));
  }
  const xTicks = timeTicks(start, end, Math.max(2, Math.floor(plotW / 110)));
  for (const t of xTicks) {
    grid.append(el('svg:line', {x1: x(t), x2: x(t), y1: MARGIN.top, y2: MARGIN.top + plotH}),
      el('svg:text', {x: x(t), y: HEIGHT - 8, 'text-anchor': 'middle'}, formatTick(t, xTicks.length > 1 ? xTicks[1] - xTicks[0] : end - start, end - start)));
  }
  svg.append(grid);

  // a path per series; a gap longer than 1.5 steps (or a non-finite value) lifts the pen
  for (const s of visible) {
    let d = '';
    let prev = null;
    for (let j = 0; j < s.times.length; j++) {
      const v = s.drawn[j];
      if (!isFinite(v)) {
        prev = null;
        continue;
      }
      const cmd = prev !== null && s.times[j] - prev <= step * 1.5 ? 'L' : 'M';
      d += `${cmd}${x(s.times[j]).toFixed(1)},${y(v).toFixed(1)}`;
      prev = s.times[j];
    }
    svg.append(el('svg:path', {class: 'series', d, stroke: s.color, 'data-series': s.index,
      fill: 'none', 'stroke-width': 1.5}));
  }

  const cursor = el('svg:line', {class: 'cursor', y1: MARGIN.top, y2: MARGIN.top + plotH, visibility: 'hidden'});
  const dot = el('svg:circle', {class: 'dot', r: 4, visibility: 'hidden'});
  const selection = el('svg:rect', {class: 'selection', y: MARGIN.top, height: plotH, width: 0, visibility: 'hidden'});
  const overlay = el('svg:rect', {class: 'overlay', x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: 'transparent'});
  svg.append(cursor, dot, selection, overlay);
  const tooltip = el('div', {class: 'tooltip', hidden: true});

  const timeAt = (px) => start + ((px - MARGIN.left) / plotW) * (end - start);
  const pointer = (e) => {
    const r = svg.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  let dragFrom = null;
  overlay.addEventListener('mousemove', (e) => {
    const [px, py] = pointer(e);
    if (dragFrom !== null) {
      selection.setAttribute('x', Math.min(dragFrom, px));
      selection.setAttribute('width', Math.abs(px - dragFrom));
      selection.setAttribute('visibility', 'visible');
    }
    // the sample nearest in time in each series, then the series nearest to the pointer vertically
    const t = timeAt(px);
    let best = null;
    for (const s of visible) {
      const j = nearest(s.times, t);
      if (j < 0 || Math.abs(s.times[j] - t) > step || !isFinite(s.drawn[j])) continue;
      const dist = Math.abs(y(s.drawn[j]) - py);
      if (!best || dist < best.dist) best = {s, j, dist};
    }
    if (!best) {
      hideHover();
      return;
    }
    const bx = x(best.s.times[best.j]);
    const by = y(best.s.drawn[best.j]);
    cursor.setAttribute('x1', bx);
    cursor.setAttribute('x2', bx);
    cursor.setAttribute('visibility', 'visible');
    dot.setAttribute('cx', bx);
    dot.setAttribute('cy', by);
    dot.setAttribute('fill', best.s.color);
    dot.setAttribute('visibility', 'visible');
    put(tooltip, el('div', {class: 'time'}, formatTime(best.s.times[best.j])),
      el('div', {class: 'series-name'}, el('span', {class: 'swatch', style: `background:${best.s.color}`}), best.s.name),
      el('div', {class: 'value'}, 'value: ', el('strong', {}, formatValue(best.s.values[best.j]))));
    tooltip.hidden = false;
    tooltip.style.left = `${Math.min(bx + 12, width - 260)}px`;
    tooltip.style.top = `${Math.max(0, by - 40)}px`;
  });
  const hideHover = () => {
    cursor.setAttribute('visibility', 'hidden');
    dot.setAttribute('visibility', 'hidden');
    tooltip.hidden = true;
  };
  overlay.addEventListener('mouseleave', () => {
    hideHover();
    dragFrom = null;
    selection.setAttribute('visibility', 'hidden');
  });
  overlay.addEventListener('mousedown', (e) => {
    e.preventDefault();
    dragFrom = pointer(e)[0];
  });
  overlay.addEventListener('mouseup', (e) => {
    const px = pointer(e)[0];
    const from = dragFrom;
    dragFrom = null;
    selection.setAttribute('visibility', 'hidden');
    if (from !== null && Math.abs(px - from) > 5 && onZoom) {
      onZoom(timeAt(Math.min(from, px)), timeAt(Math.max(from, px)));
    }
  });

  const legend = el('ul', {class: 'legend'}, series.map((s) => el('li', {
    class: hidden.has(s.index) ? 'off' : null, title: 'click to hide or show',
    onclick: () => {
      if (hidden.has(s.index)) hidden.delete(s.index);
      else hidden.add(s.index);
      drawChart(container, {result, start, end, step, stacked, onZoom});
    }}, el('span', {class: 'swatch', style: `background:${s.color}`}), s.name)));
  put(container, el('div', {class: 'plot'}, svg, tooltip), legend);
}

/** Index of the time nearest `t` in the sorted `times`, or -1 when empty. */
function nearest(times, t) {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(times[lo - 1] - t) <= Math.abs(times[lo] - t) ? lo - 1 : lo;
}
