// The ONNX protobuf messages exportOnnx writes, built and encoded with onnx-proto (protobufjs code generated
// from onnx.proto): tensors as little-endian raw bytes, attributes, typed inputs and outputs with a batch axis.

import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

/** The generated ONNX message classes. */
export const { onnx } = onnxProto;

/** An ONNX node, as onnx-proto types it. */
export type NodeProto = OnnxTypes.INodeProto;
/** An ONNX tensor, as onnx-proto types it. */
export type TensorProto = OnnxTypes.ITensorProto;

/** The floating-point type of an exported model's inputs, outputs and weights. */
export type OnnxDtype = 'float64' | 'float32';

/** The opset every exported model declares: the default domain's operators as of ONNX 1.12. */
export const OPSET = 17;
/** The IR version of ONNX 1.12, the release that introduced opset 17. */
export const IR_VERSION = 8;

const { DataType } = onnx.TensorProto;

/** The ONNX element type of a dtype. */
export function elementType(dtype: OnnxDtype): number {
  return dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
}

/**
 * A named constant tensor of floats, stored as raw little-endian bytes of `dtype`; a finite number
 * beyond float32's range is refused when `dtype` is float32 (NaN and infinities are stored as they are).
 */
export function floatTensor(
  name: string,
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: OnnxDtype,
): TensorProto {
  const width = dtype === 'float64' ? 8 : 4;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (width === 8) view.setFloat64(i * 8, v, true);
    else if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      // as toSafetensors: a finite number is not turned into an infinity behind the caller's back
      throw new RangeError(
        `exportOnnx: '${name}'[${i}] = ${v} is too large for float32; export with dtype 'float64'`,
      );
    } else view.setFloat32(i * 4, v, true);
  }
  return onnx.TensorProto.create({ name, dims: shape.slice(), dataType: elementType(dtype), rawData: bytes });
}

/** A named constant tensor of int64 (shapes, axes, indices), stored as raw little-endian bytes. */
export function int64Tensor(
  name: string,
  values: ArrayLike<number>,
  shape: readonly number[] = [values.length],
): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return onnx.TensorProto.create({ name, dims: shape.slice(), dataType: DataType.INT64, rawData: bytes });
}

/** A named constant tensor of booleans, one byte each. */
export function boolTensor(name: string, values: ArrayLike<boolean>, shape: readonly number[]): TensorProto {
  const bytes = Uint8Array.from(values, (v) => (v ? 1 : 0));
  return onnx.TensorProto.create({ name, dims: shape.slice(), dataType: DataType.BOOL, rawData: bytes });
}

/** An attribute value: an integer, a list of integers, a float or a string. */
export type AttributeValue = number | readonly number[] | { float: number } | string;

const { AttributeType } = onnx.AttributeProto;

/** An AttributeProto; plain numbers are INT (ONNX's flags, axes and counts are all integers). */
export function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  if (typeof value === 'number')
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({
      name,
      type: AttributeType.STRING,
      s: new TextEncoder().encode(value),
    });
  }
  if ('float' in value)
    return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: value.slice() });
}

/**
 * A graph input or output: its element type and shape, the batch axis (if any) named 'batch' (or
 * 'batch*3' where it holds three rows per example) so that runtimes accept any size there.
 */
export function valueInfo(
  name: string,
  shape: readonly number[],
  dtype: OnnxDtype,
  batch: { readonly axis: number; readonly factor: number } | null,
): OnnxTypes.IValueInfoProto {
  const dimParam = batch === null || batch.factor === 1 ? 'batch' : `batch*${batch.factor}`;
  const dim = shape.map((d, i) => (i === batch?.axis ? { dimParam } : { dimValue: d }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: elementType(dtype), shape: { dim } } },
  });
}
