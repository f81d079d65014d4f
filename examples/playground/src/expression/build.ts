// From a syntax tree to an engine graph: one labelled leaf per variable, and each operator or function
// the Value method of the same name.

import { noGrad, type Value, value } from '@chainrule/engine';
import { BINARY, type Expr, ExpressionError } from './parser.js';

/** The graph of an expression: its output, its variables' leaves by name, and each pow node's exponent. */
export interface Built {
  root: Value;
  leaves: Map<string, Value>;
  /** The exponent of every `pow` node built, which the node itself does not expose. */
  exponents: Map<Value, number>;
}

/**
 * Builds the graph of `tree` with the variables set to `inputs` (a missing one is 0). A variable used
 * twice is one leaf used twice, so its gradient collects both uses. A `^` needs an exponent without
 * variables (Value's `pow` takes a number); one that has any is an `ExpressionError` at its column.
 */
export function buildExpression(tree: Expr, inputs: Readonly<Record<string, number>>): Built {
  const leaves = new Map<string, Value>();
  const exponents = new Map<Value, number>();
  const visit = (e: Expr): Value => {
    switch (e.kind) {
      case 'number':
        return value(e.value);
      case 'variable': {
        let leaf = leaves.get(e.name);
        if (leaf === undefined) {
          // own inputs only: a variable named constructor or __proto__ is not Object.prototype's
          leaf = value(Object.hasOwn(inputs, e.name) ? inputs[e.name]! : 0, e.name);
          leaves.set(e.name, leaf);
        }
        return leaf;
      }
      case 'negate':
        return visit(e.operand).neg();
      case 'call':
        return visit(e.argument)[e.name]();
      case 'binary': {
        const left = visit(e.left);
        if (e.op === '^') {
          const exponent = constantOf(e.right);
          const out = left.pow(exponent);
          exponents.set(out, exponent);
          return out;
        }
        return left[BINARY[e.op]](visit(e.right));
      }
    }
  };
  return { root: visit(tree), leaves, exponents };
}

/** The number a variable-free subtree evaluates to, computed by the engine without recording. */
function constantOf(e: Expr): number {
  const variable = findVariable(e);
  if (variable !== null) {
    throw new ExpressionError(
      `the exponent of ^ must be a number, but it holds the variable '${variable.name}' at column ${variable.column}`,
      variable.column,
      variable.name.length,
    );
  }
  return noGrad(() => buildExpression(e, {}).root.data);
}

function findVariable(e: Expr): Extract<Expr, { kind: 'variable' }> | null {
  switch (e.kind) {
    case 'number':
      return null;
    case 'variable':
      return e;
    case 'negate':
      return findVariable(e.operand);
    case 'call':
      return findVariable(e.argument);
    case 'binary':
      return findVariable(e.left) ?? findVariable(e.right);
  }
}
