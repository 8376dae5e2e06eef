// The signature table that wasmpool-cc embeds in a module's .js: where it lies, for the
// tests that read it (cli.spec.ts) or take it out (signatures.spec.ts).

/**
 * Where the table's JSON lies in a module (after `Module["wasmpoolSignatures"]=`), or null.
 * `at` is where the assignment starts; its braces are balanced outside strings.
 */
export function signatureTable(js: string): { at: number; start: number; end: number } | null {
  const m = /Module\[["']wasmpoolSignatures["']\]\s*=\s*/.exec(js);
  if (!m) return null;
  const start = m.index + m[0].length;
  let depth = 0;
  for (let i = start; i < js.length; i++) {
    const c = js[i];
    if (c === '"') {
      for (i++; i < js.length && js[i] !== '"'; i++) if (js[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { at: m.index, start, end: i + 1 };
  }
  return null;
}
