/**
 * The prototype reader of wasmpool-cc: finds every function marked WP_EXPORT in C sources
 * and reads its prototype (return type, name, parameters with const, pointers and types)
 * into the signature table that the page marshals calls by (ts/protocol.ts).
 *
 * It is a small reader, not a C compiler: it blanks comments, strings and preprocessor lines,
 * then reads tokens. It understands qualifiers, attributes (`__attribute__((...))`,
 * `[[...]]`), line breaks anywhere, `T name[]`, the standard integer typedefs, and simple
 * typedefs in the sources it reads. Types on wasm32: `size_t`, `long` and pointers are 32
 * bits, `char` is signed.
 */

import type { ExportSignature, ParamSignature, ReturnSignature, ScalarType } from '../protocol';

/** A problem in a source, at a line; `error` ones stop the build. */
export interface Diagnostic {
  level: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

/** A WP_EXPORT function as found in one file. */
export interface Prototype {
  name: string;
  /** With a body (a definition), not only declared. */
  defined: boolean;
  /** The comment that documents it, cleaned of comment markers. */
  doc: string | undefined;
  signature: ExportSignature;
}

/** What one source file holds. */
export interface SourceInfo {
  prototypes: Prototype[];
  diagnostics: Diagnostic[];
}

// ---- C types ----

/** A C type as read: the base type, pointer depth, and whether the pointee is const. */
interface CType {
  base:
    | { kind: 'scalar'; scalar: ScalarType; char: boolean }
    | { kind: 'void' }
    | { kind: 'record'; name: string } // a struct or union
    | { kind: 'function' } // a function pointer
    | { kind: 'unsupported'; why: string };
  pointers: number;
  constPointee: boolean;
}

const QUALIFIERS = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', 'register', 'static', 'inline',
  '__inline', '__inline__', 'extern', '_Noreturn', '__extension__', '_Thread_local', 'auto',
  'WP_EXPORT', 'WP_NORETURN', 'EMSCRIPTEN_KEEPALIVE',
]);

/** Tokens followed by a parenthesised group that is not part of the type: attributes. */
const ATTRIBUTE_CALLS = new Set(['__attribute__', '__attribute', '__declspec', '_Alignas', 'alignas', '__asm__', '__asm', 'asm']);

const KEYWORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool', '_Complex', 'struct', 'union', 'enum']);

/** Typedefs of <stdint.h>, <stddef.h>, <stdbool.h>, <uchar.h> and <sys/types.h> on wasm32. */
const STANDARD_TYPEDEFS: Record<string, ScalarType> = {
  int8_t: 'i8', uint8_t: 'u8', int16_t: 'i16', uint16_t: 'u16',
  int32_t: 'i32', uint32_t: 'u32', int64_t: 'i64', uint64_t: 'u64',
  int_least8_t: 'i8', uint_least8_t: 'u8', int_least16_t: 'i16', uint_least16_t: 'u16',
  int_least32_t: 'i32', uint_least32_t: 'u32', int_least64_t: 'i64', uint_least64_t: 'u64',
  int_fast8_t: 'i8', uint_fast8_t: 'u8', int_fast16_t: 'i32', uint_fast16_t: 'u32',
  int_fast32_t: 'i32', uint_fast32_t: 'u32', int_fast64_t: 'i64', uint_fast64_t: 'u64',
  intmax_t: 'i64', uintmax_t: 'u64', intptr_t: 'i32', uintptr_t: 'u32',
  size_t: 'u32', ssize_t: 'i32', ptrdiff_t: 'i32',
  wchar_t: 'i32', char16_t: 'u16', char32_t: 'u32',
  bool: 'bool', _Bool: 'bool',
};

/** What `typedef T name;` in the sources made of `name`: its type's tokens. */
export type Typedefs = Map<string, string[]>;

const INTEGER: ReadonlySet<ScalarType> = new Set(['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64']);

function isIdentifier(token: string | undefined): token is string {
  return token !== undefined && /^[A-Za-z_]\w*$/.test(token);
}

/** A macro-like name (ALL_CAPS) that is not a type: left out of types, e.g. `MYLIB_API`. */
function isMacroName(token: string, typedefs: Typedefs): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(token) && !typedefs.has(token) && !(token in STANDARD_TYPEDEFS);
}

