// The status pages: alerts, rules, targets, Pushgateway groups, TSDB status, pipeline, config and flags.

import {ago, call, el, formatDuration, formatTime, labelBadges, put} from './api.js';

function graphLink(expr) {
  return el('a', {class: 'expr', href: `/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`}, expr);
}

function unavailable(what, r) {
  return el('p', {class: r.status === 404 ? 'unavailable' : 'error'},
    r.status === 404 ? `${what} is not available on this server.` : `${what}: ${r.error}`);
}

function stateBadge(state) {
  return el('span', {class: `state state-${String(state).toLowerCase()}`}, String(state).toUpperCase());
}

async function rulesPage(main, type) {
  const r = await call('/api/v1/rules', type ? {type} : {});
  if (!r.ok) return put(main, el('h1', {}, type ? 'Alerts' : 'Rules'), unavailable('/api/v1/rules', r));
  return type ? alerts(main, r.body.data.groups) : rules(main, r.body.data.groups);
}

function rules(main, groups) {
  put(main, el('h1', {}, 'Rules'), groups.length ? null : el('p', {class: 'empty'}, 'No rule groups configured.'),
    ...groups.map((g) => el('section', {class: 'group'},
      el('h2', {}, g.name, el('span', {class: 'file'}, g.file)),
      el('p', {class: 'meta'}, `interval ${formatDuration(g.interval)} · last evaluation ${ago(g.lastEvaluation)} · evaluation time ${formatDuration(g.evaluationTime)}`),
      el('table', {class: 'rules'}, el('thead', {}, el('tr', {}, ['Rule', 'State', 'Error', 'Last evaluation', 'Evaluation time'].map((h) => el('th', {}, h)))),
        el('tbody', {}, g.rules.map((rule) => el('tr', {},
          el('td', {}, el('div', {class: 'rule-name'}, `${rule.type === 'alerting' ? 'alert' : 'record'}: ${rule.name}`),
            el('div', {}, 'expr: ', graphLink(rule.query)),
            rule.duration ? el('div', {}, `for: ${formatDuration(rule.duration)}`) : null,
            Object.keys(rule.labels || {}).length ? el('div', {}, 'labels: ', labelBadges(rule.labels)) : null),
          el('td', {}, stateBadge(rule.health)),
          el('td', {class: 'error-text'}, rule.lastError || ''),
          el('td', {}, ago(rule.lastEvaluation)),
          el('td', {}, formatDuration(rule.evaluationTime)))))))));
}

function alerts(main, groups) {
  const rulesList = groups.flatMap((g) => g.rules.filter((rule) => rule.type === 'alerting').map((rule) => ({...rule, group: g.name, file: g.file})));
  const count = (s) => rulesList.filter((rule) => rule.state === s).length;
  put(main, el('h1', {}, 'Alerts'),
    el('p', {class: 'meta'}, `inactive (${count('inactive')}) · pending (${count('pending')}) · firing (${count('firing')})`),
    rulesList.length ? null : el('p', {class: 'empty'}, 'No alerting rules configured.'),
    ...rulesList.map((rule) => el('details', {class: `alert-rule state-${rule.state}`, open: rule.state !== 'inactive'},
      el('summary', {}, stateBadge(rule.state), ` ${rule.name} (${rule.alerts.length} active)`, el('span', {class: 'file'}, `${rule.file} > ${rule.group}`)),
      el('div', {}, 'expr: ', graphLink(rule.query)),
      rule.alerts.length ? el('table', {class: 'alerts'},
        el('thead', {}, el('tr', {}, ['Labels', 'State', 'Active Since', 'Value', 'Annotations'].map((h) => el('th', {}, h)))),
        el('tbody', {}, rule.alerts.map((a) => el('tr', {class: 'alert'},
          el('td', {}, labelBadges(a.labels)), el('td', {}, stateBadge(a.state)),
          el('td', {title: formatTime(a.activeAt)}, formatTime(a.activeAt)), el('td', {}, a.value),
          el('td', {}, Object.entries(a.annotations || {}).map(([k, v]) => el('div', {}, el('b', {}, k + ': '), v))))))) : null)));
}

