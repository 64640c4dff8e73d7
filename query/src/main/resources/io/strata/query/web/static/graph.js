// The graph page: panels of an expression each, shown as a table (instant query) or a graph (range query),
// kept in the URL with Prometheus's g<N>.* parameters so links from alerts and rules open the same view.

import {call, el, formatDuration, parseDuration, put, seriesName, tenant} from './api.js';
import {drawChart} from './chart.js';
import {Editor} from './editor.js';

const RESOLUTIONS = [['', 'default'], ['raw', 'raw'], ['1m', '1m'], ['5m', '5m'], ['1h', '1h'], ['auto', 'auto (step/5)']];
const RANGE_STEPS = [60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 1209600, 2419200];
const MAX_TABLE_ROWS = 10000;

/** Panels from g<N>.* parameters as Prometheus 2.42 reads them (tab 0 = graph, anything else = table). */
export function panelsFromUrl(search) {
  const params = new URLSearchParams(search);
  const byIndex = new Map();
  for (const [k, v] of params) {
    const m = /^g(\d+)\.(.+)$/.exec(k);
    if (!m) continue;
    if (!byIndex.has(m[1])) byIndex.set(m[1], defaults());
    const p = byIndex.get(m[1]);
    switch (m[2]) {
      case 'expr': p.expr = v; break;
      case 'tab': p.tab = v === '0' ? 'graph' : 'table'; break;
      case 'stacked': p.stacked = v === '1'; break;
      case 'range_input': { const r = parseDuration(v); if (r) p.range = r; break; }
      case 'end_input':
      case 'moment_input': p.end = parseTime(v); break;
      case 'step_input': { const s = parseInt(v, 10); if (s > 0) p.step = s; break; }
      case 'max_source_resolution': p.resolution = v; break;
      default: break;
    }
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((k) => byIndex.get(k));
}

function defaults() {
  return {expr: '', tab: 'table', range: 3600, end: null, step: null, stacked: false, resolution: ''};
}

/** "2026-01-01 00:00:00" (UTC, Prometheus's end_input) or RFC 3339 or unix seconds, as unix seconds; null if none. */
export function parseTime(v) {
  const s = String(v || '').trim();
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const iso = s.replace(' ', 'T');
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + 'Z');
  return isNaN(d) ? null : d.getTime() / 1000;
}

