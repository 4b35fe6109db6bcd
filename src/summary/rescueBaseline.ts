// A second --in-place finds the run's summary already corrected: the rescue is
// then stated against the original that the first one backed up, so the
// manifest keeps what that rescue changed instead of "nothing changed".
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readBounded, readBoundedText } from '../base/files.js';
import { type PyJson } from '../model/json.js';
import { parsePyJson, toPyJson } from '../py/json.js';

export interface RescueBaseline {
  /** The backup holding the original summary. */
  path: string;
  raw: Record<string, PyJson>;
  sha256: string;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function readRegular(path: string): Buffer | null {
  try {
    if (!lstatSync(path).isFile()) return null;
    return readBounded(path, 'result_summary.json', { noFollow: true });
  } catch {
    return null;
  }
}

function asSummary(bytes: Buffer): Record<string, PyJson> | null {
  try {
    const v = parsePyJson(bytes.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, PyJson>) : null;
  } catch {
    return null;
  }
}

/** The backup an earlier --in-place named in `outDir`'s manifest, else the only backup beside the summary. */
function backupCandidate(outDir: string, summaryPath: string): { path: string; sha256: string | null } | null {
  try {
    const manifest = JSON.parse(readBoundedText(join(outDir, 'replay_manifest.json'), 'replay_manifest.json', { noFollow: true })) as { in_place?: { backup?: unknown; original_sha256?: unknown } };
    const b = manifest.in_place?.backup;
    const sha = manifest.in_place?.original_sha256;
    if (typeof b === 'string' && dirname(b) === dirname(summaryPath)) return { path: b, sha256: typeof sha === 'string' ? sha : null };
  } catch {
    /* no earlier manifest, or not one of replay's: look beside the summary */
  }
  let names: string[];
  try {
    names = readdirSync(dirname(summaryPath)).filter((n) => n.startsWith(`${basename(summaryPath)}.orig-`) && !n.endsWith('.tmp'));
  } catch {
    return null;
  }
  return names.length === 1 ? { path: join(dirname(summaryPath), names[0]!), sha256: null } : null;
}

/** When the summary at `summaryPath` already is `corrected`, byte for byte: the original it replaced, if its backup is found. */
export function previousRescueBaseline(outDir: string, summaryPath: string, corrected: { [k: string]: PyJson | undefined }): RescueBaseline | null {
  const now = readRegular(summaryPath);
  if (now === null || !now.equals(Buffer.from(toPyJson(corrected as PyJson), 'utf8'))) return null;
  const found = backupCandidate(outDir, summaryPath);
  if (!found) return null;
  const bytes = readRegular(found.path);
  if (bytes === null) return null;
  const sha = sha256(bytes);
  if (found.sha256 !== null && found.sha256 !== sha) return null;
  const raw = asSummary(bytes);
  return raw ? { path: found.path, raw, sha256: sha } : null;
}