/** The scalar type of a list of C type keywords (`unsigned long long`), or an error. */
function keywordType(words: string[]): CType['base'] {
  const count = (w: string) => words.filter((x) => x === w).length;
  const unsigned = count('unsigned') > 0;
  const longs = count('long');
  if (count('_Complex')) return { kind: 'unsupported', why: 'complex numbers cannot cross to JavaScript' };
  if (count('void')) return { kind: 'void' };
  if (count('_Bool') || count('bool')) return { kind: 'scalar', scalar: 'bool', char: false };
  if (count('float')) return { kind: 'scalar', scalar: 'f32', char: false };
  if (count('double')) {
    return longs ? { kind: 'unsupported', why: 'long double is 128 bits on wasm32, which JavaScript cannot pass; use double' } : { kind: 'scalar', scalar: 'f64', char: false };
  }
  if (count('char')) {
    // Plain char is signed on wasm32; `char` alone also marks strings and byte buffers.
    return { kind: 'scalar', scalar: unsigned ? 'u8' : 'i8', char: !unsigned && !count('signed') };
  }
  if (count('short')) return { kind: 'scalar', scalar: unsigned ? 'u16' : 'i16', char: false };
  if (longs >= 2) return { kind: 'scalar', scalar: unsigned ? 'u64' : 'i64', char: false };
  return { kind: 'scalar', scalar: unsigned ? 'u32' : 'i32', char: false };
}

/**
 * Reads a type from its tokens (the declarator's name already removed): `const uint8_t *`,
 * `unsigned long long`, `struct point *`, `my_typedef`. Unknown names are reported through
 * `unknown` and read as `int` (most often an enum or an int typedef from a header).
 */
function readType(tokens: string[], typedefs: Typedefs, unknown: (name: string) => void, depth = 0): CType {
  let pointers = 0;
  let constPointee = false;
  const words: string[] = [];
  for (const t of tokens) {
    if (t === '*') pointers++;
    else if (t === 'const') {
      if (pointers === 0) constPointee = true;
    } else if (!QUALIFIERS.has(t) && isIdentifier(t)) words.push(t);
  }
  const type = (base: CType['base']): CType => ({ base, pointers, constPointee });
  // Macro-like names (`MYLIB_API`) are left out when a type remains.
  const typeWords = words.filter((w) => !isMacroName(w, typedefs));
  const use = typeWords.length > 0 ? typeWords : words;
  const first = use[0];
  if (first === undefined) return type({ kind: 'unsupported', why: 'it has no type' });
  if (first === 'struct' || first === 'union') return type({ kind: 'record', name: `${first} ${use[1] ?? ''}`.trim() });
  if (first === 'enum') return type({ kind: 'scalar', scalar: 'i32', char: false });
  if (use.some((w) => KEYWORDS.has(w))) return type(keywordType(use.filter((w) => KEYWORDS.has(w))));
  const name = use[use.length - 1]!;
  const standard = STANDARD_TYPEDEFS[name];
  if (standard) return type({ kind: 'scalar', scalar: standard, char: false });
  const aliased = typedefs.get(name);
  if (aliased && depth < 16) {
    if (aliased.includes('__wasmpool_function__')) return type({ kind: 'function' });
    const inner = readType(aliased, typedefs, unknown, depth + 1);
    if (inner.base.kind === 'record' && !inner.base.name.includes(' ')) inner.base = { kind: 'record', name: `${name} (a ${inner.base.name})` };
    // `const T *` with T a typedef: the pointee is T, const if written so here.
    return { base: inner.base, pointers: inner.pointers + pointers, constPointee: pointers === 0 ? inner.constPointee : constPointee };
  }
  unknown(name);
  return type({ kind: 'scalar', scalar: 'i32', char: false });
}

