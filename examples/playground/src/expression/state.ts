// The expression lab's state: the expression and its inputs, and their form in the page's URL.

/** What the lab shows, all of it in the page's URL except the step. */
export interface ExpressionState {
  text: string;
  inputs: Record<string, number>;
}

export const DEFAULT_EXPRESSION: ExpressionState = {
  text: 'tanh(x*w + b)',
  inputs: { x: 0.5, w: -1.5, b: 1 },
};

/** The lab's state as URL parameters (`expr` and one parameter per variable). */
export function expressionToParams(state: ExpressionState): URLSearchParams {
  const params = new URLSearchParams({ lab: 'expression', expr: state.text });
  for (const [name, v] of Object.entries(state.inputs)) params.set(name, String(v));
  return params;
}

/** The lab's state from URL parameters; the defaults when there is no expression. */
export function expressionFromParams(params: URLSearchParams): ExpressionState {
  const text = params.get('expr');
  if (text === null) return { text: DEFAULT_EXPRESSION.text, inputs: { ...DEFAULT_EXPRESSION.inputs } };
  const inputs = inputRecord();
  for (const [name, v] of params) {
    if (name !== 'lab' && name !== 'expr' && v.trim() !== '' && Number.isFinite(Number(v)))
      inputs[name] = Number(v);
  }
  return { text, inputs };
}

/**
 * A record of inputs by variable name with no prototype, so that every name is a plain key: on `{}`,
 * `inputs.constructor` is a function and `inputs.__proto__ = 3` is ignored.
 */
export function inputRecord(from: Readonly<Record<string, number>> = {}): Record<string, number> {
  return Object.assign(Object.create(null) as Record<string, number>, from);
}
