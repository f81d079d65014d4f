// Each engine tensor op (and each recognised composite) written as ONNX operators, with the batch axis carried
// through: where it lands in the output, and a refusal wherever an op would fix the batch size.

import { opAttributes, type Tensor } from '@chainrule/engine';
import type { Composite } from './composites.js';
import { lowerElementwise } from './elementwise.js';
import type { BatchAxis, OnnxGraph, Slot } from './graph.js';
import { batchDivisor, countOf, logcumsumexp } from './statistics.js';

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** The batch axis of a broadcasting op's output; refuses two batch axes, or a fixed size against one. */
function broadcastBatch(g: OnnxGraph, op: string, ins: readonly Slot[], rank: number): BatchAxis | null {
  const shapes = ins.map((s) => s.shape);
  let found: BatchAxis | null = null;
  for (const s of ins) {
    if (s.batch === null) continue;
    const axis = s.batch.axis + rank - s.shape.length;
    if (found !== null && found.axis !== axis) throw g.fixedBatch(op, 'joins two batch axes', shapes);
    found = { axis, factor: s.batch.factor };
  }
  if (found === null) return null;
  for (const s of ins) {
    const axis = found.axis - (rank - s.shape.length);
    if (s.batch === null && axis >= 0 && s.shape[axis] !== 1) {
      throw g.fixedBatch(op, 'meets the batch axis with a value of fixed size along it', shapes);
    }
  }
  return found;
}

/** The batch axis of a matrix product's output (leading axes broadcast, a contracted batch is summed). */
function matmulBatch(g: OnnxGraph, a: Slot, b: Slot, transA: boolean, transB: boolean, rank: number) {
  const shapes = [a.shape, b.shape];
  const place = (s: Slot, keptAxis: number, contracted: number, outAxis: number): number | 'k' | null => {
    if (s.batch === null) return null;
    if (s.batch.axis === contracted) return 'k';
    return s.batch.axis === keptAxis ? outAxis : rank - s.shape.length + s.batch.axis;
  };
  const ra = a.shape.length;
  const rb = b.shape.length;
  const pa = place(a, transA ? ra - 1 : ra - 2, transA ? ra - 2 : ra - 1, rank - 2);
  const pb = place(b, transB ? rb - 2 : rb - 1, transB ? rb - 1 : rb - 2, rank - 1);
  if (pa === 'k' || pb === 'k') {
    if (pa !== pb) throw g.fixedBatch('matmul', 'contracts the batch axis with a fixed-size operand', shapes);
    return null;
  }
  if (pa !== null && pb !== null && pa !== pb) throw g.fixedBatch('matmul', 'joins two batch axes', shapes);
  const axis = pa ?? pb;
  if (axis === null) return null;
  const other = pa !== null ? b : a;
  const aligned = axis - (rank - other.shape.length);
  if (pa !== pb && axis < rank - 2 && aligned >= 0 && other.shape[aligned] !== 1) {
    throw g.fixedBatch('matmul', 'meets the batch axis with a value of fixed size along it', shapes);
  }
  return { axis, factor: (a.batch ?? b.batch)!.factor };
}

/** The batch axis after reducing `axis` (null: all axes). */
function reducedBatch(batch: BatchAxis | null, axis: number | null, keepDims: boolean): BatchAxis | null {
  if (batch === null || axis === null || axis === batch.axis) return null;
  return axis < batch.axis && !keepDims ? { axis: batch.axis - 1, factor: batch.factor } : batch;
}

/**
 * The reshape target with -1 where the batch goes, and the batch axis after it: the target axis whose
 * leading axes hold as many elements as those before the batch axis, and whose size is a multiple of
 * the batch. A reshape that splits the batch across axes is refused.
 */
function reshapeTarget(g: OnnxGraph, x: Slot, target: readonly number[]) {
  if (x.batch === null || g.batchSize === null) return { shape: target, batch: null };
  const before = product(x.shape.slice(0, x.batch.axis));
  for (let j = 0; j < target.length && product(target.slice(0, j)) <= before; j++) {
    const size = target[j]!;
    if (product(target.slice(0, j)) === before && size > 0 && size % g.batchSize === 0) {
      const shape = target.map((d, i) => (i === j ? -1 : d));
      return { shape, batch: { axis: j, factor: size / g.batchSize } };
    }
  }
  throw g.fixedBatch('reshape', 'splits the batch axis across others', [x.shape, target]);
}

