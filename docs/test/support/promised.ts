// What a value comment in a code example promises: shared by the docs' runnable blocks and the TSDoc examples.

/**
 * The value a code comment promises, without white space, when the comment starts with a JSON-like
 * literal: a string up to its closing quote, else an array or number up to the first `:`, `(` or `=`
 * outside brackets (`// 12: accumulated` promises 12), or `true`, `false` or `null`. Null for prose
 * (`// about 0.95`).
 */
export function promisedValue(comment: string | undefined): string | null {
  if (comment === undefined || !/^([[\-\d"]|(true|false|null)\b)/.test(comment)) return null;
  // a string literal runs to its closing quote, colons and all
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(comment);
  if (quoted !== null) return quoted[0].replace(/\s+/g, '');
  let depth = 0;
  let end = comment.length;
  for (let i = 0; i < comment.length; i++) {
    const c = comment[i]!;
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (depth === 0 && (c === ':' || c === '(' || c === '=')) {
      end = i;
      break;
    }
  }
  return comment.slice(0, end).replace(/\s+/g, '');
}
