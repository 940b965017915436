import { describe, expect, it } from 'vitest';
import {
  collapse,
  type GraphView,
  graphJson,
  isCollapsed,
  toDot,
  toJson,
  toMermaid,
} from '../src/graph/export/index.js';

const small: GraphView = {
  nodes: [
    { id: 0, name: 'load', state: 'succeeded' },
    { id: 1, name: 'train', label: 'fold 1', state: 'failed' },
    { id: 2, name: 'train', label: 'fold 2', state: 'running' },
    { id: 3, name: 'report' },
  ],
  edges: [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 3],
  ],
};

/** Names that break naive output. */
const NASTY = [
  'say "hi"',
  'a<b>c',
  'x]y[z',
  'two\nlines',
  '#quot; & #35;',
  'back\\',
  '`md`',
  'tab\there',
  'end',
];
const nasty: GraphView = {
  nodes: NASTY.map((name, id) => ({ id, name, ...(id % 2 ? { label: `${name} label` } : {}) })),
  edges: NASTY.slice(1).map((_, i) => [i, i + 1] as [number, number]),
};
const textOf = (name: string, id: number) => (id % 2 ? `${name} label` : `${name} #${id}`);

/** Parses the DOT this module writes: `digraph ID { stmt; ... }`, statements on any lines. */
function parseDot(source: string) {
  const tokens: string[] = [];
  const lexer = /\s+|("(?:[^"\\]|\\.)*")|(->|[{}[\];,=])|([A-Za-z_][\w]*|-?\d+(?:\.\d+)?)|(.)/gsy;
  for (const m of source.matchAll(lexer)) {
    if (m[4] !== undefined) throw new Error(`unexpected ${JSON.stringify(m[4])}`);
    const token = m[1] ?? m[2] ?? m[3];
    if (token !== undefined) tokens.push(token);
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected)) {
      throw new Error(`expected ${expected ?? 'a token'} at ${i - 1}, got ${t}`);
    }
    return t;
  };
  const id = () => {
    const t = take();
    if (!/^("|[A-Za-z_\d-])/.test(t)) throw new Error(`expected an id, got ${t}`);
    return t.startsWith('"')
      ? t.slice(1, -1).replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c))
      : t;
  };
  const attrs = () => {
    const result: Record<string, string> = {};
    if (peek() !== '[') return result;
    take('[');
    while (peek() !== ']') {
      const key = id();
      take('=');
      result[key] = id();
      if (peek() === ',' || peek() === ';') take();
    }
    take(']');
    return result;
  };
  const nodes = new Map<string, Record<string, string>>();
  const edges: [string, string, Record<string, string>][] = [];
  take('digraph');
  if (peek() !== '{') id();
  take('{');
  while (peek() !== '}') {
    const first = id();
    if (peek() === '=') {
      take('=');
      id();
    } else if (first === 'node' || first === 'edge' || first === 'graph') attrs();
    else if (peek() === '->') {
      take('->');
      const second = id();
      edges.push([first, second, attrs()]);
    } else nodes.set(first, attrs());
    take(';');
  }
  take('}');
  if (i !== tokens.length) throw new Error('tokens after the graph');
  for (const [from, to] of edges) {
    if (!nodes.has(from) || !nodes.has(to)) throw new Error(`edge ${from} -> ${to} to no node`);
  }
  return { nodes, edges };
}

/** Decodes the Mermaid entity codes and `<br/>`. */
const decodeMermaid = (text: string) =>
  text
    .replaceAll('<br/>', '\n')
    .replace(/#(\w+);/g, (_, code: string) =>
      /^\d+$/.test(code)
        ? String.fromCharCode(Number(code))
        : { quot: '"', amp: '&', lt: '<', gt: '>' }[code as 'quot'],
    );

