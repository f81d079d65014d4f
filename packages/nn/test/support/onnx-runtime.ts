// Runs exported ONNX bytes on onnxruntime-node (the real runtime, CPU) and compares with chainrule's numbers.

import type { Tensor } from '@chainrule/engine';
import type { OnnxDtype } from '@chainrule/nn';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

/** One thread per session: the suite shares two cores. */
const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/** The outputs of `bytes` on onnxruntime for `inputs` (fed in order to the model's inputs), as float64. */
export async function runOnnx(
  bytes: Uint8Array,
  inputs: readonly Tensor[],
  dtype: OnnxDtype = 'float64',
): Promise<{ data: Float64Array; shape: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const t = inputs[i]!;
    const data = dtype === 'float64' ? t.data : Float32Array.from(t.data);
    feeds[name] = new ort.Tensor(dtype, data, t.shape.slice());
  });
  const results = await session.run(feeds);
  await session.release();
  return session.outputNames.map((name) => {
    const out = results[name]!;
    return { data: Float64Array.from(out.data as Float64Array | Float32Array), shape: out.dims.slice() };
  });
}

/**
 * Asserts that onnxruntime's output equals chainrule's tensor in shape and, element by element, within
 * `tol` absolute below 1 and relative above (|a - b| <= tol·max(1, |b|)); NaN must meet NaN.
 */
export function expectMatches(got: { data: Float64Array; shape: number[] }, want: Tensor, tol: number): void {
  expect(got.shape).toEqual(want.shape);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < want.size; i++) {
    const a = got.data[i]!;
    const b = want.data[i]!;
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (!(Number.isNaN(a) && Number.isNaN(b)))
        expect.fail(`element ${i}: onnxruntime ${a}, chainrule ${b}`);
      continue;
    }
    const error = a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(error <= worst)) {
      worst = error;
      where = i;
    }
  }
  if (!(worst <= tol)) {
    expect.fail(
      `element ${where}: onnxruntime ${got.data[where]}, chainrule ${want.data[where]} (error ${worst} > ${tol})`,
    );
  }
}
