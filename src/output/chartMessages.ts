// The chart threads' protocol (chartThread.ts, chartThreads.ts): warm loads
// vega ahead of the first render; render answers with one SVG per spec, in order.
import type { Spec } from './charts.js';

export type ToChartThread = { kind: 'warm' } | { kind: 'render'; id: number; specs: Spec[] };

export type FromChartThread = { id: number; svgs: string[] } | { id: number; error: string };
