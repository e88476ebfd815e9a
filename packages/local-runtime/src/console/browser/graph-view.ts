/// <reference lib="dom" />
/**
 * The graph view: the definition's states laid out by dagre (top to bottom) and drawn as SVG, each
 * state with its outcome in this execution (icon + text + colour) and the path taken drawn thick.
 * States are focusable buttons: Tab reaches them in layout order, Enter or Space opens the step.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { ExecutionAnalysis, StepStatus } from '../analysis';
import { END, type GraphEdge, type GraphNode, graphOf, START } from '../graph';
import { h, STEP_LOOKS, s } from './dom';

const NAME_FONT = '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const STATUS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

let measureContext: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string, font: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 8;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

export interface GraphViewOptions {
  readonly definition: string;
  readonly analysis?: ExecutionAnalysis;
  readonly selected?: string;
  readonly onSelect: (state: string) => void;
}

interface Laid {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly status?: StepStatus;
}

const statusText = (status: StepStatus, visits: number, retries: number) => {
  const look = STEP_LOOKS[status] ?? STEP_LOOKS['not-reached'];
  const extras = [
    retries > 0 ? `${retries} ${retries === 1 ? 'retry' : 'retries'}` : '',
    visits > 1 ? `×${visits}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return { look, text: `${look?.label ?? status}${extras ? ` (${extras})` : ''}` };
};

/** Which drawn edge each transition of the path took (a caught error takes the Catch edge). */
function takenEdges(edges: readonly GraphEdge[], analysis: ExecutionAnalysis | undefined): Set<number> {
  const taken = new Set<number>();
  for (const transition of analysis?.transitions ?? []) {
    const candidates = edges
      .map((edge, index) => ({ edge, index }))
      .filter(({ edge }) => edge.from === transition.from && edge.to === transition.to);
    const preferred =
      candidates.find(({ edge }) => (edge.kind === 'catch') === transition.caught) ?? candidates[0];
    if (preferred) taken.add(preferred.index);
  }
  return taken;
}