/** A type as C would write it, from tokens: `const uint8_t *`. */
function typeText(tokens: string[]): string {
  let out = '';
  for (const t of tokens) {
    if (t === '*') out += out.endsWith('*') || out === '' ? '*' : ' *';
    else if (t === '[' || t === ']') out += t;
    else out += (out === '' || out.endsWith('*') || out.endsWith('(') ? '' : ' ') + t;
  }
  return out.replace(/\( \*/g, '(*');
}

// ---- source text ----

/** A source file, scanned once (scan) and then read for typedefs, prototypes and definitions. */
export interface Scanned {
  /** The file's text as it is. */
  text: string;
  /** The text with comments, strings and preprocessor lines blanked (offsets kept). */
  code: string;
  comments: { start: number; end: number; text: string }[];
  /** The targets of its `#include "..."` directives, as written; none in comments or strings. */
  includes: string[];
}

/**
 * Where the string or character literal that opens at text[at] ends: past its closing quote,
 * or, unterminated (an apostrophe in the text of an `#if 0`), before its line's newline.
 */
function literalEnd(text: string, at: number): number {
  const quote = text[at];
  let k = at + 1;
  while (k < text.length && text[k] !== quote && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
  return text[k] === quote ? k + 1 : Math.min(k, text.length);
}

/** Blanks what is not declarations, keeping every offset and newline. */
export function scan(text: string): Scanned {
  const out = text.split('');
  const comments: Scanned['comments'] = [];
  const includes: string[] = [];
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      comments.push({ start: i, end, text: text.slice(i, end) });
      blank(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      let end = text.indexOf('*/', i + 2);
      end = end < 0 ? text.length : end + 2;
      comments.push({ start: i, end, text: text.slice(i, end) });
      blank(i, end);
      i = end;
    } else if (c === '"' || c === '\'') {
      const end = literalEnd(text, i);
      blank(i, end);
      i = end;
      lineStart = false;
    } else if (c === '#' && lineStart) {
      // A directive, to the end of its line (backslash continuations included), past the
      // comments and strings in it: `#define GLOB "/*"` opens no comment.
      let k = i;
      while (k < text.length && text[k] !== '\n') {
        const d = text[k];
        if (d === '\\' && text[k + 1] === '\n') k += 2;
        else if (d === '/' && text[k + 1] === '/') {
          const eol = text.indexOf('\n', k);
          k = eol < 0 ? text.length : eol;
        } else if (d === '/' && text[k + 1] === '*') {
          const end = text.indexOf('*/', k + 2);
          k = end < 0 ? text.length : end + 2;
        } else if (d === '"' || d === '\'') k = literalEnd(text, k);
        else k++;
      }
      const include = /^#\s*include\s*"([^"]+)"/.exec(text.slice(i, k));
      if (include) includes.push(include[1]!);
      blank(i, k);
      i = k;
    } else {
      if (c === '\n') lineStart = true;
      else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\f' && c !== '\v') lineStart = false;
      i++;
    }
  }
  return { text, code: out.join(''), comments, includes };
}

interface Token {
  text: string;
  at: number;
}

function tokenize(code: string, from = 0, to = code.length): Token[] {
  const tokens: Token[] = [];
  const re = /[A-Za-z_]\w*|\d[\w.]*|\.\.\.|\[\[|\]\]|\S/g;
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) && m.index < to) tokens.push({ text: m[0], at: m.index });
  return tokens;
}

