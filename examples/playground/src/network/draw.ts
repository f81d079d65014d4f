// The network lab's live pictures on canvases: the decision boundary under the points, and the loss
// curves. Redrawn many times a second while training runs, so plain 2-D canvas calls.

import { formatNumber } from '../dom.js';
import type { Domain, EpochFigures, Points } from './session.js';

/** Class 0 and class 1, as TensorFlow Playground colours them. */
const CLASS_RGB: [[number, number, number], [number, number, number]] = [
  [245, 147, 34],
  [8, 119, 189],
];
const INK = '#333';

/** Sizes a canvas's backing store to its CSS size times the device pixel ratio; returns the CSS size. */
function prepare(canvas: HTMLCanvasElement): {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
} {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

/** The colour of P(class 1) = p: orange through white to blue, pale so that the points stand out. */
function tint(p: number): [number, number, number] {
  const [c0, c1] = CLASS_RGB;
  const target = p < 0.5 ? c0 : c1;
  const strength = Math.min(1, Math.abs(p - 0.5) * 2) * 0.55;
  return target.map((c) => Math.round(255 + (c - 255) * strength)) as [number, number, number];
}

/**
 * The model's probability of class 1 over the domain (`grid`: size² values, row by row from the
 * top) as a tint of the class colours, and the points: training ones filled, test ones ringed.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  grid: Float64Array | null,
  size: number,
  domain: Domain,
  train: Points,
  test: Points,
): void {
  const { ctx, width, height } = prepare(canvas);
  ctx.clearRect(0, 0, width, height);
  if (grid !== null) {
    const image = new ImageData(size, size);
    grid.forEach((p, i) => {
      const [r, g, b] = tint(p);
      image.data.set([r, g, b, 255], 4 * i);
    });
    const cells = document.createElement('canvas');
    cells.width = size;
    cells.height = size;
    cells.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, 0, 0, width, height);
  }
  const { cx, cy, half } = domain;
  const toX = (x: number) => ((x - (cx - half)) / (2 * half)) * width;
  const toY = (y: number) => ((cy + half - y) / (2 * half)) * height;
  const dot = (point: number[], label: number, filled: boolean) => {
    ctx.beginPath();
    ctx.arc(toX(point[0]!), toY(point[1]!), 3.5, 0, 2 * Math.PI);
    const [r, g, b] = CLASS_RGB[label === 1 ? 1 : 0];
    if (filled) {
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fill();
      ctx.strokeStyle = 'white';
      ctx.lineWidth = 1;
    } else {
      ctx.strokeStyle = `rgb(${r},${g},${b})`;
      ctx.lineWidth = 2;
    }
    ctx.stroke();
  };
  for (const [i, p] of train.x.entries()) dot(p, train.y[i]!, true);
  for (const [i, p] of test.x.entries()) dot(p, test.y[i]!, false);
}

/** Training and test loss per epoch, on a log scale when they span more than a factor of 20. */
export function drawLoss(canvas: HTMLCanvasElement, history: readonly EpochFigures[]): void {
  const { ctx, width, height } = prepare(canvas);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 44, right: 10, top: 10, bottom: 24 };
  const w = width - pad.left - pad.right;
  const hgt = height - pad.top - pad.bottom;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = INK;
  ctx.strokeStyle = '#bbb';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, w, hgt);
  if (history.length === 0) {
    ctx.fillText('the loss curves appear here while the network trains', pad.left + 8, pad.top + hgt / 2);
    return;
  }
  const values = history.flatMap((e) => [e.loss, e.testLoss]).filter((v) => v > 0 && Number.isFinite(v));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const log = hi / lo > 20;
  const f = (v: number) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
  if (!log) lo = 0;
  if (f(hi) === f(lo)) hi = lo + 1;
  const n = history.length;
  const toX = (epoch: number) => pad.left + (n === 1 ? w / 2 : ((epoch - history[0]!.epoch) / (n - 1)) * w);
  const toY = (v: number) => pad.top + (1 - (f(v) - f(lo)) / (f(hi) - f(lo))) * hgt;
  const line = (pick: (e: EpochFigures) => number, color: string, dash: number[]) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    for (const [i, e] of history.entries()) {
      if (i === 0) ctx.moveTo(toX(e.epoch), toY(pick(e)));
      else ctx.lineTo(toX(e.epoch), toY(pick(e)));
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.75;
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line((e) => e.loss, '#0877bd', []);
  line((e) => e.testLoss, '#d4431c', [5, 3]);
  ctx.fillStyle = INK;
  ctx.textAlign = 'right';
  ctx.fillText(formatNumber(hi, 2), pad.left - 4, pad.top + 9);
  ctx.fillText(formatNumber(lo, 2), pad.left - 4, pad.top + hgt);
  ctx.textAlign = 'center';
  ctx.fillText(`epoch ${history.at(-1)!.epoch}${log ? ' · log scale' : ''}`, pad.left + w / 2, height - 6);
  // the legend top right, where falling curves leave room
  ctx.textAlign = 'right';
  ctx.fillStyle = '#0877bd';
  ctx.fillText('— training loss', pad.left + w - 8, pad.top + 14);
  ctx.fillStyle = '#d4431c';
  ctx.fillText('- - test loss', pad.left + w - 8, pad.top + 28);
}
