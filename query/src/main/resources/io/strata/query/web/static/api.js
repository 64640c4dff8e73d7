// Calls of the query server's API (and the ingest proxy under /ingest/) with the selected tenant.

const TENANT_KEY = 'strata.tenant';

export function tenant() {
  return localStorage.getItem(TENANT_KEY) || '';
}

export function setTenant(t) {
  const seen = new Set(JSON.parse(localStorage.getItem(TENANT_KEY + 's') || '[]'));
  if (t) seen.add(t);
  localStorage.setItem(TENANT_KEY, t);
  localStorage.setItem(TENANT_KEY + 's', JSON.stringify([...seen].slice(-20)));
}

export function knownTenants() {
  return JSON.parse(localStorage.getItem(TENANT_KEY + 's') || '[]');
}

/**
 * GET (or `method`) of `path` with `params`; resolves to {ok, status, body, headers, error}. `error` is the
 * API's own error text when it sent the Prometheus envelope, else the HTTP status line or network failure.
 */
export async function call(path, params = {}, {method = 'GET', signal} = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
    else if (v !== undefined && v !== null && v !== '') qs.append(k, v);
  }
  const headers = {};
  if (tenant()) headers['X-Scope-OrgID'] = tenant();
  const url = qs.toString() ? `${path}?${qs}` : path;
  let res;
  try {
    res = await fetch(url, {method, headers, signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return {ok: false, status: 0, body: null, headers: new Headers(), error: `${path}: ${e.message}`};
  }
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch (e) {
    body = null;
  }
  const ok = res.ok && (!body || body.status === undefined || body.status === 'success');
  let error = null;
  if (!ok) {
    error = body && body.error ? body.error : `${res.status} ${text.trim() || res.statusText}`;
  }
  return {ok, status: res.status, body, headers: res.headers, error};
}

/** An element: el('div', {class: 'x', onclick: f}, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const e = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** `{__name__="up", job="x"}` as Prometheus prints a series: up{job="x"}. */
export function seriesName(metric) {
  const name = metric.__name__ || '';
  const labels = Object.entries(metric).filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return labels.length || !name ? `${name}{${labels.join(', ')}}` : name;
}

/** A labels object as small badges. */
export function labelBadges(labels) {
  return el('span', {class: 'labels'}, Object.entries(labels || {}).map(([k, v]) => el('span', {class: 'badge'}, `${k}="${v}"`)));
}

/** A unix-seconds or RFC 3339 time as "2026-01-01 00:00:00Z" and how long ago. */
export function formatTime(t) {
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (isNaN(d) || d.getUTCFullYear() <= 1) return 'never';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function ago(t) {
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (isNaN(d) || d.getUTCFullYear() <= 1) return 'never';
  return formatDuration(Math.max(0, (Date.now() - d.getTime()) / 1000)) + ' ago';
}

/** Seconds as Prometheus writes durations: 1h30m, 15s, 250ms. */
export function formatDuration(s) {
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  const units = [['y', 31536000], ['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let out = '';
  let rest = Math.round(s);
  for (const [u, n] of units) {
    if (rest >= n) {
      out += Math.floor(rest / n) + u;
      rest %= n;
    }
  }
  return out || '0s';
}

/** Prometheus's duration syntax (1h30m, 90s, 2d) as seconds; null when it is not one. */
export function parseDuration(text) {
  const m = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/.exec(String(text).trim());
  if (!m || !String(text).trim()) return null;
  const n = (i) => (m[i] ? Number(m[i]) : 0);
  return n(2) * 31536000 + n(4) * 604800 + n(6) * 86400 + n(8) * 3600 + n(10) * 60 + n(12) + n(14) / 1000;
}

/** Replaces the node's children, leaving out null, undefined and false (so optional parts can be written inline). */
export function put(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}
