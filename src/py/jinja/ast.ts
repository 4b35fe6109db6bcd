// The template AST as @huggingface/jinja's parser builds it, and walks over it.

export interface Node {
  type: string;
  [k: string]: unknown;
}

/** Visit every AST node below `root` (through arrays and Map literals); `visit` returning false skips a node's children. */
export function walkNodes(root: unknown, visit: (node: Node) => boolean | void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n instanceof Map) {
      for (const [k, v] of n) {
        walk(k);
        walk(v);
      }
      return;
    }
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    if (visit(node) === false) return;
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v);
  };
  walk(root);
}

/** Names a macro body reads without declaring (jinja2 decides varargs/kwargs/caller support from these). */
export function referencedNames(body: unknown, out = new Set<string>()): Set<string> {
  walkNodes(body, (node) => {
    if (node.type === 'Identifier') out.add(node['value'] as string);
    return node.type !== 'Macro'; // nested macros have their own arguments
  });
  return out;
}