/** The ONNX nodes of the recorded op that made `t`, from its inputs' slots. */
export function lowerOp(g: OnnxGraph, t: Tensor, ins: readonly Slot[]): Slot {
  const a = opAttributes(t)!;
  const names = ins.map((s) => s.name);
  const [x] = ins as [Slot];
  const out = (name: string, batch: BatchAxis | null): Slot => ({ name, shape: t.shape, batch });
  const rank = t.shape.length;
  const params =
    a.op === 'custom' ? null : (a.attributes as Readonly<Record<string, number | string | null>>);
  if (a.op === 'div') {
    const divisor = batchDivisor(g, t, ins);
    if (divisor !== null) return out(g.node('Div', [x.name, divisor]), null);
  }
  const elementwise = lowerElementwise(g, a.op, params, names);
  if (elementwise !== null) {
    return out(elementwise, ins.length === 2 ? broadcastBatch(g, a.op, ins, rank) : x.batch);
  }
  switch (a.op) {
    case 'matmul': {
      const { transA, transB } = a.attributes;
      const [sa, sb] = ins as [Slot, Slot];
      const batch = matmulBatch(g, sa, sb, transA, transB, rank);
      if (sa.shape.length === 2 && sb.shape.length === 2 && (transA || transB)) {
        return out(g.node('Gemm', names, { transA: +transA, transB: +transB }), batch);
      }
      const swap = (s: Slot) => {
        const perm = s.shape.map((_, i) => i);
        perm.splice(-2, 2, perm.length - 1, perm.length - 2);
        return g.node('Transpose', [s.name], { perm });
      };
      return out(g.node('MatMul', [transA ? swap(sa) : sa.name, transB ? swap(sb) : sb.name]), batch);
    }
    case 'linear': {
      if (ins.slice(1).some((s) => s.batch !== null) || (x.batch !== null && x.batch.axis !== 0)) {
        throw g.fixedBatch(
          'linear',
          'contracts the batch axis with a fixed-size weight',
          ins.map((s) => s.shape),
        );
      }
      const affine = g.node('Gemm', names, { transB: 1 });
      return out(a.attributes.relu ? g.node('Relu', [affine]) : affine, x.batch);
    }
    case 'sum':
    case 'max':
    case 'prod': {
      const { axis, keepDims } = a.attributes;
      const keepdims = +keepDims;
      const node =
        a.op === 'sum'
          ? g.node('ReduceSum', axis === null ? [x.name] : [x.name, g.ints('axes', [axis])], { keepdims })
          : g.node(
              a.op === 'max' ? 'ReduceMax' : 'ReduceProd',
              [x.name],
              axis === null ? { keepdims } : { axes: [axis], keepdims },
            );
      const slot = out(node, reducedBatch(x.batch, axis, keepDims));
      return a.op === 'sum' ? { ...slot, ...countOf(x, axis) } : slot;
    }
    case 'cumsum': {
      const { axis, reverse } = a.attributes;
      return out(g.node('CumSum', [x.name, g.ints('axis', [axis], [])], { reverse: +reverse }), x.batch);
    }
    case 'reshape': {
      const { shape, batch } = reshapeTarget(g, x, a.attributes.shape);
      const zero = shape.includes(0);
      if (zero && batch !== null) throw g.fixedBatch('reshape', 'makes an empty axis', [x.shape, shape]);
      return out(g.node('Reshape', [x.name, g.ints('shape', shape)], zero ? { allowzero: 1 } : {}), batch);
    }
    case 'permute': {
      const { dims } = a.attributes;
      const batch = x.batch && { axis: dims.indexOf(x.batch.axis), factor: x.batch.factor };
      return out(g.node('Transpose', [x.name], { perm: dims }), batch);
    }
    case 'broadcastTo': {
      // Expand broadcasts both ways, so a 1 where the batch sits leaves the input's own size there
      const axis = x.batch && rank - x.shape.length + x.batch.axis;
      const shape = a.attributes.shape.map((d, i) => (i === axis ? 1 : d));
      const batch = x.batch && { axis: axis!, factor: x.batch.factor };
      return out(g.node('Expand', [x.name, g.ints('shape', shape)]), batch);
    }
    case 'sumTo': {
      const lead = x.shape.length - rank;
      const axes = x.shape
        .map((_, i) => i)
        .filter((i) => i < lead || (a.attributes.shape[i - lead] === 1 && x.shape[i] !== 1));
      let node = g.node('ReduceSum', [x.name, g.ints('axes', axes)], { keepdims: 1 });
      if (lead > 0) node = g.node('Squeeze', [node, g.ints('axes', axes.slice(0, lead))]);
      const kept = x.batch !== null && !axes.includes(x.batch.axis);
      return out(node, kept ? { axis: x.batch!.axis - lead, factor: x.batch!.factor } : null);
    }
    case 'slice': {
      const { inShape, starts, steps, counts, keep } = a.attributes.spec;
      const cut = inShape
        .map((_, d) => d)
        .filter((d) => !(starts[d] === 0 && steps[d] === 1 && counts[d] === inShape[d]));
      if (x.batch !== null && (cut.includes(x.batch.axis) || !keep[x.batch.axis])) {
        throw g.fixedBatch('slice', 'picks rows of the batch axis', [x.shape, t.shape]);
      }
      let node = x.name;
      if (cut.length > 0) {
        const ends = cut.map((d) =>
          counts[d] === 0 ? starts[d]! : starts[d]! + (counts[d]! - 1) * steps[d]! + 1,
        );
        const inputs = [
          node,
          g.ints(
            'starts',
            cut.map((d) => starts[d]!),
          ),
          g.ints('ends', ends),
        ];
        inputs.push(
          g.ints('axes', cut),
          g.ints(
            'steps',
            cut.map((d) => steps[d]!),
          ),
        );
        node = g.node('Slice', inputs);
      }
      const dropped = keep.map((k, d) => (k ? -1 : d)).filter((d) => d >= 0);
      if (dropped.length > 0) node = g.node('Squeeze', [node, g.ints('axes', dropped)]);
      const batch = x.batch && {
        axis: x.batch.axis - dropped.filter((d) => d < x.batch!.axis).length,
        factor: x.batch.factor,
      };
      return out(node === x.name ? g.node('Identity', [node]) : node, batch);
    }
    case 'concat': {
      const { axis } = a.attributes;
      const carriers = ins.filter((s) => s.batch !== null);
      let batch: BatchAxis | null = null;
      if (carriers.length > 0) {
        const at = carriers[0]!.batch!.axis;
        if (carriers.length < ins.length || carriers.some((s) => s.batch!.axis !== at)) {
          throw g.fixedBatch(
            'concat',
            'joins values with and without the batch axis',
            ins.map((s) => s.shape),
          );
        }
        const factor =
          at === axis ? carriers.reduce((f, s) => f + s.batch!.factor, 0) : carriers[0]!.batch!.factor;
        batch = { axis: at, factor };
      }
      return out(g.node('Concat', names, { axis }), batch);
    }
    case 'gather': {
      const { axis, index, indexShape } = a.attributes;
      if (x.batch !== null && x.batch.axis !== axis) {
        throw g.fixedBatch('gather', 'takes fixed indices along the batch axis', [x.shape, indexShape]);
      }
      return out(g.node('GatherElements', [x.name, g.ints('index', index, indexShape)], { axis }), null);
    }
    case 'scatterAdd': {
      const { axis, index, inShape } = a.attributes;
      if (x.batch !== null) throw g.fixedBatch('scatterAdd', 'scatters fixed indices', [x.shape, inShape]);
      const zeros = g.floats('zeros', new Float64Array(product(inShape)), inShape);
      const idx = g.ints('index', index, x.shape);
      return out(g.node('ScatterElements', [zeros, idx, x.name], { axis, reduction: 'add' }), null);
    }
    case 'unslice': {
      const spec = a.attributes.spec;
      if (x.batch !== null)
        throw g.fixedBatch('unslice', 'scatters into a fixed shape', [x.shape, spec.inShape]);
      const n = product(spec.counts);
      const rankIn = spec.inShape.length;
      const coords = new Float64Array(n * rankIn);
      for (let i = 0; i < n; i++) {
        let rest = i;
        for (let d = rankIn - 1; d >= 0; d--) {
          coords[i * rankIn + d] = spec.starts[d]! + (rest % spec.counts[d]!) * spec.steps[d]!;
          rest = Math.floor(rest / spec.counts[d]!);
        }
      }
      const zeros = g.floats('zeros', new Float64Array(product(spec.inShape)), spec.inShape);
      const flat = g.node('Reshape', [x.name, g.ints('shape', [n])]);
      return out(g.node('ScatterND', [zeros, g.ints('index', coords, [n, rankIn]), flat]), null);
    }
    case 'where': {
      const [c, yes, no] = ins as [Slot, Slot, Slot];
      const node = g.node('Where', [g.truthOf(c.name), yes.name, no.name]);
      return out(node, broadcastBatch(g, 'where', ins, rank));
    }
    case 'custom':
      throw new Error(`exportOnnx: op '${a.name}' has no ONNX mapping`);
    default: {
      // an op added to the engine after this table: refused by name until it gets its mapping
      const op: string = (a as { op: string }).op;
      throw new Error(`exportOnnx: op '${op}' has no ONNX mapping`);
    }
  }
}

/** The single ONNX operator of a recognised composite. */
export function lowerComposite(g: OnnxGraph, c: Composite, x: Slot, t: Tensor): Slot {
  const out = (name: string, batch = x.batch): Slot => ({ name, shape: t.shape, batch });
  switch (c.kind) {
    case 'sigmoid':
      return out(g.node('Sigmoid', [x.name]));
    case 'softmax':
      return out(g.node('Softmax', [x.name], { axis: c.axis }));
    case 'logSoftmax':
      return out(g.node('LogSoftmax', [x.name], { axis: c.axis }));
    case 'sqrt':
      return out(g.node('Sqrt', [x.name]));
    case 'logcumsumexp':
      return out(logcumsumexp(g, x));
    case 'logSumExp': {
      const node = g.node('ReduceLogSumExp', [x.name], { axes: [c.axis], keepdims: 1 });
      return out(node, x.batch?.axis === c.axis ? null : x.batch);
    }
    case 'subMax': {
      const max = g.node('ReduceMax', [x.name], { axes: [c.axis], keepdims: 1 });
      return out(g.node('Sub', [x.name, max]));
    }
  }
}
