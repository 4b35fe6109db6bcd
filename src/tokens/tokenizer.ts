// A loaded tokenizer: the text counter plus the chat template, ready to count
// any batch of inputs.
//
// The chat template is settled as transformers' AutoTokenizer.from_pretrained
// settles it (tokenization_utils_base._from_pretrained): template files beside
// the tokenizer take priority over tokenizer_config.json's `chat_template`.
// chat_template.jinja is the template named "default", and each
// additional_chat_templates/<name>.jinja the template <name>; when the default
// is the only one, the tokenizer's template is that string, otherwise the named
// set (which replaces the config's template whatever it was). Without template
// files, the config's `chat_template` (a string, or a list of {name, template})
// is used as written. chat_template.json is a processor's file: a tokenizer
// never reads it.
import { createHash } from 'node:crypto';
import { readBounded } from '../base/files.js';
import { ReplayError } from '../base/errors.js';
import type { ChatTemplate, ChatTemplateSource } from './chatTemplate.js';
import { type BackendChoice, type BatchCounts, type TextCounter } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';
import { chatTemplateFiles, PROCESSOR_CHAT_TEMPLATE_FILE, type TokenizerFiles } from './resolve.js';
import { dirname } from 'node:path';

export interface LoadedTokenizer {
  text: TextCounter;
  chat: ChatTemplate;
  /** `noteOf` (optional) receives each input's note, null for none (countBatch). */
  count(inputs: readonly CountableInput[], noteOf?: Array<string | null>): Promise<BatchCounts>;
}

/** Where the chat template came from, for the manifest. */
export interface ChatTemplateProvenance {
  /** 'chat_template.jinja', 'additional_chat_templates', both joined by ' + ', 'tokenizer_config.json', or null (none). */
  source: string | null;
  /** Template names when the tokenizer has a named set (default, tool_use, ...); null for a single template. */
  names: string[] | null;
  /** The files the template was read from, each with its SHA-256. */
  files: Array<{ path: string; sha256: string }>;
  /** SHA-256 of the template as used: the string, or the named set as JSON. */
  sha256: string | null;
  /** Files beside the tokenizer that transformers' tokenizer does not read. */
  ignored: string[];
}

/** tokenizer_config.json with its chat template settled, and where that came from. */
export interface ChatSetup {
  config: ChatTemplateSource;
  provenance: ChatTemplateProvenance;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A template file as Python's open(path, encoding="utf-8").read() returns it:
 * strict UTF-8 (a BOM is kept as U+FEFF), universal newlines (\r\n and \r become \n).
 */
function readTemplateFile(path: string): { text: string; sha256: string } {
  const bytes = readBounded(path, 'chat template');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ReplayError(`${path}: the chat template is not valid UTF-8 (transformers cannot load this tokenizer either)`, 'fix or remove the file');
  }
  return { text: text.replace(/\r\n?/g, '\n'), sha256: sha256(bytes) };
}

function readConfig(path: string): { config: ChatTemplateSource; sha256: string } {
  const bytes = readBounded(path, 'tokenizer_config.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    if (err instanceof ReplayError) throw err;
    throw new ReplayError(`${path}: tokenizer_config.json is not valid JSON (${(err as Error).message})`, 'fix the file, or pass --tokenizer with a model directory whose config parses');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ReplayError(`${path}: tokenizer_config.json is not a JSON object`, 'fix the file');
  return { config: parsed as ChatTemplateSource, sha256: sha256(bytes) };
}

/** Reads tokenizer_config.json and the template files, and settles the template as transformers does. */
export function readChatSetup(files: TokenizerFiles): ChatSetup {
  const { config, sha256: configSha } = files.tokenizerConfig ? readConfig(files.tokenizerConfig) : { config: {} as ChatTemplateSource, sha256: '' };
  const { processorFile } = files.chatTemplates;
  // additional_chat_templates/file.jinja lands under transformers' own key for
  // chat_template.jinja ("chat_template_file") and so replaces it as the default.
  const asDefault = files.chatTemplates.named.find((n) => n.name === 'file');
  const file = asDefault?.path ?? files.chatTemplates.file;
  const named = files.chatTemplates.named.filter((n) => n !== asDefault);
  const ignored = processorFile ? [processorFile] : [];
  const templates: Array<{ name: string; template: string }> = [];
  const read: Array<{ path: string; sha256: string }> = [];
  if (file) {
    const t = readTemplateFile(file);
    templates.push({ name: 'default', template: t.text });
    read.push({ path: file, sha256: t.sha256 });
  }
  for (const n of named) {
    const t = readTemplateFile(n.path);
    // A later file of the same name replaces the earlier entry, as in transformers' dict.
    const at = templates.findIndex((x) => x.name === n.name);
    if (at >= 0) templates.splice(at, 1);
    templates.push({ name: n.name, template: t.text });
    read.push({ path: n.path, sha256: t.sha256 });
  }
  if (templates.length > 0) {
    const single = templates.length === 1 && templates[0]!.name === 'default';
    const chatTemplate = single ? templates[0]!.template : templates;
    const source = [files.chatTemplates.file && !asDefault ? 'chat_template.jinja' : null, files.chatTemplates.named.length > 0 ? 'additional_chat_templates' : null].filter(Boolean).join(' + ');
    return {
      config: { ...config, chat_template: chatTemplate },
      provenance: { source, names: single ? null : templates.map((t) => t.name), files: read, sha256: templateSha(chatTemplate), ignored },
    };
  }
  const own = config.chat_template;
  if (typeof own === 'string' || Array.isArray(own)) {
    return {
      config,
      provenance: {
        source: 'tokenizer_config.json',
        names: Array.isArray(own) ? own.map((t) => String(t?.name)) : null,
        files: [{ path: files.tokenizerConfig!, sha256: configSha }],
        sha256: templateSha(own),
        ignored,
      },
    };
  }
  return { config, provenance: { source: null, names: null, files: [], sha256: null, ignored } };
}

function templateSha(t: string | Array<{ name: string; template: string }>): string {
  return sha256(typeof t === 'string' ? t : JSON.stringify(t.map((x) => [x.name, x.template])));
}

/**
 * Load the counter and the chat template. `setup` is the settled template
 * (readChatSetup); without it, the files beside `tokenizerJson` are read here.
 */
export async function loadTokenizer(backend: BackendChoice, tokenizerJson: string, tokenizerConfig: string | null, setup?: ChatTemplateSource): Promise<LoadedTokenizer> {
  const config = setup ?? readChatSetup({ tokenizerJson, tokenizerConfig, chatTemplates: chatTemplateFiles(dirname(tokenizerJson)) }).config;
  // Loaded on first use: a pooled run's main thread reads the chat setup here but never counts.
  const [{ ChatTemplate }, { countBatch }, { loadTextCounter }] = await Promise.all([import('./chatTemplate.js'), import('./count.js'), import('./textCounter.js')]);
  const text = await loadTextCounter(backend, tokenizerJson, tokenizerConfig);
  const chat = await ChatTemplate.create(config, (texts) => text.countTexts(texts));
  return { text, chat, count: (inputs, noteOf) => countBatch(inputs, text, chat, noteOf) };
}

/** The manifest's note on a processor template file the tokenizer does not read. */
export const IGNORED_TEMPLATE_NOTE = `${PROCESSOR_CHAT_TEMPLATE_FILE} is a processor's template file: transformers' AutoTokenizer (the reference) does not read it`;
