// Seed 001's high-school mathematics example: the computations as functions, and its entry for the demo.

export { example, type HighSchoolRun, highSchoolNetwork, report } from './example.js';
export {
  type HighSchoolOptions,
  type HighSchoolResult,
  highSchoolMath,
  innerProduct,
  type MatrixProduct,
  matrixProducts,
  trainHighSchoolNetwork,
} from './high-school-network.js';
