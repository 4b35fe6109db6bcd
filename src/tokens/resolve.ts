// Find a tokenizer on disk: an explicit path, or a model name looked up in the
// local Hugging Face cache. Never downloads.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { ReplayError } from '../base/errors.js';

export interface TokenizerFiles {
  tokenizerJson: string;
  /** tokenizer_config.json beside it (chat template, special tokens), when present. */
  tokenizerConfig: string | null;
}

/** The files in a model directory, looking one level into models/ as npm tokenizer packages lay them out. */
function fromDirectory(dir: string): TokenizerFiles | null {
  for (const d of [dir, join(dir, 'models')]) {
    const json = join(d, 'tokenizer.json');
    if (existsSync(json)) {
      const cfg = join(d, 'tokenizer_config.json');
      return { tokenizerJson: json, tokenizerConfig: existsSync(cfg) ? cfg : null };
    }
  }
  return null;
}

/** `--tokenizer PATH`: a tokenizer.json file or a directory holding one. */
export function tokenizerFromPath(path: string): TokenizerFiles {
  if (!existsSync(path)) {
    throw new ReplayError(`tokenizer ${path}: no such file or directory`, 'pass --tokenizer with a tokenizer.json or a model directory that holds one');
  }
  if (statSync(path).isDirectory()) {
    const found = fromDirectory(path);
    if (!found) throw new ReplayError(`tokenizer ${path}: no tokenizer.json in this directory (or its models/)`, 'pass --tokenizer with a tokenizer.json or a model directory that holds one');
    return found;
  }
  const cfg = join(dirname(path), 'tokenizer_config.json');
  return { tokenizerJson: path, tokenizerConfig: existsSync(cfg) ? cfg : null };
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

/**
 * A model name ("org/model") from config.yaml: a local directory of that name,
 * else the cached snapshot (refs/main first, then any snapshot).
 */
export function tokenizerFromName(name: string, runDir: string | null, env: NodeJS.ProcessEnv = process.env): TokenizerFiles {
  const looked: string[] = [];
  // A local path (as config.yaml allows), relative to the run directory or the working directory.
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
    const ref = join(repo, 'refs', 'main');
    if (existsSync(ref)) candidates.push(join(snapshots, readFileSync(ref, 'utf8').trim()));
    if (existsSync(snapshots)) candidates.push(...readdirSync(snapshots).sort().map((s) => join(snapshots, s)));
    for (const c of candidates) {
      const found = fromDirectory(c);
      if (found) return found;
    }
  }
  throw new ReplayError(
    `tokenizer "${name}" (from config.yaml) not found locally; looked in: ${looked.join(', ')}`,
    'pass --tokenizer PATH (a tokenizer.json or model directory), or --no-tokenizer to replay without token metrics',
  );
}
