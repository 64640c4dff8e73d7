// Entry point: the tenant selector, the navigation and the page named by the path.

import {el, knownTenants, put, setTenant, tenant} from './api.js';
import {graphPage} from './graph.js';
import {STATUS_PAGES} from './status.js';

function render() {
  const main = document.getElementById('page');
  const path = location.pathname === '/' ? '/graph' : location.pathname;
  document.querySelectorAll('header nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === path));
  const page = STATUS_PAGES[path] || graphPage;
  put(main, el('p', {class: 'loading'}, 'Loading…'));
  document.title = `Strata · ${path.slice(1)}`;
  Promise.resolve(page(main)).catch((e) => put(main, el('p', {class: 'error'}, `This page failed: ${e.message}`)));
}

const input = document.getElementById('tenant');
input.value = tenant();
document.getElementById('tenants').replaceChildren(...knownTenants().map((t) => el('option', {value: t})));
input.addEventListener('change', () => {
  setTenant(input.value.trim());
  render();
});
render();