async function targetsPage(main) {
  const r = await call('/ingest/api/v1/targets');
  if (!r.ok) return put(main, el('h1', {}, 'Targets'), unavailable('The ingest server\'s /api/v1/targets', r));
  const pools = new Map();
  for (const t of r.body.data.activeTargets) {
    if (!pools.has(t.scrapePool)) pools.set(t.scrapePool, []);
    pools.get(t.scrapePool).push(t);
  }
  put(main, el('h1', {}, 'Targets'), pools.size ? null : el('p', {class: 'empty'}, 'No scrape targets.'),
    ...[...pools].map(([pool, targets]) => el('section', {class: 'pool'},
      el('h2', {}, `${pool} (${targets.filter((t) => t.health === 'up').length}/${targets.length} up)`),
      el('table', {class: 'targets'}, el('thead', {}, el('tr', {}, ['Endpoint', 'State', 'Labels', 'Last Scrape', 'Scrape Duration', 'Error'].map((h) => el('th', {}, h)))),
        el('tbody', {}, targets.map((t) => el('tr', {class: `target health-${t.health}`},
          el('td', {}, el('a', {href: t.scrapeUrl}, t.scrapeUrl)),
          el('td', {}, stateBadge(t.health)),
          el('td', {}, labelBadges(t.labels), el('details', {}, el('summary', {}, 'before relabeling'), labelBadges(t.discoveredLabels))),
          el('td', {title: formatTime(t.lastScrape)}, ago(t.lastScrape)),
          el('td', {}, formatDuration(t.lastScrapeDuration)),
          el('td', {class: 'error-text'}, t.lastError))))))));
}

/** The Pushgateway's path of a grouping key; a value with a slash (or empty) in base64url, as it accepts them. */
function groupPath(labels) {
  const segment = (name, v) => {
    if (v !== '' && !v.includes('/')) return `/${name}/${encodeURIComponent(v)}`;
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(v))).replace(/\+/g, '-').replace(/\//g, '_');
    return `/${name}@base64/${b64 || '='}`;
  };
  return '/metrics' + segment('job', labels.job) + Object.entries(labels).filter(([k]) => k !== 'job').map(([k, v]) => segment(k, v)).join('');
}

async function pushgatewayPage(main) {
  const r = await call('/ingest/api/v1/metrics');
  if (!r.ok) return put(main, el('h1', {}, 'Pushgateway'), unavailable('The ingest server\'s /api/v1/metrics', r));
  const groups = r.body.data;
  put(main, el('h1', {}, 'Pushgateway groups'), groups.length ? null : el('p', {class: 'empty'}, 'No pushed groups.'),
    ...groups.map((g) => {
      const families = Object.entries(g).filter(([k, v]) => v && typeof v === 'object' && Array.isArray(v.metrics));
      const pushed = g.push_time_seconds && g.push_time_seconds.metrics[0] ? Number(g.push_time_seconds.metrics[0].value) : null;
      return el('details', {class: 'push-group'},
        el('summary', {}, labelBadges(g.labels), ` last push ${pushed ? ago(pushed) : 'never'}`, g.last_push_successful === false ? el('span', {class: 'error-text'}, ' (last push failed)') : null,
          el('button', {class: 'delete', onclick: async (e) => {
            e.preventDefault();
            if (!confirm(`Delete group ${JSON.stringify(g.labels)}?`)) return;
            const d = await call('/ingest' + groupPath(g.labels), {}, {method: 'DELETE'});
            if (!d.ok && d.status !== 202) alert(`Delete failed: ${d.error}`);
            pushgatewayPage(main);
          }}, 'Delete group')),
        el('table', {}, el('tbody', {}, families.map(([name, f]) => el('tr', {},
          el('td', {}, graphLink(name)), el('td', {}, f.type), el('td', {}, `${f.metrics.length} series`), el('td', {}, f.help || ''))))));
    }));
}

/** Any JSON as nested tables: what the status endpoints answer, shown without knowing every field. */
function generic(v) {
  if (Array.isArray(v)) {
    if (v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x)))];
      return el('table', {}, el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, c)))),
        el('tbody', {}, v.map((x) => el('tr', {}, cols.map((c) => el('td', {}, x[c] === undefined ? '' : generic(x[c])))))));
    }
    return el('span', {}, v.map((x) => generic(x)).flatMap((x, i) => (i ? [', ', x] : [x])));
  }
  if (v && typeof v === 'object') {
    return el('table', {}, el('tbody', {}, Object.entries(v).map(([k, x]) => el('tr', {}, el('th', {}, k), el('td', {}, generic(x))))));
  }
  return String(v);
}

function jsonPage(title, path, render = generic) {
  return async (main) => {
    const r = await call(path);
    put(main, el('h1', {}, title), r.ok ? render(r.body.data) : unavailable(path, r));
  };
}

export const STATUS_PAGES = {
  '/alerts': (main) => rulesPage(main, 'alert'),
  '/rules': (main) => rulesPage(main, ''),
  '/targets': targetsPage,
  '/pushgateway': pushgatewayPage,
  '/tsdb-status': jsonPage('TSDB status', '/api/v1/status/tsdb'),
  '/pipeline': jsonPage('Pipeline status', '/api/v1/status/pipeline'),
  '/config': jsonPage('Configuration', '/api/v1/status/config', (d) => el('pre', {class: 'config'}, d.yaml)),
  '/flags': jsonPage('Command-line flags', '/api/v1/status/flags'),
  '/status': jsonPage('Build information', '/api/v1/status/buildinfo'),
};
