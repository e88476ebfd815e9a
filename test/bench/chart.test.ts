import { escapeXml, linearTicks, lineChart, logTicks } from '../../bench/chart';
import { costChart } from '../../bench/cost';
import { approaches } from '../../bench/cost-model';

/**
 * Well-formed XML, checked the way a parser would for what the generator writes: one root, every
 * start tag closed in order, attributes quoted, no raw `<` or `&` in text or attribute values.
 */
function wellFormedness(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const token =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?xml[^>]*\?>/g;
  let last = 0;
  let roots = 0;
  for (const match of xml.matchAll(token)) {
    const text = xml.slice(last, match.index);
    if (/<|&(?!(?:amp|lt|gt|quot|apos);)/.test(text))
      problems.push(`raw markup in text: ${text.slice(0, 40)}`);
    if (text.trim() && open.length === 0) problems.push(`text outside the root: ${text.slice(0, 40)}`);
    last = (match.index ?? 0) + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (!name) continue;
    if (closing) {
      if (open.pop() !== name) problems.push(`</${name}> closes the wrong element`);
    } else {
      if (open.length === 0) roots++;
      if (!selfClosing) open.push(name);
    }
  }
  if (xml.slice(last).trim()) problems.push(`unparsed tail: ${xml.slice(last, last + 40)}`);
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

describe('the SVG chart generator', () => {
  it('writes a well-formed SVG document with one line, and its legend entry, per approach', () => {
    // Given the cost model's approaches
    const list = approaches();

    // When the cost chart is drawn
    const svg = costChart(list, 'Inputs: counted.');

    // Then it is well-formed XML with an svg root, and every approach has a series and a label
    expect(wellFormedness(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const approach of list) {
      expect(svg).toContain(`<g class="series" data-label="${escapeXml(approach.label)}">`);
      expect(svg).toContain(`>${escapeXml(approach.label)}</text>`);
    }
    expect(svg.match(/<g class="series"/g)).toHaveLength(list.length);
  });

  it('has a title, axis labels and tick labels that screen readers and readers can find', () => {
    const svg = costChart(approaches(), 'Inputs: counted.');

    expect(svg).toMatch(/<title id="chart-title">What a million events cost/);
    expect(svg).toMatch(/<desc id="chart-desc">[^<]+<\/desc>/);
    expect(svg).toContain('>duplicates among the events</text>');
    expect(svg).toContain('>US dollars per million events (log scale)</text>');
    for (const tick of ['0%', '50%', '100%', '$1', '$10', '$100']) expect(svg).toContain(`>${tick}</text>`);
    // No text smaller than 14 px at the SVG's own width.
    const sizes = [...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
  });

  it('escapes labels, so a label with markup characters still yields well-formed XML', () => {
    const svg = lineChart({
      title: 'A & B <compared>',
      xLabel: "x 'quoted'",
      yLabel: 'y "quoted"',
      series: [
        {
          label: 'R&D <line>',
          points: [
            [0, 1],
            [1, 2],
          ],
          markers: [0, 0.5],
        },
      ],
      xDomain: [0, 1],
      xTicks: [0, 1],
      formatX: String,
      formatY: String,
    });

    expect(wellFormedness(svg)).toEqual([]);
    expect(svg).toContain('R&amp;D &lt;line&gt;');
  });

  it('the well-formedness check itself finds unclosed, misnested and unescaped markup', () => {
    expect(wellFormedness('<svg><g></svg>')).not.toEqual([]);
    expect(wellFormedness('<svg><text>a & b</text></svg>')).not.toEqual([]);
    expect(wellFormedness('<svg><g/></svg><svg/>')).toEqual(['2 root elements']);
  });

  it('puts log ticks at 1, 2 and 5 times a power of ten around the data, and linear ticks at round steps', () => {
    expect(logTicks(0.86, 203)).toEqual([0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]);
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(linearTicks(0, 203)).toEqual([0, 50, 100, 150, 200, 250]);
  });

  it('fails when a log axis is asked to show zero', () => {
    expect(() =>
      lineChart({
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        series: [
          {
            label: 's',
            points: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
        xDomain: [0, 1],
        xTicks: [0, 1],
        formatX: String,
        formatY: String,
        yScale: 'log',
      }),
    ).toThrow('a log axis cannot show values <= 0');
  });
});
