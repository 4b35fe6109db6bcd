// Find a tokenizer on disk: an explicit path, or a model id ("org/name") looked
// up in the local Hugging Face cache. Never downloads. Also finds the chat
// template files a model ships beside its tokenizer, as transformers'
// AutoTokenizer.from_pretrained looks for them.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { ReplayError } from '../base/errors.js';
import { readBoundedText } from '../base/files.js';

/** transformers' CHAT_TEMPLATE_FILE and CHAT_TEMPLATE_DIR. */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';
export const CHAT_TEMPLATE_DIR = 'additional_chat_templates';
/** transformers' LEGACY_PROCESSOR_CHAT_TEMPLATE_FILE: read by processors only, never by a tokenizer. */
export const PROCESSOR_CHAT_TEMPLATE_FILE = 'chat_template.json';

/** The template files beside a tokenizer. */
export interface ChatTemplateFiles {
  /** chat_template.jinja: the default template, ahead of tokenizer_config.json's. */
  file: string | null;
  /** additional_chat_templates/<name>.jinja, by name (sorted). */
  named: Array<{ name: string; path: string }>;
  /** chat_template.json when present: AutoTokenizer does not read it (the manifest says so). */
  processorFile: string | null;
}

export interface TokenizerFiles {
  tokenizerJson: string;
  /** tokenizer_config.json beside it (chat template, special tokens), when present. */
  tokenizerConfig: string | null;
  chatTemplates: ChatTemplateFiles;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * The chat template files of model directory `dir`. As transformers: chat_template.jinja
 * in the directory, and every `*.jinja` entry of additional_chat_templates/ (named by its
 * file name without the suffix). A non-file entry ending in .jinja is listed too, so that
 * reading it fails as transformers' open() would; a chat_template.jinja that is not a
 * file is absent to transformers, and so here.
 */
export function chatTemplateFiles(dir: string): ChatTemplateFiles {
  const file = join(dir, CHAT_TEMPLATE_FILE);
  const namedDir = join(dir, CHAT_TEMPLATE_DIR);
  const named =
    existsSync(namedDir) && statSync(namedDir).isDirectory()
      ? readdirSync(namedDir)
          .filter((n) => n.endsWith('.jinja'))
          .sort()
          .map((n) => ({ name: n.slice(0, -'.jinja'.length), path: join(namedDir, n) }))
      : [];
  const processorFile = join(dir, PROCESSOR_CHAT_TEMPLATE_FILE);
  return { file: isFile(file) ? file : null, named, processorFile: isFile(processorFile) ? processorFile : null };
}

function filesIn(dir: string, tokenizerJson: string): TokenizerFiles {
  const cfg = join(dir, 'tokenizer_config.json');
  return { tokenizerJson, tokenizerConfig: existsSync(cfg) ? cfg : null, chatTemplates: chatTemplateFiles(dir) };
}

/** The files in a model directory, looking one level into models/ as npm tokenizer packages lay them out. */
function fromDirectory(dir: string): TokenizerFiles | null {
  for (const d of [dir, join(dir, 'models')]) {
    const json = join(d, 'tokenizer.json');
    if (existsSync(json)) return filesIn(d, json);
  }
  return null;
}

/** A model id as the Hub spells one ("name" or "org/name"), not a filesystem path. */
export function looksLikeModelId(s: string): boolean {
  return /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/.test(s) && !s.endsWith('.json') && !s.includes('..');
}

const TOKENIZER_HINT = 'pass --tokenizer with a tokenizer.json, a model directory that holds one, or a model id cached locally (org/name)';

/**
 * `--tokenizer X`: a tokenizer.json file or a directory holding one; when no such path
 * exists and X reads as a model id, the model in the local Hugging Face cache.
 */
export function tokenizerFromPath(path: string, env: NodeJS.ProcessEnv = process.env): TokenizerFiles {
  if (!existsSync(path)) {
    if (looksLikeModelId(path)) return tokenizerFromName(path, null, env, 'from --tokenizer');
    throw new ReplayError(`tokenizer ${path}: no such file or directory`, TOKENIZER_HINT);
  }
  if (statSync(path).isDirectory()) {
    const found = fromDirectory(path);
    if (!found) throw new ReplayError(`tokenizer ${path}: no tokenizer.json in this directory (or its models/)`, TOKENIZER_HINT);
    return found;
  }
  return filesIn(dirname(path), path);
}

/** Hugging Face hub cache roots, in the order huggingface_hub consults them. */
export function hubCacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env['HF_HUB_CACHE']) dirs.push(env['HF_HUB_CACHE']);
  if (env['HUGGINGFACE_HUB_CACHE']) dirs.push(env['HUGGINGFACE_HUB_CACHE']);
  if (env['HF_HOME']) dirs.push(join(env['HF_HOME'], 'hub'));
  const xdg = env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  dirs.push(join(xdg, 'huggingface', 'hub'));
  return [...new Set(dirs)];
}

/** A snapshot name from refs/main: a commit hash, never a path. */
function snapshotRef(refFile: string): string | null {
  const ref = readBoundedText(refFile, 'HF cache ref').trim();
  return /^[A-Za-z0-9._-]+$/.test(ref) && ref !== '.' && ref !== '..' ? ref : null;
}

/**
 * A model id ("org/model"): a local directory of that name (relative to the run
 * directory, then the working directory), else the cached snapshot (refs/main
 * first, then any snapshot). `origin` says where the id came from, for the error.
 */
export function tokenizerFromName(name: string, runDir: string | null, env: NodeJS.ProcessEnv = process.env, origin = 'from config.yaml'): TokenizerFiles {
  const looked: string[] = [];
  const local = [runDir && !isAbsolute(name) ? join(runDir, name) : null, name].filter((p): p is string => p !== null);
  for (const dir of local) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const found = fromDirectory(dir);
    if (found) return found;
    looked.push(dir);
  }
  const repoDir = `models--${name.replace(/\//g, '--')}`;
  for (const root of hubCacheDirs(env)) {
    const repo = join(root, repoDir);
    looked.push(repo);
    if (!existsSync(repo)) continue;
    const snapshots = join(repo, 'snapshots');
    const candidates: string[] = [];
    const refFile = join(repo, 'refs', 'main');
    const ref = existsSync(refFile) ? snapshotRef(refFile) : null;
    if (ref) candidates.push(join(snapshots, ref));
    if (existsSync(snapshots)) candidates.push(...readdirSync(snapshots).sort().map((s) => join(snapshots, s)));
    for (const c of candidates) {
      const found = fromDirectory(c);
      if (found) return found;
    }
  }
  throw new ReplayError(
    `tokenizer "${name}" (${origin}) not found locally; looked in: ${looked.join(', ')}`,
    'pass --tokenizer PATH (a tokenizer.json or model directory), download the model into the Hugging Face cache, or --no-tokenizer to replay without token metrics',
  );
}
