// Tensor: an n-d float64 node of the graph, with NumPy broadcasting and PyTorch's autograd semantics.
// The class and its methods live in tensor/, one topic a file; this module is the whole of it.

// each file below declares its methods on the class: imported here, the declarations travel with it
import './tensor/constructors.js';
import './tensor/elementwise.js';
import './tensor/matmul.js';
import './tensor/reductions.js';
import './tensor/shape-ops.js';
import './tensor/statistics.js';
import './tensor/values.js';

export { Tensor, type TensorLike } from './tensor/core.js';
export { fromNested, type RandomOptions, type TensorOptions, toTensor } from './tensor/creation.js';
export type { VarianceOptions } from './tensor/statistics.js';
