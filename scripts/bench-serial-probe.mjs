// Preloaded into the replay CLI by bench-serial.mjs (node --import): at exit,
// writes the CPU time of each of the process's threads and of its reaped
// children (every worker process) from /proc, to $BENCH_SERIAL_PROBE.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const ticks = (stat) => {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5), counted from 3 after the command name: utime, stime, cutime, cstime.
  return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
};
const name = (stat) => stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));

process.on('exit', () => {
  const threads = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      threads.push({ tid: Number(tid), name: name(stat), ticks: ticks(stat).own });
    } catch {
      /* ended meanwhile */
    }
  }
  const self = ticks(readFileSync('/proc/self/stat', 'utf8'));
  writeFileSync(process.env.BENCH_SERIAL_PROBE, JSON.stringify({ pid: process.pid, threads, processTicks: self.own, childTicks: self.children }));
});