/** Index just past the group that opens at tokens[i] (`(`, `[`, `{` or `[[`). */
function skipGroup(tokens: Token[], i: number): number {
  const open = tokens[i]!.text;
  if (open === '[[') {
    while (i < tokens.length && tokens[i]!.text !== ']]') i++;
    return i + 1;
  }
  const close = open === '(' ? ')' : open === '[' ? ']' : '}';
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (t === open) depth++;
    else if (t === close && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/** Drops attributes: `__attribute__((...))`, `__declspec(...)`, `[[...]]`, `alignas(...)`. */
function withoutAttributes(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!.text;
    if (ATTRIBUTE_CALLS.has(t) && tokens[i + 1]?.text === '(') i = skipGroup(tokens, i + 1);
    else if (t === '[[') i = skipGroup(tokens, i);
    else out.push(tokens[i++]!);
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A comment's text without its markers and the leading `*` of each line. */
function cleanComment(raw: string): string {
  const body = raw.startsWith('//') ? raw.replace(/^\/\/+ ?/gm, '') : raw.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
  const lines = body.split('\n').map((l) => l.replace(/^\s*\*(?!\/) ?/, '').replace(/\s+$/, ''));
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) return '';
  const rest = lines.slice(1);
  const indent = Math.min(Infinity, ...rest.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return [lines[0]!.trim(), ...rest.map((l) => l.slice(Number.isFinite(indent) ? indent : 0))].join('\n');
}

// ---- typedefs ----

/** Reads `typedef T name;` (also with struct/enum bodies and function pointers). */
export function readTypedefs({ code }: Scanned, into: Typedefs): void {
  const tokens = tokenize(code);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== 'typedef') continue;
    const body: string[] = [];
    let k = i + 1;
    let fn = false;
    let name: string | undefined;
    for (; k < tokens.length && tokens[k]!.text !== ';'; ) {
      const t = tokens[k]!.text;
      if (t === '{') {
        k = skipGroup(tokens, k);
        continue;
      }
      if (t === '(') {
        // A function pointer: `typedef void (*name)(int)`.
        fn = true;
        const end = skipGroup(tokens, k);
        const inner = tokens.slice(k + 1, end - 1).map((x) => x.text).filter(isIdentifier);
        name ??= inner[inner.length - 1];
        k = end;
        continue;
      }
      body.push(t);
      k++;
    }
    i = k;
    if (fn) {
      if (name) into.set(name, ['__wasmpool_function__']);
      continue;
    }
    const clean = withoutAttributes(body.map((t) => ({ text: t, at: 0 }))).map((t) => t.text);
    const last = clean.pop();
    if (!isIdentifier(last) || clean.length === 0) continue;
    into.set(last, clean);
  }
}

// ---- prototypes ----

/** The JS parameters and return of a C prototype, or the reason it cannot be called. */
function signatureOf(
  returnTokens: string[],
  params: { tokens: string[]; name: string | undefined; text: string }[],
  typedefs: Typedefs,
  warn: (message: string) => void,
): { params: ParamSignature[]; returns: ReturnSignature } | string {
  const unknownType = (name: string) =>
    warn(`type ${name} is not known to wasmpool-cc (define it with a typedef in a file it reads); read as int`);
  const typeOf = (tokens: string[]): CType =>
    tokens.includes('__wasmpool_function__')
      ? { base: { kind: 'function' }, pointers: 0, constPointee: false }
      : readType(tokens, typedefs, unknownType);

  const ret = typeOf(returnTokens);
  let returns: ReturnSignature;
  if (ret.base.kind === 'unsupported') return `its return type: ${ret.base.why}`;
  if (ret.pointers > 0 || ret.base.kind === 'function') {
    returns = ret.pointers === 1 && ret.base.kind === 'scalar' && ret.base.char ? 'string' : 'pointer';
  } else if (ret.base.kind === 'void') returns = 'void';
  else if (ret.base.kind === 'record') return `it returns ${ret.base.name} by value, which JavaScript cannot receive; return a pointer, or write into an array parameter`;
  else returns = ret.base.scalar;

  const out: ParamSignature[] = [];
  const types = params.map((p) => typeOf(p.tokens));
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const type = types[i]!;
    const name = p.name ?? `arg${i}`;
    const where = `parameter ${i + 1} (${p.text})`;
    if (type.base.kind === 'unsupported') return `${where}: ${type.base.why}`;
    if (type.base.kind === 'function') {
      warn(`${where} is a function pointer: C cannot call back into JavaScript, so it is passed as a wasm address (a number)`);
      out.push({ name, c: p.text, type: 'pointer' });
      continue;
    }
    if (type.pointers === 0) {
      if (type.base.kind === 'void') return `${where}: a parameter cannot be void`;
      if (type.base.kind === 'record') return `${where}: ${type.base.name} by value cannot be passed from JavaScript; take a pointer`;
      out.push({ name, c: p.text, type: type.base.scalar });
      continue;
    }
    const base = type.base;
    if (type.pointers > 1 || base.kind === 'record') {
      warn(`${where} is passed as a wasm address (a number): only pointers to numbers are filled from typed arrays`);
      out.push({ name, c: p.text, type: 'pointer' });
      continue;
    }
    const next = types[i + 1];
    const lengthFollows = next !== undefined && next.pointers === 0 && next.base.kind === 'scalar' && INTEGER.has(next.base.scalar);
    if (base.kind === 'scalar' && base.char && (type.constPointee || !lengthFollows)) {
      out.push({ name, c: p.text, type: 'string' });
      continue;
    }
    const element = base.kind === 'void' ? 'void' : base.char ? 'u8' : base.scalar;
    if (lengthFollows) {
      const length = (next.base as { scalar: ScalarType }).scalar;
      out.push({ name, c: `${p.text}, ${params[i + 1]!.text}`, type: 'array', element, const: type.constPointee, length });
      i++;
    } else {
      out.push({ name, c: p.text, type: 'array', element, const: type.constPointee, length: null });
    }
  }
  return { params: out, returns };
}