/** Draws the graph; returns the element holding the SVG, the path summary and the legend. */
export function graphView(options: GraphViewOptions): HTMLElement {
  const graph = graphOf(options.definition);
  const analysis = options.analysis;
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 46, edgesep: 16, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    if (node.id === START || node.id === END) {
      g.setNode(node.id, { width: 72, height: 32 });
      continue;
    }
    const state = analysis?.states[node.id];
    const { text } = statusText(state?.status ?? 'not-reached', state?.visits ?? 0, state?.retries ?? 0);
    const width = Math.max(150, textWidth(node.id, NAME_FONT), textWidth(`✔ ${text}`, STATUS_FONT)) + 36;
    g.setNode(node.id, { width: Math.ceil(width), height: 56 });
  }
  graph.edges.forEach((edge, index) => {
    const label = edge.label;
    g.setEdge(
      edge.from,
      edge.to,
      label ? { width: Math.ceil(textWidth(label, LABEL_FONT)) + 10, height: 18, labelpos: 'c' } : {},
      String(index),
    );
  });
  layout(g);
  const size = g.graph() as { width?: number; height?: number };
  const width = Math.ceil(size.width ?? 200);
  const height = Math.ceil(size.height ?? 200);

  const laid: Laid[] = graph.nodes.map((node) => {
    const position = g.node(node.id) as { x: number; y: number; width: number; height: number };
    return {
      node,
      x: position.x,
      y: position.y,
      width: position.width,
      height: position.height,
      ...(node.id !== START && node.id !== END
        ? { status: analysis?.states[node.id]?.status ?? 'not-reached' }
        : {}),
    };
  });
  const taken = takenEdges(graph.edges, analysis);

  const defs = s(
    'defs',
    null,
    s(
      'marker',
      {
        id: 'arrow',
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
      },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }),
    ),
    s(
      'marker',
      {
        id: 'arrow-taken',
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 5,
        markerHeight: 5,
        orient: 'auto-start-reverse',
      },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow taken' }),
    ),
  );

  const edgeElements = graph.edges.map((edge, index) => {
    const laidEdge = g.edge({ v: edge.from, w: edge.to, name: String(index) }) as {
      points?: { x: number; y: number }[];
      x?: number;
      y?: number;
    };
    const points = laidEdge.points ?? [];
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    const isTaken = taken.has(index);
    const labelWidth = edge.label ? Math.ceil(textWidth(edge.label, LABEL_FONT)) + 10 : 0;
    return s(
      'g',
      {
        class: `edge kind-${edge.kind}${isTaken ? ' taken' : ''}`,
        'data-from': edge.from,
        'data-to': edge.to,
        'data-kind': edge.kind,
        'data-taken': isTaken ? 'true' : 'false',
      },
      edge.title ? s('title', null, edge.title) : null,
      s('path', { d, 'marker-end': isTaken ? 'url(#arrow-taken)' : 'url(#arrow)' }),
      edge.label && laidEdge.x !== undefined && laidEdge.y !== undefined
        ? s(
            'g',
            {
              class: 'edge-label',
              transform: `translate(${laidEdge.x.toFixed(1)} ${laidEdge.y.toFixed(1)})`,
            },
            s('rect', { x: -labelWidth / 2, y: -9, width: labelWidth, height: 18, rx: 4 }),
            s('text', { 'text-anchor': 'middle', dy: '0.35em' }, edge.label),
          )
        : null,
    );
  });

  // Tab order follows the layout: top to bottom, then left to right.
  const ordered = [...laid].sort((a, b) => a.y - b.y || a.x - b.x);
  const nodeElements = ordered.map((item) => {
    const { node } = item;
    const left = item.x - item.width / 2;
    const top = item.y - item.height / 2;
    if (node.id === START || node.id === END) {
      return s(
        'g',
        { class: 'node terminal', transform: `translate(${left} ${top})`, 'data-state': node.id },
        s('rect', { width: item.width, height: item.height, rx: item.height / 2 }),
        s(
          'text',
          { x: item.width / 2, y: item.height / 2, 'text-anchor': 'middle', dy: '0.35em' },
          node.type,
        ),
      );
    }
    const state = analysis?.states[node.id];
    const status = item.status ?? 'not-reached';
    const { look, text } = statusText(status, state?.visits ?? 0, state?.retries ?? 0);
    const selected = options.selected === node.id;
    const element = s(
      'g',
      {
        class: `node state tone-${look?.tone ?? 'neutral'} status-${status}${selected ? ' selected' : ''}`,
        transform: `translate(${left} ${top})`,
        tabindex: 0,
        role: 'button',
        'aria-pressed': selected ? 'true' : 'false',
        'aria-label': `${node.id}, ${node.type} state: ${text}. Show step details`,
        'data-state': node.id,
        'data-status': status,
        'data-key': `state:${node.id}`,
      },
      s('title', null, `${node.id} (${node.type})${node.comment ? `\n${node.comment}` : ''}`),
      s('rect', {
        class: 'focus-ring',
        x: -5,
        y: -5,
        width: item.width + 10,
        height: item.height + 10,
        rx: 12,
      }),
      s('rect', { class: 'box', width: item.width, height: item.height, rx: 8 }),
      s('text', { class: 'name', x: item.width / 2, y: 22, 'text-anchor': 'middle' }, node.id),
      s(
        'text',
        { class: 'status', x: item.width / 2, y: 41, 'text-anchor': 'middle' },
        `${look?.icon ?? ''} ${text}`,
      ),
    );
    const choose = () => options.onSelect(node.id);
    element.addEventListener('click', choose);
    element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose();
      }
    });
    return element;
  });

  const svg = s(
    'svg',
    {
      class: 'graph',
      width,
      height,
      // Shrinks to fit, but not below 80% of its size: past that the view scrolls, so names stay readable.
      style: `min-width: ${Math.round(width * 0.8)}px`,
      viewBox: `0 0 ${width} ${height}`,
      role: 'group',
      'aria-label': 'State machine graph: each state with its outcome in this execution',
    },
    defs,
    s('g', { class: 'edges' }, edgeElements),
    s('g', { class: 'nodes' }, nodeElements),
  );

  const path = (analysis?.transitions ?? []).map((t) => t.to);
  const first = analysis?.transitions[0];
  const names = first ? [first.from, ...path] : [];
  const pathText = names.map((name) => (name === START ? 'Start' : name === END ? 'End' : name)).join(' → ');
  return h(
    'div',
    { class: 'graph-view' },
    h('div', { class: 'graph-scroll', tabindex: -1 }, svg),
    h(
      'p',
      { class: 'path', id: 'path-taken' },
      h('strong', null, 'Path taken: '),
      pathText || 'no state entered yet',
    ),
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Legend' },
      Object.entries(STEP_LOOKS).map(([key, look]) =>
        h(
          'li',
          { class: `tone-${look.tone} status-${key}` },
          h('span', { class: 'swatch', 'aria-hidden': 'true' }),
          h('span', { 'aria-hidden': 'true' }, `${look.icon} `),
          look.label,
        ),
      ),
      h(
        'li',
        { class: 'legend-path' },
        h('span', { class: 'line taken', 'aria-hidden': 'true' }),
        'Transition taken',
      ),
      h(
        'li',
        { class: 'legend-path' },
        h('span', { class: 'line catch', 'aria-hidden': 'true' }),
        'Catch (dashed)',
      ),
    ),
  );
}

/**
 * Scrolls a graph wider or taller than its view to what the person came for: the selected state,
 * else the states the execution entered and the transitions it took, centred when they fit, else
 * from their start. A graph that fits is left as it is.
 */
export function scrollGraphToPath(view: Element): void {
  const scroller = view.querySelector<HTMLElement>('.graph-scroll');
  if (!scroller) return;
  const overflows =
    scroller.scrollWidth > scroller.clientWidth || scroller.scrollHeight > scroller.clientHeight;
  if (!overflows) return;
  const selected = [...scroller.querySelectorAll('.state.selected')];
  const targets =
    selected.length > 0
      ? selected
      : [...scroller.querySelectorAll('.state:not(.status-not-reached), .edge.taken')];
  if (targets.length === 0) return;
  const frame = scroller.getBoundingClientRect();
  const rects = targets.map((target) => target.getBoundingClientRect());
  const left = Math.min(...rects.map((r) => r.left)) - frame.left + scroller.scrollLeft;
  const right = Math.max(...rects.map((r) => r.right)) - frame.left + scroller.scrollLeft;
  const top = Math.min(...rects.map((r) => r.top)) - frame.top + scroller.scrollTop;
  const bottom = Math.max(...rects.map((r) => r.bottom)) - frame.top + scroller.scrollTop;
  const position = (start: number, end: number, size: number) =>
    Math.max(0, end - start <= size ? (start + end - size) / 2 : start - 16);
  scroller.scrollLeft = position(left, right, scroller.clientWidth);
  scroller.scrollTop = position(top, bottom, scroller.clientHeight);
}
