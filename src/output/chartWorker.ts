// A chart thread's task: one Vega-Lite spec in, its SVG out. vega and vega-lite
// load when the thread starts (piscina imports this file then), not on the first chart.
import { renderSvg, type Spec } from './charts.js';

await Promise.all([import('vega'), import('vega-lite')]);

export default function render(spec: Spec): Promise<string> {
  return renderSvg(spec);
}