/** Splits a parameter list's tokens at top-level commas. */
function splitParams(tokens: Token[]): Token[][] {
  const params: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    if (t.text === ',' && depth === 0) params.push([]);
    else params[params.length - 1]!.push(t);
  }
  return params.length === 1 && params[0]!.length === 0 ? [] : params;
}

/** A parameter's type tokens and name: `const uint8_t *data` -> [const, uint8_t, *], data. */
function readParam(tokens: Token[], typedefs: Typedefs): { tokens: string[]; name: string | undefined } {
  const words = withoutAttributes(tokens).map((t) => t.text);
  // A function pointer: `int (*cb)(int)`; its name is inside the first group.
  const paren = words.indexOf('(');
  if (paren >= 0) {
    const inner = words.slice(paren + 1, words.indexOf(')', paren)).filter(isIdentifier);
    return { tokens: ['__wasmpool_function__'], name: inner[inner.length - 1] };
  }
  // `T name[]`, `T name[N]`: a pointer.
  const types = [...words];
  let arrays = 0;
  while (types[types.length - 1] === ']') {
    const open = types.lastIndexOf('[');
    if (open < 0) break;
    types.splice(open);
    arrays++;
  }
  for (let k = 0; k < arrays; k++) types.push('*');
  // The name is the last identifier if it is not part of the type.
  let name: string | undefined;
  const lastIdent = [...types].reverse().findIndex((t) => t !== '*' && t !== 'const' && !QUALIFIERS.has(t));
  if (lastIdent >= 0) {
    const at = types.length - 1 - lastIdent;
    const cand = types[at]!;
    const before = types.slice(0, at).filter((t) => t !== '*' && !QUALIFIERS.has(t) && t !== 'const');
    const isType = KEYWORDS.has(cand) || cand in STANDARD_TYPEDEFS || typedefs.has(cand);
    const isTag = ['struct', 'union', 'enum'].includes(types[at - 1] ?? '');
    if (isIdentifier(cand) && !isType && !isTag && before.some((t) => !isMacroName(t, typedefs))) {
      name = cand;
      types.splice(at, 1);
    }
  }
  return { tokens: types, name };
}

/** JavaScript names that cannot be parameter names in a .d.ts. */
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in',
  'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface',
  'package', 'private', 'protected', 'public', 'await', 'arguments', 'eval',
]);

/**
 * Finds the WP_EXPORT functions of one source file and reads their prototypes. Typedefs
 * must already hold the file's own (readTypedefs) and those of the headers it includes.
 */
