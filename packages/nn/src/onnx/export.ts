// exportOnnx: runs a model (or a function of tensors) once on example inputs with recording on, walks the
// recorded graph from the outputs, and writes it as an ONNX ModelProto: operators, weights, a batch axis.

import { describe, formatShape, Tensor, traceGraph } from '@chainrule/engine';
import { checkBoolean } from '../errors.js';
import { Module } from '../module.js';
import { isPlainObject } from '../state-dict.js';
import { type Composite, compositeOf } from './composites.js';
import { OnnxGraph, type Slot } from './graph.js';
import { lowerComposite, lowerOp } from './lower.js';
import { IR_VERSION, type OnnxDtype, OPSET, onnx, valueInfo } from './proto.js';

/** Options of `exportOnnx`. */
export interface OnnxExportOptions {
  /**
   * The element type of the inputs, outputs and weights: `'float64'` (ONNX DOUBLE, the default: the
   * numbers chainrule computes) or `'float32'` (FLOAT, what most runtimes and accelerators run fastest).
   */
  dtype?: OnnxDtype;
  /**
   * Whether the first axis of every input is the batch, of any size when the model runs (the default,
   * named `batch` in the model): the example's batch must then have at least 2 rows, and an op that
   * would fix the batch size is refused by name. `false` fixes every shape to the example's.
   */
  dynamicBatch?: boolean;
  /** The graph inputs' names; default `input` (one input) or `input0`, `input1`, ... */
  inputNames?: readonly string[];
  /** The graph outputs' names; default `output` (one output) or `output0`, `output1`, ... */
  outputNames?: readonly string[];
  /** The graph's name; default `chainrule`. */
  graphName?: string;
}

const OPTIONS = ['dtype', 'dynamicBatch', 'inputNames', 'outputNames', 'graphName'];

/** A function of tensors that `exportOnnx` can trace: one tensor out, or several. */
export type TensorFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function names(given: readonly string[] | undefined, count: number, base: string, option: string): string[] {
  if (given === undefined)
    return count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}${i}`);
  if (
    !Array.isArray(given) ||
    given.length !== count ||
    given.some((n) => typeof n !== 'string' || n === '')
  ) {
    throw new TypeError(`exportOnnx: ${option} must be ${count} non-empty strings, got ${describe(given)}`);
  }
  return given.slice();
}

/** Runs `run` with recording on the inputs, in eval mode for a module (its modes restored after). */
function trace(model: Module | TensorFunction, inputs: Tensor[]): Tensor[] {
  const modes = model instanceof Module ? model.modules().map((m) => [m, m.training] as const) : [];
  try {
    if (model instanceof Module) model.eval();
    // traced: comparisons and masks become nodes with their inputs, not constants of the example
    const result = traceGraph(() => (model instanceof Module ? model.forward(inputs[0]!) : model(...inputs)));
    const outputs = result instanceof Tensor ? [result] : result;
    if (!Array.isArray(outputs) || outputs.length === 0 || outputs.some((t) => !(t instanceof Tensor))) {
      throw new TypeError(
        `exportOnnx: the function must return a Tensor or an array of them, got ${describe(result)}`,
      );
    }
    return outputs.slice();
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/**
 * Every tensor the outputs are computed from, inputs before the ops that use them, walking into a
 * recognised composite's input instead of its inner nodes. An explicit stack: no recursion.
 */
function postOrder(outputs: readonly Tensor[], composites: Map<Tensor, Composite | null>): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = outputs.map((t) => [t, false]);
  stack.reverse();
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    let inputs: readonly Tensor[] = [];
    if (t.op !== '') {
      if (!composites.has(t)) composites.set(t, compositeOf(t));
      const c = composites.get(t)!;
      inputs = c === null ? t.parents : [c.x];
    }
    for (let i = inputs.length - 1; i >= 0; i--) if (!seen.has(inputs[i]!)) stack.push([inputs[i]!, false]);
  }
  return order;
}

/**
 * The model as ONNX bytes (a serialised `ModelProto`, opset 17), for onnxruntime in Node, in a browser
 * or on a server, and anything else that reads ONNX. The model runs once on `exampleInput` with the
 * graph recording (in eval mode, so Dropout passes its input through; the modes are restored after),
 * and every op it recorded becomes its ONNX operator: `linear` a Gemm (and a Relu), matmul MatMul, the
 * elementwise ops their operators (Add, Sub, Mul, Div, Pow, Max, Min, Neg, Exp, Log, Tanh, Relu, Sign,
 * Sqrt, Sin, Cos, ...) or, where ONNX has none or onnxruntime runs it in FLOAT only (expm1, log1p,
 * tan, asin, acos, atan, atan2, sinh, cosh, erf, elu, leakyRelu, softplus, gelu in a float64 model),
 * a composition of DOUBLE operators correct to a few ulp; the reductions ReduceSum, ReduceMax and
 * ReduceProd (a mean or variance over the batch axis divides by the batch's count), cumsum CumSum,
 * reshape Reshape, permute Transpose, slices Slice (and Squeeze), concat Concat, gather GatherElements;
 * the comparisons Less, LessOrEqual, Greater, GreaterOrEqual and Equal (ne a Not of it) cast to the
 * float type, where Where, and the masks of sigmoid, norm and gradients recorded with `createGraph`
 * the same operators on the input the model gets, never the example's values.
 * Sigmoid, softmax, log-softmax, logSumExp, logcumsumexp and the 2-norm are written as ONNX's Sigmoid,
 * Softmax, LogSoftmax, ReduceLogSumExp and Sqrt. Parameters become initializers named as in
 * `stateDict()`. An op with no mapping is refused by name. A function of tensors is traced the same way, with one example
 * tensor per argument.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 3, { seed: 1 }), new ReLU(), new Linear(3, 1, { seed: 2 }));
 * const bytes = exportOnnx(model, Tensor.randn([4, 2]));
 * bytes instanceof Uint8Array; // true
 * const f32 = exportOnnx(model, Tensor.randn([4, 2]), { dtype: 'float32' });
 * const fn = exportOnnx((a, b) => a.mul(b).sum(1), [Tensor.ones([4, 3]), Tensor.ones([4, 3])]);
 * ```
 */
