// base's public entry point: what scripts and embedders use from outside src/.
export { allowedCpus, cpuCount } from './cpus.js';
export { ReplayError } from './errors.js';