function timeInput(t) {
  return t === null ? '' : new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function urlOf(panels) {
  const q = [];
  panels.forEach((p, i) => {
    const s = p.state;
    q.push(`g${i}.expr=${encodeURIComponent(s.expr)}`, `g${i}.tab=${s.tab === 'graph' ? 0 : 1}`,
      `g${i}.stacked=${s.stacked ? 1 : 0}`, `g${i}.range_input=${formatDuration(s.range)}`);
    if (s.end !== null) q.push(`g${i}.end_input=${encodeURIComponent(timeInput(s.end))}`);
    if (s.step) q.push(`g${i}.step_input=${s.step}`);
    if (s.resolution) q.push(`g${i}.max_source_resolution=${encodeURIComponent(s.resolution)}`);
  });
  return `${location.pathname}?${q.join('&')}`;
}

/** Completion sources over the API, cached per tenant for a minute. */
const cache = new Map();
async function cached(key, load) {
  const k = tenant() + '\u0000' + key;
  const hit = cache.get(k);
  if (hit && Date.now() - hit.at < 60000) return hit.value;
  const value = load();
  cache.set(k, {at: Date.now(), value});
  return value;
}
async function strings(path, params) {
  const r = await call(path, params);
  return r.ok && Array.isArray(r.body.data) ? r.body.data : [];
}
const sources = {
  metricNames: () => cached('names', () => strings('/api/v1/label/__name__/values')),
  labelNames: (metric) => cached('labels ' + (metric || ''), () => strings('/api/v1/labels', metric ? {'match[]': metric} : {})),
  labelValues: (label, metric) => cached(`values ${label} ${metric || ''}`,
    () => strings(`/api/v1/label/${encodeURIComponent(label)}/values`, metric ? {'match[]': metric} : {})),
};

class Panel {
  constructor(page, state) {
    this.page = page;
    this.state = state;
    this.editor = new Editor({value: state.expr, sources, onRun: () => this.run()});
    this.messages = el('div', {class: 'messages'});
    this.info = el('div', {class: 'info'});
    this.content = el('div', {class: 'content'});
    this.options = el('div', {class: 'options'});
    this.element = el('section', {class: 'panel'},
      el('div', {class: 'query-row'}, this.editor.element,
        el('button', {class: 'execute', onclick: () => this.run()}, 'Execute'),
        el('button', {class: 'remove', title: 'Remove panel', onclick: () => page.remove(this)}, '×')),
      el('div', {class: 'tabs'},
        el('button', {class: 'tab', 'data-tab': 'table', onclick: () => this.switchTab('table')}, 'Table'),
        el('button', {class: 'tab', 'data-tab': 'graph', onclick: () => this.switchTab('graph')}, 'Graph')),
      this.options, this.messages, this.info, this.content);
    this.renderOptions();
  }

  switchTab(tab) {
    this.state.tab = tab;
    this.renderOptions();
    this.run();
  }

  renderOptions() {
    const s = this.state;
    this.element.querySelectorAll('.tab').forEach((b) => b.classList.toggle('active', b.dataset.tab === s.tab));
    const end = el('input', {class: 'end', size: 19, placeholder: s.tab === 'graph' ? 'End time (now)' : 'Evaluation time (now)',
      value: timeInput(s.end), title: 'UTC, "2026-01-01 00:00:00"; empty = now'});
    end.addEventListener('change', () => {
      s.end = parseTime(end.value);
      this.run();
    });
    const resolution = el('select', {class: 'resolution', title: 'max_source_resolution: which rollups a query may read'},
      RESOLUTIONS.map(([v, label]) => el('option', {value: v, selected: v === s.resolution}, label)));
    resolution.addEventListener('change', () => {
      s.resolution = resolution.value;
      this.run();
    });
    const parts = [];
    if (s.tab === 'graph') {
      const range = el('input', {class: 'range', size: 6, value: formatDuration(s.range), title: 'Range, e.g. 1h, 30m, 2d'});
      range.addEventListener('change', () => {
        const r = parseDuration(range.value);
        if (r) s.range = r;
        this.renderOptions();
        this.run();
      });
      const stepBy = (dir) => () => {
        const i = RANGE_STEPS.findIndex((r) => r >= s.range);
        const next = dir < 0 ? RANGE_STEPS[Math.max(0, (i < 0 ? RANGE_STEPS.length : i) - 1)] : RANGE_STEPS[Math.min(RANGE_STEPS.length - 1, RANGE_STEPS[i] === s.range ? i + 1 : Math.max(i, 0))];
        s.range = next;
        this.renderOptions();
        this.run();
      };
      const step = el('input', {class: 'step', size: 8, placeholder: 'Res. (s)', value: s.step || '', title: 'Step in seconds; empty = auto (range / 250)'});
      step.addEventListener('change', () => {
        const v = parseDuration(step.value) || Number(step.value);
        s.step = v > 0 ? v : null;
        this.run();
      });
      const stacked = el('input', {type: 'checkbox', class: 'stacked', checked: s.stacked});
      stacked.addEventListener('change', () => {
        s.stacked = stacked.checked;
        this.redraw();
      });
      parts.push(el('button', {onclick: stepBy(-1), title: 'Shorter range'}, '−'), range, el('button', {onclick: stepBy(1), title: 'Longer range'}, '+'),
        end, step, el('label', {}, stacked, ' stacked'));
    } else {
      parts.push(end);
    }
    parts.push(el('label', {}, 'resolution ', resolution));
    put(this.options, ...parts);
  }

  async run() {
    const s = this.state;
    s.expr = this.editor.value;
    this.page.saveUrl();
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    if (!s.expr.trim()) {
      put(this.messages);
      put(this.info);
      put(this.content, el('p', {class: 'empty'}, 'No data queried yet'));
      return;
    }
    const end = s.end !== null ? s.end : Date.now() / 1000;
    const step = s.step || Math.max(Math.floor(s.range / 250), 1);
    const params = s.tab === 'graph'
      ? {query: s.expr, start: end - s.range, end, step, max_source_resolution: s.resolution}
      : {query: s.expr, time: s.end !== null ? end : undefined, max_source_resolution: s.resolution};
    this.element.classList.add('loading');
    delete this.element.dataset.renderMs;
    const t0 = performance.now();
    let r;
    try {
      r = await call(s.tab === 'graph' ? '/api/v1/query_range' : '/api/v1/query', params, {signal: this.abort.signal});
    } catch (e) {
      return; // superseded by a newer query
    } finally {
      this.element.classList.remove('loading');
    }
    const loadMs = performance.now() - t0;
    put(this.messages,
      r.error ? el('div', {class: 'error', role: 'alert'}, 'Error executing query: ' + r.error) : null,
      ...((r.body && r.body.warnings) || []).map((w) => el('div', {class: 'warning'}, 'Warning: ' + w)));
    if (!r.ok) {
      put(this.info);
      put(this.content);
      return;
    }
    this.last = {data: r.body.data, start: end - s.range, end, step};
    // render time: from the answer to the frame after the DOM was built (style, layout and paint included)
    performance.mark('strata-render-start');
    this.redraw();
    performance.measure('strata-draw', 'strata-render-start');
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    const renderMs = performance.measure('strata-render', 'strata-render-start').duration;
    this.element.dataset.renderMs = renderMs.toFixed(1);
    const n = Array.isArray(r.body.data.result) ? r.body.data.result.length : 1;
    const res = r.headers.get('X-Strata-Source-Resolution');
    put(this.info, `Load time: ${Math.round(loadMs)}ms   Render time: ${Math.round(renderMs)}ms   Result series: ${n}`,
      s.tab === 'graph' ? `   Resolution: ${step}s` : '', res ? el('span', {class: 'source-resolution'}, `   Read from: ${res}`) : '');
  }

  redraw() {
    if (!this.last) return;
    const {data, start, end, step} = this.last;
    if (this.state.tab === 'graph') {
      if (data.resultType !== 'matrix') {
        put(this.content, el('p', {class: 'empty'}, `The graph needs a range query result, got ${data.resultType}`));
      } else if (!data.result.length) {
        put(this.content, el('p', {class: 'empty'}, 'Empty query result'));
      } else {
        drawChart(this.content, {result: data.result, start, end, step, stacked: this.state.stacked,
          onZoom: (from, to) => {
            this.state.range = Math.max(1, Math.round(to - from));
            this.state.end = Math.round(to);
            this.renderOptions();
            this.run();
          }});
      }
    } else {
      put(this.content, table(data));
    }
  }
}

function table(data) {
  const rows = [];
  if (data.resultType === 'vector') {
    for (const s of data.result.slice(0, MAX_TABLE_ROWS)) rows.push([seriesName(s.metric), s.value[1]]);
  } else if (data.resultType === 'matrix') {
    for (const s of data.result.slice(0, MAX_TABLE_ROWS)) {
      rows.push([seriesName(s.metric), el('div', {}, s.values.map((p) => el('div', {}, `${p[1]} @${p[0]}`)))]);
    }
  } else if (data.resultType === 'scalar' || data.resultType === 'string') {
    rows.push([data.resultType, data.result[1]]);
  }
  if (!rows.length) return el('p', {class: 'empty'}, 'Empty query result');
  return el('div', {},
    el('table', {class: 'result'}, el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('td', {class: 'series'}, k), el('td', {class: 'value'}, v))))),
    data.result.length > MAX_TABLE_ROWS ? el('p', {class: 'warning'}, `Showing ${MAX_TABLE_ROWS} of ${data.result.length} series`) : null);
}

export function graphPage(main) {
  const page = {
    panels: [],
    list: el('div', {class: 'panels'}),
    saveUrl() {
      history.replaceState(null, '', urlOf(this.panels));
    },
    add(state) {
      const p = new Panel(this, state);
      this.panels.push(p);
      this.list.append(p.element);
      return p;
    },
    remove(p) {
      this.panels = this.panels.filter((x) => x !== p);
      p.element.remove();
      this.saveUrl();
    },
  };
  const states = panelsFromUrl(location.search);
  put(main, page.list, el('button', {class: 'add-panel', onclick: () => page.add(defaults()).editor.input.focus()}, 'Add Panel'));
  (states.length ? states : [defaults()]).forEach((s) => page.add(s).run());
}

