// The expression lab's language: a tokenizer and a Pratt parser from text to a syntax tree, never eval.
//
//   expr   := expr ('+' | '-') expr | expr ('*' | '/') expr | '-' expr | expr '^' expr
//           | name '(' expr ')' | name | number | '(' expr ')'
//
// Precedence from loose to tight: + -, then * /, then unary minus, then ^ (right-associative, so
// 2^3^2 = 2^9 and -x^2 = -(x^2), as in mathematics).

/** The functions an expression may call: each is the `Value` method of the same name. */
export const FUNCTIONS = ['exp', 'log', 'tanh', 'relu', 'sigmoid', 'neg', 'reciprocal'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** A binary operator and the `Value` method it calls (`^` is `pow`, whose exponent must be a constant). */
export const BINARY = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow' } as const;
export type BinaryOperator = keyof typeof BINARY;

/** A syntax tree. `column` is where the node's text starts, counted from 1. */
export type Expr =
  | { kind: 'number'; value: number; column: number }
  | { kind: 'variable'; name: string; column: number }
  | { kind: 'negate'; operand: Expr; column: number }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; column: number }
  | { kind: 'call'; name: FunctionName; argument: Expr; column: number };

/** A mistake in an expression's text, with the column (from 1) and length of the text at fault. */
export class ExpressionError extends SyntaxError {
  readonly column: number;
  readonly length: number;

  constructor(message: string, column: number, length = 1) {
    super(`expression: ${message}`);
    this.name = 'ExpressionError';
    this.column = column;
    this.length = Math.max(1, length);
  }
}

interface Token {
  kind: 'number' | 'name' | 'symbol' | 'end';
  text: string;
  column: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SYMBOLS = '+-*/^(),';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const number = NUMBER.exec(rest);
    const name = number === null ? NAME.exec(rest) : null;
    if (number !== null) {
      tokens.push({ kind: 'number', text: number[0], column: i + 1 });
      i += number[0].length;
    } else if (name !== null) {
      tokens.push({ kind: 'name', text: name[0], column: i + 1 });
      i += name[0].length;
    } else if (SYMBOLS.includes(c)) {
      tokens.push({ kind: 'symbol', text: c, column: i + 1 });
      i++;
    } else {
      const hint = c === '=' ? ' (write an expression, not an equation)' : '';
      // the whole character, not half of an emoji's surrogate pair
      const char = String.fromCodePoint(text.codePointAt(i)!);
      throw new ExpressionError(`unexpected character '${char}' at column ${i + 1}${hint}`, i + 1);
    }
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

/**
 * The most tokens an expression may have. Graphviz lays out a graph of a few dozen nodes in a moment,
 * but `x + x + ...` with 100 terms takes it a minute, and a URL can hold thousands of terms (whose
 * nesting would overflow the stack): the lab is for expressions one can read.
 */
export const MAX_TOKENS = 100;

/** Binding powers: how tightly each binary operator holds its operands. */
const INFIX: Record<BinaryOperator, { left: number; right: number }> = {
  '+': { left: 10, right: 11 },
  '-': { left: 10, right: 11 },
  '*': { left: 20, right: 21 },
  '/': { left: 20, right: 21 },
  // right-associative: the right side binds less tightly than the operator itself
  '^': { left: 41, right: 40 },
};
/** Unary minus sits between * / and ^: -x^2 is -(x^2), -x*y is (-x)*y. */
const PREFIX_MINUS = 30;

const describeToken = (t: Token) => (t.kind === 'end' ? 'the end' : `'${t.text}'`);

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    return this.tokens[this.position++]!;
  }

  private fail(token: Token, what: string, hint = ''): never {
    throw new ExpressionError(
      `${what} at column ${token.column}${hint}`,
      token.column,
      token.kind === 'end' ? 1 : token.text.length,
    );
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind === 'end') return;
    if (t.text === ')') this.fail(t, "unmatched ')'");
    const hint = t.kind === 'name' || t.text === '(' ? ' (write * to multiply)' : '';
    this.fail(t, `expected an operator before ${describeToken(t)}`, hint);
  }

  parse(minPower: number): Expr {
    let left = this.operand();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'symbol' || !(t.text in INFIX)) return left;
      const op = t.text as BinaryOperator;
      const power = INFIX[op];
      if (power.left < minPower) return left;
      this.next();
      const right = this.parse(power.right);
      left = { kind: 'binary', op, left, right, column: left.column };
    }
  }

  private operand(): Expr {
    const t = this.next();
    if (t.kind === 'number') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) this.fail(t, `the number ${t.text} is too large`);
      return { kind: 'number', value, column: t.column };
    }
    if (t.kind === 'name') {
      const isFunction = (FUNCTIONS as readonly string[]).includes(t.text);
      if (this.peek().text === '(') {
        if (!isFunction) {
          this.fail(t, `unknown function '${t.text}'`, ` (functions: ${FUNCTIONS.join(', ')})`);
        }
        const open = this.next();
        if (this.peek().text === ')') this.fail(this.peek(), `${t.text}() needs an argument`);
        const argument = this.parse(0);
        const close = this.peek();
        if (close.text === ',') this.fail(close, `${t.text} takes one argument`);
        if (close.text !== ')') {
          this.fail(
            close,
            `expected ')' to close the '(' at column ${open.column}, found ${describeToken(close)}`,
          );
        }
        this.next();
        return { kind: 'call', name: t.text as FunctionName, argument, column: t.column };
      }
      if (isFunction) this.fail(t, `'${t.text}' is a function: write ${t.text}(...)`);
      return { kind: 'variable', name: t.text, column: t.column };
    }
    if (t.text === '-') {
      const operand = this.parse(PREFIX_MINUS);
      return { kind: 'negate', operand, column: t.column };
    }
    if (t.text === '(') {
      if (this.peek().text === ')') this.fail(this.peek(), 'empty parentheses');
      const inner = this.parse(0);
      const close = this.peek();
      if (close.text !== ')') {
        this.fail(
          close,
          `expected ')' to close the '(' at column ${t.column}, found ${describeToken(close)}`,
        );
      }
      this.next();
      return inner;
    }
    if (t.kind === 'end') this.fail(t, 'the expression ends where a number, a name or ( was expected');
    return this.fail(t, `expected a number, a name or ( but found ${describeToken(t)}`);
  }
}

