/**
 * Constraints are well-formed (each operator's value), their regexes compile, and they name
 * attributes that some node has (or `hostname`, with a node name where one is expected).
 */
import type { ClusterSpec, Constraint, Problem } from '../model';
import { closest, didYouMean } from '../suggest';
import type { Rule } from './rule';

const NEEDS_VALUE = new Set(['LIKE', 'UNLIKE', 'IS', 'MAX_PER']);
const NO_VALUE = new Set(['UNIQUE']);
const INTEGER_VALUE = new Set(['MAX_PER', 'GROUP_BY']);
const REGEX_VALUE = new Set(['LIKE', 'UNLIKE']);

function shape(c: Constraint): Problem | undefined {
  const at = (message: string): Problem => ({ code: 'spec/constraint-value', severity: 'error', message, span: c.span });
  if (NEEDS_VALUE.has(c.operator) && c.value === undefined) return at(`${c.operator} needs a value: [${c.field}, ${c.operator}, ${c.operator === 'MAX_PER' ? '2' : '"value"'}]`);
  if (NO_VALUE.has(c.operator) && c.value !== undefined) return at(`${c.operator} takes no value: [${c.field}, ${c.operator}]`);
  if (INTEGER_VALUE.has(c.operator) && c.value !== undefined && !/^[1-9]\d*$/.test(c.value)) return at(`${c.operator} takes a positive whole number, not "${c.value}"`);
  if (REGEX_VALUE.has(c.operator) && c.value !== undefined) {
    try {
      new RegExp(`^(?:${c.value})$`);
    } catch (err) {
      return { code: 'spec/bad-regex', severity: 'error', message: `${c.operator} value is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`, span: c.span };
    }
  }
  return undefined;
}

function attributes(cluster: ClusterSpec): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const n of cluster.nodes) {
    for (const [k, v] of Object.entries(n.attributes)) {
      let s = out.get(k);
      if (!s) out.set(k, (s = new Set()));
      s.add(v);
    }
  }
  return out;
}

function reference(c: Constraint, cluster: ClusterSpec, attrs: Map<string, Set<string>>): Problem | undefined {
  if (c.field === 'hostname') {
    if ((c.operator === 'IS' || c.operator === 'CLUSTER') && c.value !== undefined && !cluster.nodes.some((n) => n.name === c.value)) {
      const candidates = closest(c.value, cluster.nodes.map((n) => n.name));
      return { code: 'spec/unknown-node', severity: 'error', message: `no node named "${c.value}" in cluster "${cluster.name}"${didYouMean(candidates)}`, span: c.span };
    }
    return undefined;
  }
  const values = attrs.get(c.field);
  if (!values) {
    const candidates = closest(c.field, [...attrs.keys(), 'hostname']);
    const known = [...attrs.keys()].sort();
    return {
      code: 'spec/unknown-attribute',
      severity: 'error',
      message: `no node of cluster "${cluster.name}" has the attribute "${c.field}"${didYouMean(candidates)}${candidates.length === 0 ? ` (attributes: ${known.length ? known.join(', ') : 'none'}, or hostname)` : ''}`,
      span: c.span,
      ...(candidates.length > 0 ? { data: { kind: 'did-you-mean' as const, span: c.span, candidates } } : {}),
    };
  }
  if ((c.operator === 'IS' || c.operator === 'CLUSTER') && c.value !== undefined && !values.has(c.value)) {
    return { code: 'spec/unknown-attribute-value', severity: 'warning', message: `no node has ${c.field} = "${c.value}" (values: ${[...values].sort().join(', ')})`, span: c.span };
  }
  return undefined;
}

export const constraints: Rule = {
  codes: ['spec/constraint-value', 'spec/bad-regex', 'spec/unknown-attribute', 'spec/unknown-attribute-value', 'spec/unknown-node'],
  checkJob: ({ job, cluster }) => {
    const out: Problem[] = [];
    const attrs = cluster ? attributes(cluster) : undefined;
    for (const t of job.tasks) {
      for (const c of t.constraints) {
        const bad = shape(c);
        if (bad) {
          out.push(bad);
          continue;
        }
        const ref = cluster && attrs ? reference(c, cluster, attrs) : undefined;
        if (ref) out.push(ref);
      }
    }
    if (cluster && attrs) {
      job.failover.domains.forEach((d, i) => {
        if (attrs.has(d) || d === 'hostname') return;
        const candidates = closest(d, attrs.keys());
        out.push({ code: 'spec/unknown-attribute', severity: 'warning', message: `failover domain "${d}" is not an attribute of any node${didYouMean(candidates)}`, span: job.failover.domainSpans[i] ?? job.nameSpan });
      });
    }
    return out;
  },
};
