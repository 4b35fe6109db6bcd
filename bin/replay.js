#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { escapeControls } from '../dist/base/terminal.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // The stack's lines kept, any control character from a message escaped.
    process.stderr.write(`replay: internal error: ${String(err && err.stack ? err.stack : err).split('\n').map(escapeControls).join('\n')}\n`);
    process.exitCode = 70;
  },
);
