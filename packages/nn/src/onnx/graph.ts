// The ONNX graph under construction: nodes, initializers and fresh names, and for every value written so far
// its shape and where (if anywhere) the batch axis is, so that the batch stays dynamic through each op.

import { formatShape } from '@chainrule/engine';
import {
  type AttributeValue,
  attribute,
  boolTensor,
  elementType,
  floatTensor,
  int64Tensor,
  type NodeProto,
  type OnnxDtype,
  type TensorProto,
} from './proto.js';

/**
 * Where the batch sits in a value: the axis whose size is `factor` times the batch size (a reshape
 * that folds two rows into one axis gives factor 2), or null for a value of fixed shape.
 */
export interface BatchAxis {
  readonly axis: number;
  readonly factor: number;
}

/**
 * How many elements a sum over the batch axis added: `n` in the trace, and the value it reduced over
 * `axis` (null: all axes), from whose shape the model counts them for the batch it gets.
 */
export interface BatchCount {
  readonly input: Slot;
  readonly axis: number | null;
  readonly n: number;
}

/** A value of the graph: its ONNX name, the shape it had in the trace, and its batch axis. */
export interface Slot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly batch: BatchAxis | null;
  /** Set on a sum over the batch axis: what a mean or a variance divides it by. */
  readonly counted?: BatchCount;
}

/** The graph being written: ONNX nodes and constants, and the example's batch size. */
export class OnnxGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<string, string>();
  private readonly parameters = new Set<string>();
  /** For a float 0/1 value cast from a BOOL one, that BOOL's name. */
  private readonly truths = new Map<string, string>();

  /**
   * @param dtype the floating-point type of every float value
   * @param batchSize the example's batch size, or null when the batch is not dynamic
   */
  constructor(
    readonly dtype: OnnxDtype,
    readonly batchSize: number | null,
  ) {}

  /** A name not used before, from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /**
   * Keeps the parameters' names (as in `stateDict()`) for their initializers: no input, output or
   * node takes one, so no parameter is renamed.
   */
  reserveParameters(names: readonly string[]): void {
    for (const name of names) {
      this.parameters.add(name);
      this.used.add(name);
    }
  }

  /** Claims `name` exactly (a graph input or output, named in `option`), refusing a repeat. */
  claim(name: string, option: string): string {
    if (this.parameters.has(name))
      throw new Error(`exportOnnx: ${option}: '${name}' is the name of a parameter`);
    if (this.used.has(name)) throw new Error(`exportOnnx: the name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** Appends a node and returns the name of its output. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttributeValue> = {}): string {
    const out = this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      name: out,
      input: inputs.slice(),
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** The BOOL value `bool` as 0 and 1 of the model's float type (a comparison's result). */
  asFloat(bool: string): string {
    const out = this.node('Cast', [bool], { to: elementType(this.dtype) });
    this.truths.set(out, bool);
    return out;
  }

  /** A BOOL value true where `x` is nonzero (NaN included), as where reads its condition. */
  truthOf(x: string): string {
    return this.truths.get(x) ?? this.node('Not', [this.node('Equal', [x, this.scalar(0)])]);
  }

  /** A parameter's initializer, under the name `reserveParameters` kept for it. */
  parameter(name: string, values: ArrayLike<number>, shape: readonly number[]): string {
    if (!this.parameters.has(name)) throw new Error(`internal: exportOnnx: '${name}' is not a parameter`);
    this.initializers.push(floatTensor(name, values, shape, this.dtype));
    return name;
  }

  /** A float initializer named after `base`. */
  floats(base: string, values: ArrayLike<number>, shape: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, values, shape, this.dtype));
    return name;
  }

  /** A float scalar initializer holding `v`, one per distinct value. */
  scalar(v: number): string {
    const key = Object.is(v, -0) ? '-0' : String(v);
    let name = this.scalars.get(key);
    if (name === undefined) {
      name = this.floats('c', [v], []);
      this.scalars.set(key, name);
    }
    return name;
  }

  /** A boolean initializer (a mask for Where). */
  bools(base: string, values: ArrayLike<boolean>, shape: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push(boolTensor(name, values, shape));
    return name;
  }

  /** An int64 initializer (a shape, axes, indices). */
  ints(base: string, values: ArrayLike<number>, shape?: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, values, shape));
    return name;
  }

  /** The batch axis at `axis` with `factor`, or null when the batch is not dynamic. */
  batchAt(axis: number, factor = 1): BatchAxis | null {
    return this.batchSize === null ? null : { axis, factor };
  }

  /** The refusal when an op would fix the batch size in the model, naming the op and the shapes. */
  fixedBatch(op: string, what: string, shapes: readonly (readonly number[])[]): Error {
    return new Error(
      `exportOnnx: '${op}' ${what} (shapes ${shapes.map(formatShape).join(', ')}, batch ${this.batchSize}): the model would only take batches of ${this.batchSize}; pass dynamicBatch: false to export that`,
    );
  }
}
