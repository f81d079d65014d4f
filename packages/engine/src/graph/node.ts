// The node type shared by Value and Tensor: op name, ordered parents, local backward rule, gradients.

/**
 * A node of the computation graph. `Value` and `Tensor` extend it; the topological order and the
 * reverse pass in `backward.ts` work on any subclass without knowing which one it is.
 */
export abstract class GraphNode<N extends GraphNode<N>> {
  // Declared, not initialised here: a Tensor holds them as fields (set in the constructor), a Value
  // reads them from its tape through accessors.
  /** The operation that produced this node, `''` for a leaf. */
  declare readonly op: string;
  /** The inputs of the operation, in argument order; a repeated input stays repeated. */
  declare readonly parents: readonly N[];
  /** @internal Gradient accumulated by backward passes (PyTorch's `.grad`). */
  declare _grad: N | null;
  /** @internal Gradient collected by the pass in progress; always null between passes. */
  declare _pending: N | null;
  /** @internal Stamp of the last topological walk that visited this node. */
  declare _mark: number;

  /** With `op` and `parents` the fields are set here; without, the subclass provides them (Value). */
  protected constructor(op?: string, parents?: readonly N[]) {
    if (op !== undefined) {
      const self = this as { op: string; parents: readonly N[] };
      self.op = op;
      self.parents = parents ?? [];
      this._grad = null;
      this._pending = null;
      this._mark = 0;
    }
  }

  /**
   * @internal The nodes below this one in an order where each comes after its parents, when the kind
   * keeps one (Value's tape); null to let `topoOrder` walk the graph.
   */
  _order(_trackedOnly: boolean): N[] | null {
    return null;
  }

  /** @internal Whether gradients flow into this node (always for Value, `requiresGrad` for Tensor). */
  abstract get _tracked(): boolean;

  /**
   * @internal The local backward rule: given the gradient `g` of the output, one gradient per
   * parent in parent order, or `null` where a parent gets none. Written with engine ops so that
   * it can be recorded (createGraph).
   */
  abstract _vjp(g: N): readonly (N | null)[];

  /** @internal The sum of two gradients of this node. */
  abstract _sumGrads(a: N, b: N): N;

  /**
   * @internal The seed of a reverse pass started from this node: 1 for a scalar. A node that is not
   * a scalar throws, naming `op` (the caller: 'backward', 'grad', ...).
   */
  abstract _seed(op: string): N;

  /** @internal A zero gradient shaped like this node, for inputs the output does not depend on. */
  abstract _zerosLike(): N;

  /**
   * @internal This node as an input to differentiate with respect to: itself when it takes
   * gradients, else a tracked leaf sharing its data.
   */
  _asInput(): N {
    return this as unknown as N;
  }

  /**
   * @internal The gradient to store as this node's first accumulated gradient. A gradient can be
   * shared (an add passes one tensor to both inputs; the seed is the caller's), so a kind whose
   * gradients are mutable arrays copies it for leaves, which users read and clip in place, unless
   * it knows the gradient was made for that leaf alone (Tensor's `_gradientFor`).
   */
  _keepGrad(g: N, _createGraph: boolean): N {
    return g;
  }

  /**
   * @internal The op as graph pictures name it: the op, and what else it computed when an attribute
   * adds a step (a `linear` with its relu fused in is `linear+relu`).
   */
  _opText(): string {
    return this.op;
  }

  /** @internal Text for graph pictures: the node's label, its data and its gradient, each short. */
  abstract _summary(): { label: string; data: string; grad: string };

  /**
   * @internal Brings a gradient produced by the rule of `childOp` to this node's shape (undoing
   * broadcasting) and checks it. Scalars need nothing.
   */
  _fitGrad(g: N, _childOp: string): N {
    return g;
  }
}
