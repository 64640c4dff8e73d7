// The expression editor: a textarea over a highlighted copy of its text, with completion of metric names,
// functions, label names and label values from the API.

import {el, put} from './api.js';
import {AGGREGATIONS, FUNCTIONS, KEYWORDS, completionContext, tokenize} from './promql.js';

const MAX_ITEMS = 40;

export class Editor {
  /**
   * `sources`: {metricNames(), labelNames(metric), labelValues(label, metric)}, each a Promise of strings.
   * `onRun` is called on Enter (Shift+Enter inserts a line break).
   */
  constructor({value = '', sources, onRun}) {
    this.sources = sources;
    this.onRun = onRun;
    this.items = [];
    this.active = 0;
    this.highlight = el('pre', {class: 'highlight', 'aria-hidden': 'true'});
    this.input = el('textarea', {class: 'expr', spellcheck: 'false', autocomplete: 'off', rows: 1,
      placeholder: 'Expression (press Shift+Enter for newlines)', 'aria-label': 'Expression'});
    this.list = el('ul', {class: 'completions', role: 'listbox', hidden: true});
    this.element = el('div', {class: 'editor'}, this.highlight, this.input, this.list);
    this.input.value = value;
    this.input.addEventListener('input', () => {
      this.render();
      this.complete();
    });
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('scroll', () => {
      this.highlight.scrollTop = this.input.scrollTop;
    });
    this.render();
  }

  get value() {
    return this.input.value;
  }

  set value(v) {
    this.input.value = v;
    this.render();
  }

  render() {
    const text = this.input.value;
    put(this.highlight, ...tokenize(text).map((t) => (t.type === 'space' ? t.text : el('span', {class: 'tok-' + t.type}, t.text))), '\n');
    this.input.rows = Math.min(12, text.split('\n').length);
  }

  key(e) {
    const open = !this.list.hidden && this.items.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      this.select((this.active + (e.key === 'ArrowDown' ? 1 : -1) + this.items.length) % this.items.length);
    } else if (open && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      this.accept(this.items[this.active]);
    } else if (open && e.key === 'Escape') {
      this.close();
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.close();
      this.onRun();
    }
  }

  async complete() {
    const pos = this.input.selectionStart;
    const before = this.input.value.slice(0, pos);
    const ctx = completionContext(before);
    const seq = (this.seq = (this.seq || 0) + 1);
    if (!ctx.kind || (ctx.kind === 'metric' && !ctx.prefix)) {
      this.close();
      return;
    }
    let candidates = [];
    try {
      if (ctx.kind === 'metric') {
        const names = await this.sources.metricNames();
        candidates = [
          ...names.map((n) => ({text: n, kind: 'metric'})),
          ...FUNCTIONS.map((n) => ({text: n, kind: 'function', suffix: '('})),
          ...AGGREGATIONS.map((n) => ({text: n, kind: 'aggregation', suffix: '('})),
          ...KEYWORDS.map((n) => ({text: n, kind: 'keyword'})),
        ];
      } else if (ctx.kind === 'labelName') {
        candidates = (await this.sources.labelNames(ctx.metric)).filter((n) => n !== '__name__').map((n) => ({text: n, kind: 'label'}));
      } else {
        const next = this.input.value[pos];
        const closing = next === '"' || next === "'" || next === '`' ? '' : '"';
        candidates = (await this.sources.labelValues(ctx.label, ctx.metric)).map((n) => ({text: n, kind: 'value', suffix: closing}));
      }
    } catch (e) {
      candidates = [];
    }
    if (seq !== this.seq) return; // typed on meanwhile
    const p = ctx.prefix.toLowerCase();
    const starts = candidates.filter((c) => c.text.toLowerCase().startsWith(p));
    const contains = p ? candidates.filter((c) => !c.text.toLowerCase().startsWith(p) && c.text.toLowerCase().includes(p)) : [];
    this.items = [...starts, ...contains].filter((c) => c.text !== ctx.prefix || c.suffix).slice(0, MAX_ITEMS);
    this.prefix = ctx.prefix;
    if (!this.items.length) {
      this.close();
      return;
    }
    put(this.list, ...this.items.map((c, i) => el('li', {role: 'option', 'data-kind': c.kind,
      onmousedown: (ev) => {
        ev.preventDefault();
        this.accept(c);
      }}, el('span', {class: 'text'}, c.text), el('span', {class: 'kind'}, c.kind))));
    this.list.hidden = false;
    this.select(0);
  }

  select(i) {
    this.active = i;
    [...this.list.children].forEach((li, j) => li.classList.toggle('active', j === i));
    const li = this.list.children[i];
    if (li && li.scrollIntoView) li.scrollIntoView({block: 'nearest'});
  }

  accept(item) {
    const pos = this.input.selectionStart;
    const v = this.input.value;
    const start = pos - this.prefix.length;
    const insert = item.text + (item.suffix || '');
    this.input.value = v.slice(0, start) + insert + v.slice(pos);
    this.input.selectionStart = this.input.selectionEnd = start + insert.length;
    this.close();
    this.render();
    this.input.focus();
  }

  close() {
    this.list.hidden = true;
    this.items = [];
  }
}
