/**
 * A small SVG bar chart of render times by thread count: one bar per thread count, its
 * length the time, labelled with the time and the speedup over one thread. Colours come from
 * CSS classes (the CSP forbids inline styles); geometry is in SVG attributes.
 */
import { duration } from '../dom';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 30;
const LABEL = 86;
const WIDTH = 420;
const BAR_MAX = 230;

function node<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text = ''): SVGElementTagNameMap[K] {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text) n.textContent = text;
  return n;
}

/** Draws `times` (thread count -> ms) into svg; `selected` is highlighted. */
export function drawChart(svg: SVGSVGElement, times: ReadonlyMap<number, number>, selected: number): void {
  const rows = [...times.entries()].sort((a, b) => a[0] - b[0]);
  const height = Math.max(1, rows.length) * ROW + 8;
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  svg.replaceChildren();
  if (rows.length === 0) {
    svg.append(node('text', { x: 0, y: 20, class: 'chart-empty' }, 'render to measure'));
    return;
  }
  const slowest = Math.max(...rows.map(([, ms]) => ms));
  const single = times.get(1);
  rows.forEach(([threads, ms], i) => {
    const y = 4 + i * ROW;
    const w = Math.max(2, (ms / slowest) * BAR_MAX);
    const speedup = single === undefined ? '' : `  ×${(single / ms).toFixed(2)}`;
    const row = node('g', { class: threads === selected ? 'chart-row selected' : 'chart-row' });
    row.append(
      node('text', { x: 0, y: y + 16, class: 'chart-label' }, `${threads} thread${threads === 1 ? '' : 's'}`),
      node('rect', { x: LABEL, y, width: w.toFixed(1), height: ROW - 10, rx: 4, class: 'chart-bar' }),
      node('text', { x: LABEL + w + 6, y: y + 16, class: 'chart-value' }, `${duration(ms)}${speedup}`),
    );
    svg.append(row);
  });
}
