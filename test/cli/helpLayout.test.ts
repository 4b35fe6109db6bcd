// The bundled yargs (dist/vendor/yargs.js, built by scripts/bundle.mjs) measures
// help text with a stand-in for string-width: printable ASCII by its length, any
// other text by the package. Its help must be laid out exactly as the yargs
// package's, for ASCII and for text whose width is not its length (wide CJK,
// emoji, combining marks, ANSI colours, a tab), in the left column and wrapped.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import yargsPackage from 'yargs';

const BUNDLE = pathToFileURL(join(__dirname, '..', '..', 'dist', 'vendor', 'yargs.js')).href;

type Yargs = typeof yargsPackage;

const DESCRIPTIONS: Record<string, string> = {
  ascii: 'Column labels, one per input in order (default: the model, the load pattern and the concurrency or QPS of each run)',
  dot: 'Column labels, one per input in order (default: model · load pattern · concurrency)',
  dash: 'Template files found but not used — a processor\'s template file is not read by AutoTokenizer',
  cjk: '每个输入一个列标签，按顺序排列（默认：模型、负载模式和并发数或每秒查询数）',
  emoji: 'Shown on the report 📈 beside each run 🚀🚀 and in the legend of every chart 👍🏽',
  combining: 'Cafe\u0301 and nai\u0308ve labels, with combining marks that take no column of their own',
  ansi: '\u001b[1mbold\u001b[22m and \u001b[31mred\u001b[39m words, whose escapes take no column',
  tab: 'a tab\there, and a control character \u0007 too',
};

async function help(yargs: Yargs, width: number): Promise<string> {
  let parser = yargs([])
    .scriptName('replay')
    .wrap(width)
    .usage('$0 <cmd> — the 命令 line')
    .command('compare <inputs..>', 'Compare runs · side by side — 並べて比較', () => {})
    .command('表示 <run>', 'A command named in CJK, so the left column holds wide text', () => {});
  for (const [name, describe] of Object.entries(DESCRIPTIONS)) parser = parser.option(name, { type: 'string', describe });
  parser = parser.option('列标签', { type: 'string', describe: DESCRIPTIONS.ascii }).option('emoji-🚀', { type: 'boolean', describe: DESCRIPTIONS.cjk });
  return parser.getHelp();
}

describe('the bundled yargs lays out help as the yargs package does', () => {
  for (const width of [40, 80, 110]) {
    it(`at a width of ${width} columns`, async () => {
      const { default: bundled } = (await import(BUNDLE)) as { default: Yargs };
      const expected = await help(yargsPackage, width);
      // The case must exercise both paths: wide text wraps differently from its length.
      expect(expected).toContain('每个');
      expect(await help(bundled, width)).toBe(expected);
    });
  }
});
