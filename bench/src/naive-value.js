// A naive scalar engine, the one most TypeScript ports of micrograd write: an object per node, a closure
// per node for its backward step, a Set-based topological sort. The baseline the scalar benchmarks compare
// chainrule's Value with; it is never used outside the benchmarks. Its types are in naive-value.d.ts.
//
// Plain JavaScript, not TypeScript, on purpose: the benchmarks run under tsx, whose esbuild transform of
// a .ts file keeps function names by wrapping every closure it makes in a call that defines `name`. Here
// that is two calls per node (the backward step and its default), and it made this engine's demo about
// 1.5 times slower than the same code compiled by tsc, the way a port's users would run it. tsx leaves a
// .js file as it is. (bench/README.md, "The naive engine as its users run it".)
/**
 * A scalar node: its number, its gradient, its parents and a closure that adds its gradient to theirs.
 * `backward(true)` records the gradient computation (each closure then builds nodes), so a gradient can
 * be differentiated again, as chainrule's `createGraph` does.
 */
export class NaiveValue {
  data;
  grad = 0;
  /** The gradient as a node, filled by a recorded backward pass. */
  gradNode = null;
  prev;
  op;
  /** Adds this node's gradient (numeric: `grad`; recorded: `gradNode`) to its parents'. */
  backwardStep = () => {};
  constructor(data, prev = [], op = '') {
    this.data = data;
    this.prev = prev;
    this.op = op;
  }
  add(other) {
    const b = lift(other);
    const out = new NaiveValue(this.data + b.data, [this, b], '+');
    out.backwardStep = (record) => {
      if (record) {
        this.gradNode = accumulate(this.gradNode, out.gradNode);
        b.gradNode = accumulate(b.gradNode, out.gradNode);
      } else {
        this.grad += out.grad;
        b.grad += out.grad;
      }
    };
    return out;
  }
  mul(other) {
    const b = lift(other);
    const out = new NaiveValue(this.data * b.data, [this, b], '*');
    out.backwardStep = (record) => {
      if (record) {
        this.gradNode = accumulate(this.gradNode, out.gradNode.mul(b));
        b.gradNode = accumulate(b.gradNode, out.gradNode.mul(this));
      } else {
        this.grad += b.data * out.grad;
        b.grad += this.data * out.grad;
      }
    };
    return out;
  }
  sub(other) {
    const b = lift(other);
    const out = new NaiveValue(this.data - b.data, [this, b], '-');
    out.backwardStep = (record) => {
      if (record) {
        this.gradNode = accumulate(this.gradNode, out.gradNode);
        b.gradNode = accumulate(b.gradNode, out.gradNode.neg());
      } else {
        this.grad += out.grad;
        b.grad -= out.grad;
      }
    };
    return out;
  }
  neg() {
    const out = new NaiveValue(-this.data, [this], 'neg');
    out.backwardStep = (record) => {
      if (record) this.gradNode = accumulate(this.gradNode, out.gradNode.neg());
      else this.grad -= out.grad;
    };
    return out;
  }
  tanh() {
    const t = Math.tanh(this.data);
    const out = new NaiveValue(t, [this], 'tanh');
    out.backwardStep = (record) => {
      // d tanh x = 1 - tanh² x
      if (record) this.gradNode = accumulate(this.gradNode, out.gradNode.mul(out.mul(out).neg().add(1)));
      else this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }
  relu() {
    const out = new NaiveValue(Math.max(this.data, 0), [this], 'relu');
    out.backwardStep = (record) => {
      if (record) this.gradNode = accumulate(this.gradNode, out.gradNode.mul(this.data > 0 ? 1 : 0));
      else this.grad += (this.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }
  /** Fills `grad` (or, with `record`, `gradNode`) of every node below this one. */
  backward(record = false) {
    const order = [];
    const visited = new Set();
    // iterative, so a chain of a million nodes fits; parents in order, as micrograd's recursion visits them
    const stack = [{ node: this, next: 0 }];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.prev.length) {
        const child = top.node.prev[top.next++];
        if (!visited.has(child)) {
          visited.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        stack.pop();
        order.push(top.node);
      }
    }
    if (record) this.gradNode = new NaiveValue(1);
    else this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardStep(record);
  }
}
function lift(x) {
  return typeof x === 'number' ? new NaiveValue(x) : x;
}
function accumulate(sum, g) {
  return sum === null ? g : sum.add(g);
}
