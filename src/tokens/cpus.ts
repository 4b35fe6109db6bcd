// The CPUs this process may run on (affinity mask, clamped by the cgroup's
// cpuset and CPU quota), and how to split them into per-worker blocks.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Parse a kernel CPU list such as "0-3,8,10-11". */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map((x) => Number.parseInt(x, 10));
    if (b === undefined) out.push(a!);
    else for (let c = a!; c <= b; c++) out.push(c);
  }
  return out;
}

function readIf(path: string): string | null {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  } catch {
    return null;
  }
}

/** Allowed CPUs on Linux; null where the OS has no affinity API to read. */
export function allowedCpus(): number[] | null {
  if (process.platform !== 'linux') return null;
  const status = readIf('/proc/self/status');
  const m = status?.match(/^Cpus_allowed_list:\s*(.+)$/m);
  if (!m) return null;
  let cpus = parseCpuList(m[1]!);
  const cpuset = readIf('/sys/fs/cgroup/cpuset.cpus.effective');
  if (cpuset && cpuset.trim()) {
    const allowed = new Set(parseCpuList(cpuset));
    const both = cpus.filter((c) => allowed.has(c));
    if (both.length > 0) cpus = both;
  }
  // A CPU quota (cgroup v2 cpu.max "quota period") caps how many CPUs' worth we get.
  const max = readIf('/sys/fs/cgroup/cpu.max');
  const q = max?.trim().split(/\s+/);
  if (q && q[0] !== 'max' && q[1]) {
    const n = Math.max(1, Math.ceil(Number(q[0]) / Number(q[1])));
    if (n < cpus.length) cpus = cpus.slice(0, n);
  }
  return cpus;
}

export function cpuCount(): number {
  return allowedCpus()?.length ?? availableParallelism();
}

/** Split `cpus` into `workers` contiguous blocks of near-equal size (each non-empty). */
export function planBlocks(cpus: readonly number[], workers: number): number[][] {
  const n = Math.max(1, Math.min(workers, cpus.length));
  const blocks: number[][] = [];
  for (let i = 0; i < n; i++) blocks.push(cpus.slice(Math.floor((i * cpus.length) / n), Math.floor(((i + 1) * cpus.length) / n)));
  return blocks;
}
