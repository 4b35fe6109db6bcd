// The log digest (src/read/blockDigest.ts) as Python's hashlib computes it, from
// the definition the manifest documents: an independent value to compare with.
import { execFileSync } from 'node:child_process';

const SCRIPT = `import hashlib, sys
f = open(sys.argv[1], 'rb')
print(hashlib.sha256(b''.join(hashlib.sha256(b).digest() for b in iter(lambda: f.read(1 << 20), b''))).hexdigest())`;

export function pyLogDigest(path: string): string {
  return execFileSync('python3', ['-c', SCRIPT, path], { encoding: 'utf8' }).trim();
}
