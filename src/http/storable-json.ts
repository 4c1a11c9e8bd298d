import type { FieldError } from './validation.js';

/**
 * How deeply objects and arrays may nest in a JSON body, a form's `options` or a manifest line.
 * PostgreSQL's jsonb and our own recursive walkers (JSON.stringify, class-transformer) fail with
 * a stack overflow somewhere in the thousands; real task inputs stay far below this.
 */
export const MAX_JSON_DEPTH = 64;

/** With the u flag a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATE_ALL = /[\uD800-\uDFFF]/gu;

interface Pending {
  value: unknown;
  path: string;
  depth: number;
}

/**
 * The first place in `value` that PostgreSQL cannot store, as a field error named by its path
 * (`payload.rows.3.name`), or undefined. jsonb and text refuse U+0000; a lone surrogate has no
 * UTF-8 form (jsonb refuses its escape, text would get U+FFFD instead). Walks without recursion,
 * so a value nested 10,000 deep is refused, not a stack overflow.
 */
export function findUnstorable(value: unknown, root = ''): FieldError | undefined {
  const stack: Pending[] = [{ value, path: root, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: current, path, depth } = next;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem)
        return { field: path || '(body)', messages: [`${path || 'the value'} ${problem}`] };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return {
        field: path || '(body)',
        messages: [`objects and arrays may nest at most ${MAX_JSON_DEPTH} levels deep`],
      };
    }
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? [...current.entries()]
      : Object.entries(current);
    for (const [key] of entries) {
      const keyProblem = typeof key === 'string' && textProblem(key);
      if (keyProblem) return { field: join(path, key), messages: [`the key ${keyProblem}`] };
    }
    // Last entry first onto the stack: values are checked, and reported, in document order.
    // One push per entry: spreading a 500,000-item array into push() would overflow the stack.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, path: join(path, String(key)), depth: depth + 1 });
    }
  }
  return undefined;
}

/** Why PostgreSQL cannot store this text, or undefined. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(text)) {
    return 'contains a lone UTF-16 surrogate, which is not a Unicode character';
  }
  return undefined;
}

function join(path: string, key: string): string {
  const shown = key.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE_ALL, '\uFFFD');
  return path ? `${path}.${shown}` : shown;
}
