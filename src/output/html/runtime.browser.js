// The page's only script, bundled with vega by scripts/bundle.mjs into
// vega-runtime.js and inlined (its sha256 in the page's CSP): each chart's
// precompiled Vega spec, read from the JSON data block, replaces the static
// SVG shown until then. Expressions run through vega-interpreter, never
// Function/eval, so the CSP needs no 'unsafe-eval'. Tooltips are text only.
import { View, parse } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';

function tooltipHandler() {
  let box = null;
  return (_handler, event, _item, value) => {
    if (!box) {
      box = document.createElement('div');
      box.className = 'replay-tooltip';
      box.setAttribute('role', 'tooltip');
      document.body.appendChild(box);
    }
    if (value === null || value === undefined || value === '') {
      box.style.display = 'none';
      return;
    }
    box.textContent = '';
    const lines = typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}: ${format(v)}`) : [format(value)];
    for (const line of lines) {
      const row = document.createElement('div');
      row.textContent = line;
      box.appendChild(row);
    }
    box.style.display = 'block';
    const x = Math.min(event.clientX + 12, window.innerWidth - box.offsetWidth - 8);
    const y = Math.min(event.clientY + 12, window.innerHeight - box.offsetHeight - 8);
    box.style.left = `${Math.max(0, x)}px`;
    box.style.top = `${Math.max(0, y)}px`;
  };
}

function format(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

async function renderAll() {
  const data = document.getElementById('replay-charts');
  if (!data) return;
  const specs = JSON.parse(data.textContent || '{}');
  const tooltip = tooltipHandler();
  let rendered = 0;
  await Promise.all(
    Object.entries(specs).map(async ([id, spec]) => {
      const holder = document.querySelector(`[data-chart="${CSS.escape(id)}"]`);
      if (!holder) return;
      const target = document.createElement('div');
      target.className = 'vega-live';
      const view = new View(parse(spec, null, { ast: true }), { expr: expressionInterpreter, renderer: 'svg', hover: true, tooltip });
      view.initialize(target);
      await view.runAsync();
      const fallback = holder.querySelector('.chart-fallback');
      if (fallback) fallback.remove();
      holder.appendChild(target);
      holder.dataset.rendered = 'true';
      rendered++;
    }),
  );
  document.documentElement.dataset.chartsRendered = String(rendered);
}

renderAll().catch((err) => {
  document.documentElement.dataset.chartsRendered = 'failed';
  console.warn(`replay: interactive charts unavailable (${err && err.message}); the static charts stay`);
});
