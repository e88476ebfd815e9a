/**
 * A line chart as an SVG document, for the docs: white background, colours from the Okabe-Ito
 * palette (told apart by colour-blind readers) with a dash pattern each (told apart in grey too),
 * text no smaller than 14 px at the SVG's own width, a title and description for screen readers.
 * A small generator of our own: one chart type, no layout engine, no DOM, no dependency; the
 * maintained libraries (D3, Vega) would need a DOM or a canvas to render outside a browser.
 */

export interface Series {
  readonly label: string;
  /** [x, y] in data units, x ascending. */
  readonly points: readonly (readonly [number, number])[];
  /** x values at which to draw a marker (with its value as a tooltip). */
  readonly markers?: readonly number[];
}

export interface Annotation {
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

export interface LineChartOptions {
  readonly title: string;
  /** One line under the title: what the inputs were. */
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly xDomain: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly formatX: (x: number) => string;
  readonly formatY: (y: number) => string;
  /** A log scale keeps lines a hundred times apart readable on one chart. */
  readonly yScale?: 'linear' | 'log';
  readonly annotations?: readonly Annotation[];
  readonly width?: number;
  /** The plot area's height; the document adds the title, axis labels and legend. */
  readonly plotHeight?: number;
}

/** Okabe & Ito's palette for colour-blind readers, in the order the series come. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'] as const;
const DASHES = ['', '10 5', '3 4', '14 5 3 5', '6 3', '1 3'] as const;
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const TEXT = '#1f2328';
const MUTED = '#57606a';
const GRID = '#d8dee4';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** 1, 2 and 5 times a power of ten, covering [min, max], for a log axis. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) throw new RangeError(`a log axis needs 0 < min <= max, got ${min}, ${max}`);
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)) - 1; exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (const mantissa of [1, 2, 5]) ticks.push(+(mantissa * 10 ** exponent).toPrecision(12));
  }
  const below = ticks.filter((t) => t <= min).pop() ?? min;
  const above = ticks.find((t) => t >= max) ?? max;
  return ticks.filter((t) => t >= below && t <= above);
}

/** About `count` round ticks (1, 2 or 5 times a power of ten apart) covering [min, max], for a linear axis. */
export function linearTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9 || ticks.length === 0; t += step) {
    ticks.push(+t.toPrecision(12));
  }
  if ((ticks[ticks.length - 1] ?? max) < max) ticks.push(+(ticks[ticks.length - 1] ?? max) + step);
  return ticks;
}

const fixed = (n: number): string => (Math.round(n * 10) / 10).toString();

