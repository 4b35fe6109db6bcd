// Peak resident memory of a process and all its descendants, sampled from /proc
// while it runs (the sum of VmRSS over the tree at each sample).
import { readdirSync, readFileSync } from 'node:fs';

function ppidOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields follow the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pids of `root` and its descendants now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pp = ppidOf(e);
    if (pp === null) continue;
    const list = children.get(pp) ?? [];
    list.push(Number(e));
    children.set(pp, list);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Samples the tree under `root` every `everyMs` until stop(); peak() is the largest sum seen (bytes). */
export function watchTreeRss(root: number, everyMs = 20): { stop: () => number } {
  let peak = 0;
  const sample = (): void => {
    const sum = processTree(root).reduce((a, p) => a + rssBytes(p), 0);
    if (sum > peak) peak = sum;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
