// The types of naive-value.js (plain JavaScript, so that tsx runs it as a compiled port would run).

/**
 * A scalar node: its number, its gradient, its parents and a closure that adds its gradient to theirs.
 * `backward(true)` records the gradient computation (each closure then builds nodes), so a gradient can
 * be differentiated again, as chainrule's `createGraph` does.
 */
export declare class NaiveValue {
  data: number;
  grad: number;
  /** The gradient as a node, filled by a recorded backward pass. */
  gradNode: NaiveValue | null;
  readonly prev: readonly NaiveValue[];
  readonly op: string;
  /** Adds this node's gradient (numeric: `grad`; recorded: `gradNode`) to its parents'. */
  backwardStep: (record: boolean) => void;
  constructor(data: number, prev?: readonly NaiveValue[], op?: string);
  add(other: NaiveValue | number): NaiveValue;
  mul(other: NaiveValue | number): NaiveValue;
  sub(other: NaiveValue | number): NaiveValue;
  neg(): NaiveValue;
  tanh(): NaiveValue;
  relu(): NaiveValue;
  /** Fills `grad` (or, with `record`, `gradNode`) of every node below this one. */
  backward(record?: boolean): void;
}