/** The chart as a standalone SVG document. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 900;
  const legendRows = Math.ceil(options.series.length / 2);
  const plotHeight = options.plotHeight ?? 360;
  const top = options.subtitle ? 92 : 70;
  // Under the plot: tick labels, the axis label, then the legend rows.
  const height = top + plotHeight + 84 + legendRows * 28 + 8;
  const logScale = options.yScale === 'log';
  const values = options.series.flatMap((s) => s.points.map(([, y]) => y));
  if (values.length === 0) throw new Error('a chart needs at least one point');
  if (logScale && values.some((y) => !(y > 0))) throw new RangeError('a log axis cannot show values <= 0');
  const yTicks = logScale
    ? logTicks(Math.min(...values), Math.max(...values))
    : linearTicks(Math.min(0, ...values), Math.max(...values));
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks[yTicks.length - 1] ?? 1;

  const plot = { left: 96, right: width - 32, top, bottom: top + plotHeight };
  const [x0, x1] = options.xDomain;
  const sx = (x: number) => plot.left + ((x - x0) / (x1 - x0)) * (plot.right - plot.left);
  const sy = (y: number) => {
    const t = logScale
      ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
      : (y - yMin) / (yMax - yMin);
    return plot.bottom - t * (plot.bottom - plot.top);
  };

  const out: string[] = [];
  const descId = 'chart-desc';
  const titleId = 'chart-title';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId} ${descId}" font-family="${escapeXml(FONT)}">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(describe(options))}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${plot.left}" y="34" font-size="21" font-weight="600" fill="${TEXT}">${escapeXml(options.title)}</text>`,
  );
  if (options.subtitle) {
    out.push(
      `<text x="${plot.left}" y="60" font-size="14" fill="${MUTED}">${escapeXml(options.subtitle)}</text>`,
    );
  }

  // Grid and axes.
  out.push('<g class="grid">');
  for (const t of yTicks) {
    const y = fixed(sy(t));
    out.push(
      `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${plot.left - 10}" y="${y}" dy="0.35em" text-anchor="end" font-size="14" fill="${TEXT}">${escapeXml(options.formatY(t))}</text>`,
    );
  }
  for (const t of options.xTicks) {
    const x = fixed(sx(t));
    out.push(
      `<line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${x}" y="${plot.bottom + 24}" text-anchor="middle" font-size="14" fill="${TEXT}">${escapeXml(options.formatX(t))}</text>`,
    );
  }
  out.push(
    '</g>',
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="${TEXT}" stroke-width="1.5"/>`,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="${TEXT}" stroke-width="1.5"/>`,
    `<text x="${fixed((plot.left + plot.right) / 2)}" y="${plot.bottom + 54}" text-anchor="middle" font-size="15" fill="${TEXT}">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(24 ${fixed((plot.top + plot.bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="15" fill="${TEXT}">${escapeXml(options.yLabel)}</text>`,
  );

  // Series.
  for (const [i, s] of options.series.entries()) {
    const color = PALETTE[i % PALETTE.length];
    const dash = DASHES[i % DASHES.length];
    const path = s.points
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${fixed(sx(x))} ${fixed(sy(y))}`)
      .join(' ');
    out.push(
      `<g class="series" data-label="${escapeXml(s.label)}">`,
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="3" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    for (const mx of s.markers ?? []) {
      const y = interpolate(s.points, mx);
      if (y === undefined) continue;
      out.push(
        `<circle cx="${fixed(sx(mx))}" cy="${fixed(sy(y))}" r="4.5" fill="#ffffff" stroke="${color}" stroke-width="2.5"><title>${escapeXml(`${s.label}: ${options.formatY(y)} at ${options.formatX(mx)}`)}</title></circle>`,
      );
    }
    out.push('</g>');
  }

  for (const a of options.annotations ?? []) {
    const x = sx(a.x);
    const y = sy(a.y);
    const anchor = x > (plot.left + plot.right) / 2 ? 'end' : 'start';
    out.push(
      `<g class="annotation"><circle cx="${fixed(x)}" cy="${fixed(y)}" r="5" fill="${TEXT}"/>`,
      `<text x="${fixed(anchor === 'end' ? x - 10 : x + 10)}" y="${fixed(y - 10)}" text-anchor="${anchor}" font-size="14" fill="${TEXT}">${escapeXml(a.text)}</text></g>`,
    );
  }

  // Legend: two columns under the axis label.
  const legendTop = plot.bottom + 84;
  const columnWidth = (plot.right - plot.left) / 2;
  out.push('<g class="legend">');
  for (const [i, s] of options.series.entries()) {
    const x = plot.left + (i % 2) * columnWidth;
    const y = legendTop + Math.floor(i / 2) * 28;
    const color = PALETTE[i % PALETTE.length];
    const dash = DASHES[i % DASHES.length];
    out.push(
      `<line x1="${fixed(x)}" y1="${y}" x2="${fixed(x + 40)}" y2="${y}" stroke="${color}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${fixed(x + 50)}" y="${y}" dy="0.35em" font-size="15" fill="${TEXT}">${escapeXml(s.label)}</text>`,
    );
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

/** y at x on a polyline, or undefined outside it. */
function interpolate(points: readonly (readonly [number, number])[], x: number): number | undefined {
  for (let i = 0; i < points.length; i++) {
    const [xa, ya] = points[i] ?? [Number.NaN, Number.NaN];
    if (xa === x) return ya;
    const next = points[i + 1];
    if (next && xa < x && x < next[0]) return ya + ((x - xa) / (next[0] - xa)) * (next[1] - ya);
  }
  return undefined;
}

/** The chart in words, for <desc>: each series' first and last value. */
function describe(options: LineChartOptions): string {
  const parts = options.series.map((s) => {
    const first = s.points[0];
    const last = s.points[s.points.length - 1];
    return first && last
      ? `${s.label}: ${options.formatY(first[1])} at ${options.formatX(first[0])} to ${options.formatY(last[1])} at ${options.formatX(last[0])}`
      : s.label;
  });
  return `${options.yLabel} against ${options.xLabel}. ${parts.join('; ')}.`;
}
