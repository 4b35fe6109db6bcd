// A worker entry for the pool's fault tests: loads like the real worker
// (answers init with ready), then dies on every batch or task it is given.
process.on('message', (msg) => {
  if (msg.type === 'init') process.send({ type: 'ready', pid: process.pid, cpus: null, backend: { used: 'bpe', fallback: null } });
  else process.exit(9);
});
process.on('disconnect', () => process.exit(0));
