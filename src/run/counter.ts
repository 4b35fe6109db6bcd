// Which counter a run's tokens are counted with: none (no tokenizer), one in
// this process (--workers 0), a pool of workers, or the caller's own; and the
// chat template they all use, settled once here.
import { ReplayError } from '../base/errors.js';
import type { BackendChoice, BatchCounter } from '../model/counting.js';
import type { ChatTemplateSource } from '../tokens/chatTemplate.js';
import { shardWorkerScript } from '../pipeline/sharded.js';
import { BAD_TOKENIZER_HINT, TokenizerPool } from '../tokens/pool/pool.js';
import type { TokenizerFiles } from '../tokens/resolve.js';
import { IGNORED_TEMPLATE_NOTE, loadTokenizer, readChatSetup, type ChatSetup } from '../tokens/tokenizer.js';

export type RunCounter = BatchCounter & { close?: () => Promise<void>; workers?: number };

/** Builds the counter for a tokenizer (tests and embedders supply their own). */
export type MakeCounter = (files: TokenizerFiles, backend: BackendChoice, workers: number | undefined, chatSetup: ChatTemplateSource) => Promise<RunCounter>;

export interface CounterChoice {
  /** null: no tokenizer, nothing is counted. */
  counter: RunCounter | null;
  /** The sharded replay's pool (its workers decode and count the log where it lies); null with a custom counter or no tokenizer. */
  shardPool: TokenizerPool | null;
  chat: ChatSetup | null;
  /** Resolves when the workers have loaded the tokenizer; rejects if they cannot. */
  ready: Promise<void>;
  /** Aborted when the workers cannot load the tokenizer: the replay stops reading. */
  startFailed: AbortSignal;
  /** Template files found but not used. */
  warnings: string[];
}

export async function chooseCounter(tokenizer: TokenizerFiles | null, backend: BackendChoice, workers: number | undefined, make?: MakeCounter): Promise<CounterChoice> {
  const chat = tokenizer ? readChatSetup(tokenizer) : null;
  if (!tokenizer || !chat) return { counter: null, shardPool: null, chat, ready: Promise.resolve(), startFailed: new AbortController().signal, warnings: [] };
  // --workers 0: the same shards, run in this process (the tokenizer loaded here first, so a bad one is a one-line error).
  const counter: RunCounter = make
    ? await make(tokenizer, backend, workers, chat.config)
    : workers === 0
      ? TokenizerPool.inProcess(await loadRunTokenizer(tokenizer, backend, chat.config))
      : TokenizerPool.launch({ tokenizerJson: tokenizer.tokenizerJson, tokenizerConfig: tokenizer.tokenizerConfig, chatSetup: chat.config, backend, workers, script: shardWorkerScript() });
  const shardPool = !make && counter instanceof TokenizerPool ? counter : null;
  const noTemplate = chat.provenance.source ? '' : '; this tokenizer has no chat template, so chat inputs are counted as plain text, as the reference does';
  const warnings = chat.provenance.ignored.map((f) => `${f}: not used — ${IGNORED_TEMPLATE_NOTE}${noTemplate}`);
  // The workers load the tokenizer while the log is read; if they cannot, reading stops.
  const ready = counter instanceof TokenizerPool ? counter.ready : Promise.resolve();
  const failed = new AbortController();
  ready.catch((err: unknown) => failed.abort(err));
  return { counter, shardPool, chat, ready, startFailed: failed.signal, warnings };
}

async function loadRunTokenizer(files: TokenizerFiles, backend: BackendChoice, chatSetup: ChatTemplateSource) {
  try {
    return await loadTokenizer(backend, files.tokenizerJson, files.tokenizerConfig, chatSetup);
  } catch (err) {
    // The file's own one-line error (a tokenizer refused for its size) is said as it is.
    if (err instanceof ReplayError) throw err;
    throw new ReplayError(`${files.tokenizerJson}: cannot load tokenizer (${(err as Error).message.split('\n')[0]})`, BAD_TOKENIZER_HINT);
  }
}