export function exportOnnx(model: Module, exampleInput: Tensor, options?: OnnxExportOptions): Uint8Array;
export function exportOnnx(
  fn: TensorFunction,
  exampleInputs: Tensor | readonly Tensor[],
  options?: OnnxExportOptions,
): Uint8Array;
export function exportOnnx(
  model: Module | TensorFunction,
  example: Tensor | readonly Tensor[],
  options: OnnxExportOptions = {},
): Uint8Array {
  if (!(model instanceof Module) && typeof model !== 'function') {
    throw new TypeError(`exportOnnx: expected a Module or a function of tensors, got ${describe(model)}`);
  }
  const examples = example instanceof Tensor ? [example] : example;
  if (!Array.isArray(examples) || examples.length === 0 || examples.some((t) => !(t instanceof Tensor))) {
    throw new TypeError(
      `exportOnnx: expected an example Tensor or an array of them, got ${describe(example)}`,
    );
  }
  if (model instanceof Module && examples.length !== 1) {
    throw new TypeError(`exportOnnx: a Module takes one example input, got ${examples.length}`);
  }
  if (!isPlainObject(options as unknown))
    throw new TypeError(`exportOnnx: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key))
      throw new TypeError(`exportOnnx: unknown option '${key}'; the options are ${OPTIONS.join(', ')}`);
  }
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`exportOnnx: dtype must be 'float64' or 'float32', got ${describe(dtype)}`);
  }
  if (options.graphName !== undefined && typeof options.graphName !== 'string') {
    throw new TypeError(`exportOnnx: graphName must be a string, got ${describe(options.graphName)}`);
  }
  const dynamic = checkBoolean('exportOnnx', 'dynamicBatch', options.dynamicBatch, true);
  const batchSize = dynamic ? examples[0]!.shape[0] : null;
  if (dynamic && examples.some((t) => t.ndim === 0 || t.shape[0] !== batchSize || batchSize! < 2)) {
    throw new RangeError(
      `exportOnnx: with a dynamic batch every example input needs the same first axis of at least 2 rows, got ${examples.map((t) => formatShape(t.shape)).join(', ')}: pass dynamicBatch: false to fix the shapes`,
    );
  }
  const g = new OnnxGraph(dtype, batchSize ?? null);
  const inputNames = names(options.inputNames, examples.length, 'input', 'inputNames');
  const inputs = examples.map((t) => new Tensor(t.data, t.shape, { requiresGrad: true }));
  const outputs = trace(model, inputs);
  const outputNames = names(options.outputNames, outputs.length, 'output', 'outputNames');

  const parameterNames = new Map<Tensor, string>(
    model instanceof Module ? model.namedParameters().map(([name, p]) => [p, name]) : [],
  );
  g.reserveParameters([...parameterNames.values()]);
  const slots = new Map<Tensor, Slot>();
  for (const [i, t] of inputs.entries()) {
    slots.set(t, { name: g.claim(inputNames[i]!, 'inputNames'), shape: t.shape, batch: g.batchAt(0) });
  }
  // claimed before any node is named, so that no node takes an output's name ('relu', 'gemm', ...)
  const claimedOutputs = outputNames.map((name) => g.claim(name, 'outputNames'));
  for (const t of outputs) {
    if (t.op === '' && !slots.has(t)) {
      throw new Error(
        'exportOnnx: an output does not depend on the inputs (was the forward run inside noGrad?): there is no graph to export',
      );
    }
  }
  const composites = new Map<Tensor, Composite | null>();
  for (const t of postOrder(outputs, composites)) {
    if (slots.has(t)) continue;
    if (t.op === '') {
      const parameter = parameterNames.get(t);
      const name =
        parameter === undefined
          ? g.floats('const', t.data, t.shape)
          : g.parameter(parameter, t.data, t.shape);
      slots.set(t, { name, shape: t.shape, batch: null });
      continue;
    }
    const c = composites.get(t)!;
    slots.set(
      t,
      c === null
        ? lowerOp(
            g,
            t,
            t.parents.map((p) => slots.get(p)!),
          )
        : lowerComposite(g, c, slots.get(c.x)!, t),
    );
  }

  const outputInfos = outputs.map((t, i) => {
    const slot = slots.get(t)!;
    const name = claimedOutputs[i]!;
    g.nodes.push({ opType: 'Identity', name, input: [slot.name], output: [name] });
    return valueInfo(name, t.shape, dtype, slot.batch);
  });
  const graph = onnx.GraphProto.create({
    name: options.graphName ?? 'chainrule',
    node: g.nodes,
    initializer: g.initializers,
    input: inputs.map((t, i) => valueInfo(inputNames[i]!, t.shape, dtype, g.batchAt(0))),
    output: outputInfos,
  });
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'chainrule',
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}
