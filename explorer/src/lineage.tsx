// A model version's lineage as an interactive graph (cytoscape): its ancestors and descendants
// from the registry's `lineage` runtime API, the datasets each was trained on, parent → child
// and dataset → model edges. Clicking a node opens it. The same nodes are listed under the graph
// as links, for keyboards, screen readers and tests.
import cytoscape from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Codec } from './chain';
import { text, variant } from './format';
import { ErrorBox, Link, Loading, useApp } from './ui';

interface GraphNode { id: string; label: string; kind: 'model' | 'dataset'; status: string; href: string; focus: boolean }
interface GraphEdge { source: string; target: string; kind: 'parent' | 'data' }

const DEPTH = 8;

export function Lineage({ model, version }: { model: number; version: number }) {
  const { chain } = useApp();
  const api = chain.api;
  const container = useRef<HTMLDivElement>(null);
  const [graph, setGraph] = useState<{ nodes: GraphNode[]; edges: GraphEdge[]; truncated: boolean }>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    (async () => {
      const answer: Codec = await api.call.modelRegistryApi.lineage({ model, version }, DEPTH);
      if (answer.isNone) return { nodes: [], edges: [], truncated: false };
      const lineage = answer.unwrap();
      const nodes = new Map<string, GraphNode>();
      const edges: GraphEdge[] = [];
      const names = new Map<string, string>();
      const nameOf = async (kind: 'model' | 'dataset', id: string) => {
        const key = `${kind}:${id}`;
        if (!names.has(key)) {
          const about: Codec = kind === 'model'
            ? await api.query.modelRegistry.modelDescriptions(id) : await api.query.modelRegistry.datasetDescriptions(id);
          names.set(key, about.isSome ? text(about.unwrap().name) : `${kind} ${id}`);
        }
        return names.get(key)!;
      };
      const all: Codec[] = [...lineage.ancestors, ...lineage.descendants];
      for (const node of all) {
        const m = node.version.model.toString();
        const v = node.version.version.toString();
        const id = `m:${m}:${v}`;
        const stored: Codec = await api.query.modelRegistry.modelVersions(m, v);
        const label = stored.isSome ? text(stored.unwrap().label) : `v${v}`;
        nodes.set(id, {
          id, kind: 'model', status: variant(node.status), href: `/model/${m}/${v}`,
          label: `${await nameOf('model', m)} ${label}`, focus: m === String(model) && v === String(version),
        });
        for (const parent of node.parents) edges.push({ source: `m:${parent.model}:${parent.version}`, target: id, kind: 'parent' });
        if (stored.isSome) {
          for (const data of stored.unwrap().trainedOn) {
            const did = `d:${data.dataset}:${data.version}`;
            if (!nodes.has(did)) {
              const dv: Codec = await api.query.modelRegistry.datasetVersions(data.dataset, data.version);
              nodes.set(did, {
                id: did, kind: 'dataset', status: dv.isSome ? variant(dv.unwrap().status) : 'Removed', href: `/dataset/${data.dataset}`,
                label: `${await nameOf('dataset', data.dataset.toString())} ${dv.isSome ? text(dv.unwrap().label) : ''}`, focus: false,
              });
            }
            edges.push({ source: did, target: id, kind: 'data' });
          }
        }
      }
      // An edge to a parent beyond the depth has no node: it is left out (the graph says it is truncated).
      return { nodes: [...nodes.values()], edges: edges.filter((e) => nodes.has(e.source) && nodes.has(e.target)), truncated: lineage.truncated.isTrue };
    })().then((g) => current && setGraph(g), (e) => current && setError(String(e?.message ?? e)));
    return () => { current = false; };
  }, [model, version]);

  useEffect(() => {
    if (!graph || !container.current) return;
    const cy = cytoscape({
      container: container.current,
      elements: [
        ...graph.nodes.map((n) => ({ data: { ...n }, classes: `${n.kind}${n.focus ? ' focus' : ''}` })),
        ...graph.edges.map((e, i) => ({ data: { id: `e${i}`, ...e }, classes: e.kind })),
      ],
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1 },
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, 'background-color': '#4f6bed', width: 22, height: 22 } },
        { selector: 'node.dataset', style: { shape: 'round-rectangle', 'background-color': '#2e9e6b' } },
        { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#f2a900' } },
        { selector: 'edge', style: { width: 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#999', 'target-arrow-color': '#999' } },
        { selector: 'edge.data', style: { 'line-style': 'dashed', 'line-color': '#2e9e6b', 'target-arrow-color': '#2e9e6b' } },
      ],
      userZoomingEnabled: true,
      boxSelectionEnabled: false,
    });
    cy.on('tap', 'node', (event) => { location.hash = event.target.data('href'); });
    container.current.dataset.nodes = String(cy.nodes().length);
    container.current.dataset.edges = String(cy.edges().length);
    return () => cy.destroy();
  }, [graph]);

  if (error) return <ErrorBox error={error} />;
  if (!graph) return <Loading what="the lineage" />;
  return (
    <div class="lineage">
      <div ref={container} class="graph" data-testid="lineage-graph" />
      {graph.truncated && <p class="muted">Deeper than {DEPTH} generations: the graph is cut.</p>}
      <ul class="legend" data-testid="lineage-nodes">
        {graph.nodes.map((n) => (
          <li data-node={n.id}><Link to={n.href}>{n.kind === 'dataset' ? '▭ ' : '● '}{n.label}</Link>{n.status !== 'Published' ? ` (${n.status})` : ''}{n.focus ? ' — this version' : ''}</li>
        ))}
      </ul>
    </div>
  );
}
