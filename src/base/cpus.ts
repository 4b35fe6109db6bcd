// The CPUs this process may run on, and how to split them into per-worker blocks.
//
// Linux: the affinity mask (Cpus_allowed_list of /proc/self/status), intersected
// with the cgroup's cpuset (cpuset.cpus.effective), then clamped to the cgroup's
// CPU quota (cgroup v2 cpu.max "quota period", or v1 cpu.cfs_quota_us /
// cpu.cfs_period_us), rounded up: a 1.5-CPU quota on 4 allowed CPUs gives 2.
// The quota is looked up at the cgroup this process is in and at each ancestor
// up to the mount root (the smallest wins), as the kernel enforces all of them.
// Elsewhere: os.availableParallelism() CPUs, numbered 0..n-1 (no pinning there).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join, posix } from 'node:path';

/** Parse a kernel CPU list such as "0-3,8,10-11" (empty or malformed parts are skipped). */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let c = a; c <= b; c++) out.push(c);
  }
  return out;
}

/** Format CPUs as a kernel CPU list ("0-3,8"), as taskset -c takes it. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Reads a file, or null when absent or unreadable. Injectable for tests. */
export type ReadFile = (path: string) => string | null;

const readIf: ReadFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** `/a/b/c` → [`/a/b/c`, `/a/b`, `/a`, `/`]. */
function selfAndAncestors(cgroupPath: string): string[] {
  const out: string[] = [];
  let p = posix.normalize(`/${cgroupPath}`);
  for (;;) {
    out.push(p);
    if (p === '/') return out;
    p = posix.dirname(p);
  }
}

/** The smallest CPU quota (in CPUs, fractional) over the cgroup hierarchy, or null when unlimited. */
export function cgroupCpuQuota(read: ReadFile = readIf): number | null {
  const self = read('/proc/self/cgroup') ?? '';
  let best: number | null = null;
  const consider = (quota: number, period: number): void => {
    if (!(quota > 0) || !(period > 0)) return;
    const cpus = quota / period;
    if (best === null || cpus < best) best = cpus;
  };
  // cgroup v2: "0::/path". Inside a cgroup namespace the path is "/" and the mount is our own cgroup.
  const v2 = /^0::(.*)$/m.exec(self)?.[1]?.trim() ?? '/';
  for (const dir of selfAndAncestors(v2)) {
    const max = read(join('/sys/fs/cgroup', dir, 'cpu.max'))?.trim().split(/\s+/);
    if (max && max[0] !== 'max' && max[1]) consider(Number(max[0]), Number(max[1]));
  }
  // cgroup v1: "N:cpu,cpuacct:/path", mounted at /sys/fs/cgroup/cpu (or cpu,cpuacct).
  const v1 = /^\d+:([^:]*\bcpu\b[^:]*):(.*)$/m.exec(self);
  if (v1) {
    for (const mount of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct', `/sys/fs/cgroup/${v1[1]}`]) {
      for (const dir of selfAndAncestors(v1[2]!.trim())) {
        const quota = read(join(mount, dir, 'cpu.cfs_quota_us'));
        const period = read(join(mount, dir, 'cpu.cfs_period_us'));
        if (quota !== null && period !== null) consider(Number(quota.trim()), Number(period.trim()));
      }
    }
  }
  return best;
}

/**
 * The CPUs this process may use, ascending. Never empty.
 * On Linux the affinity mask ∩ cgroup cpuset, clamped to ceil(cgroup CPU quota);
 * elsewhere 0..availableParallelism()-1.
 */
export function allowedCpus(read: ReadFile = readIf, platform: NodeJS.Platform = process.platform): number[] {
  const fallback = (): number[] => Array.from({ length: Math.max(1, availableParallelism()) }, (_, i) => i);
  if (platform !== 'linux') return fallback();
  const status = read('/proc/self/status');
  const m = status?.match(/^Cpus_allowed_list:\s*(.+)$/m);
  let cpus = m ? parseCpuList(m[1]!) : [];
  if (cpus.length === 0) return fallback();
  // The kernel already intersects the mask with the cpuset; read it anyway, as asked of us.
  const v2 = /^0::(.*)$/m.exec(read('/proc/self/cgroup') ?? '')?.[1]?.trim() ?? '/';
  const cpuset = read(join('/sys/fs/cgroup', v2, 'cpuset.cpus.effective')) ?? read('/sys/fs/cgroup/cpuset.cpus.effective');
  if (cpuset?.trim()) {
    const inSet = new Set(parseCpuList(cpuset));
    const both = cpus.filter((c) => inSet.has(c));
    if (both.length > 0) cpus = both;
  }
  cpus.sort((x, y) => x - y);
  const quota = cgroupCpuQuota(read);
  if (quota !== null) {
    const n = Math.max(1, Math.ceil(quota - 1e-9));
    if (n < cpus.length) cpus = cpus.slice(0, n);
  }
  return cpus;
}

/** How many CPUs this process may use. */
export function cpuCount(): number {
  return allowedCpus().length;
}

/**
 * Split `cpus` into exactly `workers` contiguous blocks of near-equal size (each non-empty).
 * More workers than CPUs: one CPU per block, reused round-robin.
 */
export function planBlocks(cpus: readonly number[], workers: number): number[][] {
  const n = Math.max(1, Math.floor(workers));
  if (cpus.length === 0) return Array.from({ length: n }, () => []);
  if (n >= cpus.length) return Array.from({ length: n }, (_, i) => [cpus[i % cpus.length]!]);
  const blocks: number[][] = [];
  for (let i = 0; i < n; i++) blocks.push(cpus.slice(Math.floor((i * cpus.length) / n), Math.floor(((i + 1) * cpus.length) / n)));
  return blocks;
}

/** The taskset binary, when this is Linux and it is installed; null otherwise. */
export function findTaskset(): string | null {
  if (process.platform !== 'linux') return null;
  const dirs = ['/usr/bin', '/bin', '/usr/local/bin', ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'taskset');
    if (existsSync(p)) return p;
  }
  return null;
}

/** CPU seconds (user + system) the calling thread has used, from /proc/thread-self/stat; null off Linux. */
export function threadCpuSeconds(): number | null {
  const stat = readIf('/proc/thread-self/stat');
  if (stat === null) return null;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of proc(5), in USER_HZ (100) ticks.
  return (Number(f[11]) + Number(f[12])) / 100;
}