/**
 * Parses an expression such as `tanh(x*w + b)` into a syntax tree; an `ExpressionError` names the
 * column of the first mistake.
 */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new ExpressionError('the expression is empty', 1);
  if (tokens.length - 1 > MAX_TOKENS) {
    const first = tokens[MAX_TOKENS]!;
    throw new ExpressionError(
      `the expression is too long to draw: ${tokens.length - 1} numbers, names and symbols, at most ${MAX_TOKENS} (column ${first.column} is the first past the limit)`,
      first.column,
    );
  }
  const parser = new Parser(tokens);
  const tree = parser.parse(0);
  parser.expectEnd();
  return tree;
}

/** The variables of a tree, each once, in the order they first appear. */
export function variablesOf(tree: Expr): string[] {
  const names: string[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'variable') {
      if (!names.includes(e.name)) names.push(e.name);
    } else if (e.kind === 'negate') visit(e.operand);
    else if (e.kind === 'call') visit(e.argument);
    else if (e.kind === 'binary') {
      visit(e.left);
      visit(e.right);
    }
  };
  visit(tree);
  return names;
}

/** How tightly a printed tree holds together: a child printed looser than its place needs parentheses. */
function tightness(e: Expr): number {
  if (e.kind === 'binary') return INFIX[e.op].left;
  if (e.kind === 'negate') return PREFIX_MINUS;
  return 100;
}

/**
 * The tree as text with the fewest parentheses that parse back to the same tree: an operand that
 * would otherwise group differently is parenthesised (so a - (b - c) and a + (b + c) keep their
 * grouping, which floating point can tell apart, and (a^b)^c stays apart from a^b^c).
 */
export function printExpression(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'variable':
      return e.name;
    case 'call':
      return `${e.name}(${printExpression(e.argument)})`;
    case 'negate': {
      const inner = printExpression(e.operand);
      return tightness(e.operand) < PREFIX_MINUS ? `-(${inner})` : `-${inner}`;
    }
    case 'binary': {
      const power = INFIX[e.op];
      const wrap = (child: Expr, needs: boolean) =>
        needs ? `(${printExpression(child)})` : printExpression(child);
      // ^ groups to the right: a ^ on its left needs parentheses, one on its right does not
      const rightAssociative = e.op === '^';
      const left = wrap(e.left, tightness(e.left) < power.left + (rightAssociative ? 1 : 0));
      const right = wrap(e.right, tightness(e.right) < power.right + (rightAssociative ? 0 : 1));
      return e.op === '^' ? `${left}^${right}` : `${left} ${e.op} ${right}`;
    }
  }
}