describe('toMermaid', () => {
  it('writes a small graph exactly', () => {
    expect(toMermaid(small)).toBe(
      [
        'flowchart TB',
        '  n0["load #35;0"]:::succeeded',
        '  n1["fold 1"]:::failed',
        '  n2["fold 2"]:::running',
        '  n3["report #35;3"]',
        '  n0 --> n1',
        '  n0 --> n2',
        '  n1 --> n3',
        '  n2 --> n3',
        '  classDef running fill:#fff3bf,stroke:#f08c00,color:#212529',
        '  classDef succeeded fill:#d3f9d8,stroke:#2f9e44,color:#212529',
        '  classDef failed fill:#ffe3e3,stroke:#e03131,color:#212529',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes, brackets, markup and line breaks in texts', () => {
    const lines = toMermaid(nasty).trimEnd().split('\n');
    const nodeLines = lines.filter((l) => l.startsWith('  n') && l.includes('['));
    expect(nodeLines).toHaveLength(NASTY.length);
    nodeLines.forEach((line, id) => {
      const m = /^ {2}n(\d+)\["([^"]*)"\]$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![2]!.replaceAll('<br/>', '')).not.toMatch(/[<>\n`\\]/);
      expect(decodeMermaid(m![2]!)).toBe(textOf(NASTY[id]!, id).replace('\t', ' '));
    });
    expect(lines.filter((l) => l.includes('-->'))).toHaveLength(NASTY.length - 1);
  });
});

describe('toDot', () => {
  it('writes a DOT graph with a node statement per task and colors per state', () => {
    const { nodes, edges } = parseDot(toDot(small));
    expect([...nodes.keys()]).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(nodes.get('n0')).toEqual({ label: 'load #0', fillcolor: '#d3f9d8', color: '#2f9e44' });
    expect(nodes.get('n1')!.label).toBe('fold 1');
    expect(nodes.get('n3')).toEqual({ label: 'report #3' });
    expect(edges.map(([a, b]) => `${a}>${b}`)).toEqual(['n0>n1', 'n0>n2', 'n1>n3', 'n2>n3']);
  });

  it('escapes quotes, backslashes and line breaks in texts', () => {
    const { nodes } = parseDot(toDot(nasty, { direction: 'LR' }));
    NASTY.forEach((name, id) => {
      expect(nodes.get(`n${id}`)!.label).toBe(textOf(name, id).replace('\t', ' '));
    });
  });

  it('fails the structural check on broken DOT', () => {
    expect(() => parseDot('digraph g { n0 [label="a"b"]; }')).toThrow();
    expect(() => parseDot('digraph g { n0 -> n1; }')).toThrow();
  });
});

describe('toJson', () => {
  it('has a stable shape', () => {
    expect(JSON.parse(toJson(small))).toEqual({
      version: 1,
      kind: 'full',
      nodes: [
        { id: 0, name: 'load', state: 'succeeded', text: 'load #0' },
        { id: 1, name: 'train', label: 'fold 1', state: 'failed', text: 'fold 1' },
        { id: 2, name: 'train', label: 'fold 2', state: 'running', text: 'fold 2' },
        { id: 3, name: 'report', text: 'report #3' },
      ],
      edges: [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
      ],
    });
    const parsed = JSON.parse(toJson(nasty));
    expect(parsed.nodes.map((n: { name: string }) => n.name)).toEqual(NASTY);
  });
});

describe('collapse', () => {
  const view: GraphView = {
    nodes: [
      ...Array.from({ length: 5 }, (_, i) => ({
        id: i,
        name: 'fetch',
        state: i < 3 ? ('succeeded' as const) : ('failed' as const),
      })),
      { id: 10, name: 'merge', state: 'upstream_failed' },
      { id: 11, name: 'merge' },
      { id: 12, name: 'report', state: 'pending' },
    ],
    edges: [
      [0, 10],
      [1, 10],
      [2, 11],
      [3, 11],
      [4, 11],
      [10, 11],
      [11, 12],
      [12, 99], // to no node: left out
    ],
  };

  it('groups tasks by name with counts, and edges with multiplicity', () => {
    expect(collapse(view)).toEqual({
      groups: [
        { id: 0, name: 'fetch', total: 5, states: { succeeded: 3, failed: 2 }, state: 'failed' },
        {
          id: 1,
          name: 'merge',
          total: 2,
          states: { upstream_failed: 1 },
          state: 'upstream_failed',
        },
        { id: 2, name: 'report', total: 1, states: { pending: 1 }, state: 'pending' },
      ],
      edges: [
        { from: 0, to: 1, count: 5 },
        { from: 1, to: 1, count: 1 },
        { from: 1, to: 2, count: 1 },
      ],
    });
  });

  it('is used above the threshold unless expand', () => {
    const big: GraphView = {
      nodes: Array.from({ length: 301 }, (_, id) => ({
        id,
        name: `step${id % 3}`,
        state: 'succeeded' as const,
      })),
      edges: Array.from({ length: 300 }, (_, i) => [i, i + 1] as [number, number]),
    };
    expect(isCollapsed(big)).toBe(true);
    expect(isCollapsed({ ...big, nodes: big.nodes.slice(0, 300) })).toBe(false);
    expect(isCollapsed(big, { expand: true })).toBe(false);
    expect(isCollapsed(view, { threshold: 2 })).toBe(true);

    const mermaid = toMermaid(big);
    expect(mermaid).toContain('  g0["step0 ×101<br/>101 succeeded"]:::succeeded');
    expect(mermaid).toContain('  g0 -->|100| g1');
    expect(mermaid.split('\n').length).toBeLessThan(20);
    expect(toMermaid(big, { expand: true })).toContain('  n300["step0 #35;300"]:::succeeded');

    const dot = parseDot(toDot(big));
    expect(dot.nodes.get('g2')).toEqual({
      label: 'step2 ×100\n100 succeeded',
      fillcolor: '#d3f9d8',
      color: '#2f9e44',
    });
    expect(dot.edges).toContainEqual(['g2', 'g0', { label: '100' }]);
    expect(parseDot(toDot(big, { expand: true })).nodes.size).toBe(301);

    const json = graphJson(big);
    expect(json.kind).toBe('collapsed');
    expect(JSON.parse(toJson(big)).groups[0]).toEqual({
      id: 0,
      name: 'step0',
      total: 101,
      states: { succeeded: 101 },
      state: 'succeeded',
      text: 'step0 ×101\n101 succeeded',
    });
  });
});
