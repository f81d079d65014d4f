// The elementwise ops' rules: arithmetic with broadcasting and the unary functions.

import { isRecording } from '../../graph/recording.js';
import type { BinaryKernelOp, UnaryKernelOp } from '../../kernels/backend.js';
import { kernels } from '../../kernels/index.js';
import { broadcastShapes, sameShape, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { constBinary, constUnary, type Raw, type TensorRules } from './rule.js';

function unaryForward(op: UnaryKernelOp) {
  return ([a]: readonly Tensor[]): Raw => {
    const data = new Float64Array(a!.data.length);
    kernels().unary(op, a!.data, data);
    return { data, shape: a!.shape.slice() };
  };
}

function binaryForward(op: BinaryKernelOp, name: string) {
  return ([a, b]: readonly Tensor[]): Raw => {
    const shape = broadcastShapes(a!.shape, b!.shape, name);
    const data = new Float64Array(sizeOf(shape));
    kernels().binary(op, a!.data, a!.shape, b!.data, b!.shape, data, shape);
    return { data, shape };
  };
}

/** The elementwise ops' rules. */
export const elementwiseRules: TensorRules<
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'neg'
  | 'exp'
  | 'log'
  | 'tanh'
  | 'relu'
  | 'reciprocal'
  | 'abs'
> = {
  add: {
    forward: binaryForward('add', 'add'),
    // d(a + b) = da + db; the reverse walk sums broadcast gradients back to each input's shape
    backward: (g) => [g, g],
  },
  sub: {
    forward: binaryForward('sub', 'sub'),
    // d(a - b) = da - db
    backward: (g, _out, needs) => [g, needs[1] ? g.neg() : null],
  },
  mul: {
    forward: binaryForward('mul', 'mul'),
    // d(a·b) = b·da + a·db
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      return [needs[0] ? g.mul(b!) : null, needs[1] ? g.mul(a!) : null];
    },
  },
  div: {
    forward: binaryForward('div', 'div'),
    // d(a/b) = da/b - (a/b)·db/b: reuse the output
    backward: (g, out, needs) => {
      const [, b] = out.parents;
      return [needs[0] ? g.div(b!) : null, needs[1] ? g.mul(out).div(b!).neg() : null];
    },
  },
  pow: {
    forward: (inputs, { exponent }) => {
      if (exponent !== null) {
        const a = inputs[0]!;
        const data = new Float64Array(a.data.length);
        for (let i = 0; i < data.length; i++) data[i] = a.data[i]! ** exponent;
        return { data, shape: a.shape.slice() };
      }
      return binaryForward('pow', 'pow')(inputs);
    },
    // d(a^b) = b·a^(b-1)·da + a^b·ln(a)·db; a constant exponent 0 makes the output constant
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const e = out._attrs.exponent;
      if (e !== null) return [e === 0 ? g.mul(0) : g.mul(a!.pow(e - 1).mul(e))];
      // where b = 0 the base's gradient is 0 (0·a^-1 would be NaN at a = 0): those take a^0 instead
      return [
        needs[0] ? g.mul(b!).mul(a!.pow(exponentLessOne(b!))) : null,
        needs[1] ? g.mul(out).mul(logBase(a!)) : null,
      ];
    },
  },
  maximum: {
    forward: binaryForward('maximum', 'maximum'),
    // the larger input takes the gradient; at a tie each takes half, as in PyTorch
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const toA = constBinary('gtHalf', a!, b!, g);
      return [needs[0] ? g.mul(toA) : null, needs[1] ? g.mul(toA.neg().add(1)) : null];
    },
  },
  minimum: {
    forward: binaryForward('minimum', 'minimum'),
    // the smaller input takes the gradient; at a tie each takes half
    backward: (g, out, needs) => {
      const [a, b] = out.parents;
      const toA = constBinary('gtHalf', b!, a!, g);
      return [needs[0] ? g.mul(toA) : null, needs[1] ? g.mul(toA.neg().add(1)) : null];
    },
  },
  neg: {
    forward: unaryForward('neg'),
    // d(-a) = -da
    backward: (g) => [g.neg()],
  },
  exp: {
    forward: unaryForward('exp'),
    // d(e^a) = e^a·da: reuse the output
    backward: (g, out) => [g.mul(out)],
  },
  log: {
    forward: unaryForward('log'),
    // d(ln a) = da/a
    backward: (g, out) => [g.div(out.parents[0]!)],
  },
  tanh: {
    forward: unaryForward('tanh'),
    // d(tanh a) = (1 - tanh²a)·da: reuse the output
    backward: (g, out) => [g.mul(out.mul(out).neg().add(1))],
  },
  relu: {
    forward: unaryForward('relu'),
    // d(relu a) = [a > 0]·da; at the kink a = 0 we take 0, as PyTorch does. Recorded (createGraph)
    // it is the product with a constant mask; unrecorded, one fused pass gives the same numbers.
    backward: (g, out) => {
      const a = out.parents[0]!;
      if (isRecording() || !sameShape(g.shape, a.shape)) return [g.mul(constUnary('step', a))];
      const data = new Float64Array(g.data.length);
      kernels().binary('reluGrad', g.data, g.shape, a.data, a.shape, data, g.shape);
      return [a._constant(data, g.shape)];
    },
  },
  reciprocal: {
    forward: unaryForward('reciprocal'),
    // d(1/a) = -(1/a)²·da: reuse the output
    backward: (g, out) => [g.mul(out.mul(out)).neg()],
  },
  abs: {
    forward: unaryForward('abs'),
    // d|a| = sign(a)·da; at 0 we take 0
    backward: (g, out) => [g.mul(constUnary('sign', out.parents[0]!))],
  },
};

/** b - 1, except 0 where b = 0, so that b·a^(b-1) is 0 there rather than 0·∞. */
function exponentLessOne(b: Tensor): Tensor {
  if (!b.data.includes(0)) return b.sub(1);
  const shift = new Float64Array(b.data.length);
  for (let i = 0; i < shift.length; i++) shift[i] = b.data[i] === 0 ? 0 : 1;
  return b.sub(b._constant(shift, b.shape));
}

/**
 * ln(a) for the exponent's gradient a^b·ln(a): where a = 0 the product's limit is 0 (as in PyTorch), so
 * those elements take ln(1) = 0; where a < 0 no real logarithm exists and the gradient is NaN.
 */
function logBase(a: Tensor): Tensor {
  const keep = new Float64Array(a.data.length);
  const fill = new Float64Array(a.data.length);
  for (let i = 0; i < keep.length; i++) {
    const v = a.data[i]!;
    keep[i] = v > 0 || Number.isNaN(v) ? 1 : 0;
    fill[i] = v === 0 ? 1 : v < 0 ? Number.NaN : 0;
  }
  return a.mul(a._constant(keep, a.shape)).add(a._constant(fill, a.shape)).log();
}
