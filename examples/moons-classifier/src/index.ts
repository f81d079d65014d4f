// Seed 002's moons classifier: the data, the training and the comparison of inits, and its entry for the demo.

export {
  example,
  type MoonsComparison,
  moonsClassifier,
  report,
  SEED_ACCURACY,
  SEED_STALLED,
} from './example.js';
export {
  ARCHITECTURE,
  EPOCHS,
  LEARNING_RATE,
  type MoonsData,
  type MoonsRun,
  moonsData,
  NOISE,
  predict,
  SAMPLES,
  TEST_SIZE,
  type TrainMoonsOptions,
  trainMoons,
} from './moons-classifier.js';
