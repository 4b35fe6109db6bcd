// yargs, as the command line imports it. The build (scripts/bundle.mjs) replaces
// the compiled file with the package bundled into one module (~25 ms less CPU at
// every start), its string-width loaded only for help text that is not
// printable ASCII (~24 ms less again). Bundled, yargs finds no locale files and
// speaks English whatever the environment's LANG, as replay's own messages do.
export { default } from 'yargs';
export { hideBin } from 'yargs/helpers';
