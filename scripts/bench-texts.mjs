// The texts replay counts in a log (prompt text, output, output after its first chunk), read
// the way replay decodes them, handed to `onSlice` ~64M characters at a time: the input of the
// benches' native-encodeBatch baseline, which holds one slice at a time so its speed does not
// depend on the log's size (a whole 4 GB log's texts in one heap slowed it down by half).
// Returns how many inputs were structured (chat-template inputs the baseline cannot count as text).
import { decodeLogLine } from '../dist/decode/index.js';
import { openLog, readLines } from '../dist/read/index.js';
import { oslInput, tpotInput } from '../dist/aggregate/index.js';

const SLICE_CHARS = 64 << 20;

export async function forTextSlices(log, onSlice) {
  let texts = [];
  let chars = 0;
  let structured = 0;
  const flush = async () => {
    if (texts.length) await onSlice(texts);
    texts = [];
    chars = 0;
  };
  const add = (t) => {
    texts.push(t);
    chars += t.length;
  };
  for await (const lines of readLines(openLog(log))) {
    for (const l of lines) {
      const d = decodeLogLine(l);
      if (!d.ok || !d.event.data) continue;
      const data = d.event.data;
      if (data.tag === 'PromptData' && data.text) add(data.text);
      if (data.tag === 'TextModelOutput') {
        for (const input of [oslInput(data), tpotInput(data)]) {
          if (!input) continue;
          if (input.kind === 'text') add(input.text);
          else structured++;
        }
      }
    }
    if (chars >= SLICE_CHARS) await flush();
  }
  await flush();
  return structured;
}
