// The public API of @chainrule/nn (browser-safe: nothing here imports from Node).

export { ELU, GELU, LeakyReLU, SiLU, Softplus } from './activations.js';
export {
  type Activation,
  type ArchitectureOptions,
  defaultInit,
  fromArchitecture,
  type LayerDescription,
  MLP,
  type MLPOptions,
} from './architecture.js';
export {
  type BatchOptions,
  batches,
  type Rows,
  type SplitOptions,
  takeRows,
  trainTestSplit,
} from './data.js';
export {
  type BlobOptions,
  type Dataset,
  makeBlobs,
  makeCircles,
  makeMoons,
  type ToyOptions,
} from './datasets.js';
export { SafetensorsError, StateDictError } from './errors.js';
export { type EpochLog, type FitOptions, fit, type History, type Metric } from './fit.js';
export { INIT_NAMES, type Init, initialize } from './init.js';
export {
  Dropout,
  Identity,
  Linear,
  type LinearActivation,
  type LinearOptions,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from './layers.js';
export {
  bceWithLogits,
  binaryCrossEntropy,
  type ClassificationLoss,
  crossEntropy,
  hingeLoss,
  type Loss,
  type LossOptions,
  mseLoss,
  type Reduction,
  sseLoss,
} from './losses.js';
export { type AccuracyOptions, accuracy } from './metrics.js';
export { Module } from './module.js';
export { exportOnnx, type OnnxExportOptions, type TensorFunction } from './onnx/export.js';
export type { OnnxDtype } from './onnx/proto.js';
export { Adam, type AdamOptions, AdamW } from './optim/adam.js';
export {
  type LearningRate,
  Optimizer,
  type OptimizerState,
  type Parameter,
  type ScalarParameter,
  type TensorParameter,
} from './optim/optimizer.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export type { RandomOptions } from './random-option.js';
export {
  fromSafetensors,
  SAFETENSORS_MAX_HEADER,
  type SafetensorsContents,
  type SafetensorsDtype,
  type SafetensorsOptions,
  toSafetensors,
} from './safetensors.js';
export {
  Layer,
  Neuron,
  type NeuronOptions,
  type ScalarActivation,
  ScalarMLP,
  type ScalarMLPOptions,
  ScalarModule,
} from './scalar.js';
export { cosineAnnealingLR, exponentialLR, linearWarmup, type Schedule, stepLR } from './schedules.js';
export type { StateDict, StateEntry } from './state-dict.js';
