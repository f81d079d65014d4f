// The single-neuron example: the training as a function, and its entry for the demo.

export { example, report, type SingleNeuronRun, singleNeuron } from './example.js';
export {
  INPUTS,
  NEW_INPUT,
  type SingleNeuronOptions,
  type SingleNeuronResult,
  TARGETS,
  trainSingleNeuron,
} from './single-neuron.js';