export function readSource(file: string, { text, code, comments }: Scanned, typedefs: Typedefs): SourceInfo {
  const diagnostics: Diagnostic[] = [];
  const prototypes: Prototype[] = [];
  const tokens = tokenize(code);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== 'WP_EXPORT') continue;
    const start = tokens[i]!;
    const line = lineOf(text, start.at);
    const report = (level: Diagnostic['level'], message: string) => diagnostics.push({ level, file, line, message });
    // The declaration's tokens up to its parameter list, attributes left out.
    let k = i + 1;
    const head: Token[] = [];
    let open = -1;
    while (k < tokens.length) {
      const t = tokens[k]!.text;
      if (ATTRIBUTE_CALLS.has(t) && tokens[k + 1]?.text === '(') k = skipGroup(tokens, k + 1);
      else if (t === '[[') k = skipGroup(tokens, k);
      else if (t === '(') {
        open = k;
        break;
      } else if (t === ';' || t === '{' || t === '}' || t === '=' || t === 'WP_EXPORT') break;
      else head.push(tokens[k++]!);
    }
    if (open < 0) {
      report('warning', 'WP_EXPORT marks something that is not a function; it is ignored');
      continue;
    }
    const close = skipGroup(tokens, open);
    const nameToken = head.pop();
    if (!isIdentifier(nameToken?.text) || head.length === 0) {
      report('error', 'cannot read this WP_EXPORT prototype: expected `<return type> <name>(<parameters>)`');
      i = close - 1;
      continue;
    }
    const name = nameToken.text;
    // After the parameters: attributes, then `{` (a definition) or `;` (a declaration).
    let after = close;
    while (after < tokens.length) {
      const t = tokens[after]!.text;
      if (ATTRIBUTE_CALLS.has(t) && tokens[after + 1]?.text === '(') after = skipGroup(tokens, after + 1);
      else if (t === '[[') after = skipGroup(tokens, after);
      else break;
    }
    const end = tokens[after]?.text;
    if (end !== '{' && end !== ';' && end !== ',') {
      report('error', `cannot read the prototype of ${name}(): wasmpool-cc reads \`<return type> ${name}(<parameters>)\` followed by \`{\` or \`;\` (a function returning a function pointer is not supported)`);
      i = close - 1;
      continue;
    }
    const defined = end === '{';
    const paramTokens = splitParams(tokens.slice(open + 1, close - 1));
    if (paramTokens.length === 1 && paramTokens[0]!.length === 1 && paramTokens[0]![0]!.text === 'void') paramTokens.length = 0;
    if (paramTokens.some((p) => p.some((t) => t.text === '...'))) {
      report('error', `${name}() is variadic (...), which JavaScript cannot call; give it fixed parameters`);
      i = close - 1;
      continue;
    }
    const params = paramTokens.map((p) => {
      const read = readParam(p, typedefs);
      const text = code.slice(p[0]!.at, p[p.length - 1]!.at + p[p.length - 1]!.text.length).replace(/\s+/g, ' ').trim();
      return { ...read, text };
    });
    const returnTokens = withoutAttributes(head).map((t) => t.text);
    const result = signatureOf(returnTokens, params, typedefs, (message) => report('warning', `${name}(): ${message}`));
    if (typeof result === 'string') {
      report('error', `${name}() cannot be called from JavaScript: ${result}`);
      i = close - 1;
      continue;
    }
    for (const p of result.params) if (RESERVED.has(p.name)) p.name = `${p.name}_`;
    const returnText = typeText(returnTokens.filter((t) => t === 'const' || (!QUALIFIERS.has(t) && !isMacroName(t, typedefs))));
    const c = `${returnText}${returnText.endsWith('*') ? '' : ' '}${name}(${params.map((p) => p.text).join(', ') || 'void'})`;
    prototypes.push({
      name,
      defined,
      doc: docComment(text, comments, start.at, tokens[after]!.at),
      signature: { params: result.params, returns: result.returns, c },
    });
    i = after;
  }
  return { prototypes, diagnostics };
}

/**
 * The comment documenting a declaration: one on the same line after a `;` (`int f(void); /*
 * what f does *\/`), else the comment right above it, with nothing but blank space between.
 */
function docComment(text: string, comments: Scanned['comments'], start: number, end: number): string | undefined {
  if (text[end] === ';') {
    const eol = text.indexOf('\n', end);
    const trailing = comments.find((c) => c.start > end && (eol < 0 || c.start < eol) && text.slice(end + 1, c.start).trim() === '');
    if (trailing) return cleanComment(trailing.text) || undefined;
  }
  for (let k = comments.length - 1; k >= 0; k--) {
    const c = comments[k]!;
    if (c.end > start) continue;
    const between = text.slice(c.end, start);
    if (between.trim() !== '' || /\n\s*\n/.test(between)) return undefined;
    // A run of // lines documents together.
    let first = k;
    while (first > 0 && comments[first]!.text.startsWith('//') && comments[first - 1]!.text.startsWith('//') && text.slice(comments[first - 1]!.end, comments[first]!.start).trim() === '') first--;
    return cleanComment(comments.slice(first, k + 1).map((x) => x.text).join('\n')) || undefined;
  }
  return undefined;
}

/**
 * Whether a source defines function `name` (at file scope, with a body), WP_EXPORT or not:
 * a function marked WP_EXPORT only in a header is exported where it is defined.
 */
export function definesFunction({ code }: Scanned, name: string): boolean {
  const tokens = tokenize(code);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (t === '{') depth++;
    else if (t === '}') depth--;
    else if (depth === 0 && t === name && tokens[i + 1]?.text === '(') {
      let k = skipGroup(tokens, i + 1);
      while (k < tokens.length && ATTRIBUTE_CALLS.has(tokens[k]!.text) && tokens[k + 1]?.text === '(') k = skipGroup(tokens, k + 1);
      if (tokens[k]?.text === '{') return true;
    }
  }
  return false;
}
