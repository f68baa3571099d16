/**
 * Constraints are well-formed (each operator's value), their patterns compile (RE2), and they name
 * attributes that some node has (or `hostname`, with a node name where one is expected).
 */
import { compileFullMatch, type FullMatch } from '../util/fullMatch';
import type { ClusterSpec, Constraint, Problem } from '../model';
import { closest, closestUnique, didYouMean } from '../util/didYouMean';
import { perCluster, type Rule } from './rule';

const NEEDS_VALUE = new Set(['LIKE', 'UNLIKE', 'IS', 'MAX_PER']);
const NO_VALUE = new Set(['UNIQUE']);
const INTEGER_VALUE = new Set(['MAX_PER', 'GROUP_BY']);
const REGEX_VALUE = new Set(['LIKE', 'UNLIKE']);

/** `compileFullMatch`, remembered per pattern for one job check (a few hundred patterns at most are kept). */
function createPatternCheck(): (pattern: string) => FullMatch {
  const known = new Map<string, FullMatch>();
  return (pattern) => {
    let compiled = known.get(pattern);
    if (compiled === undefined) {
      if (known.size >= 256) known.clear();
      known.set(pattern, (compiled = compileFullMatch(pattern)));
    }
    return compiled;
  };
}

function shape(c: Constraint, patternOf: (pattern: string) => FullMatch): Problem | undefined {
  const at = (message: string): Problem => ({ code: 'spec/constraint-value', severity: 'error', message, span: c.span });
  if (NEEDS_VALUE.has(c.operator) && c.value === undefined) return at(`${c.operator} needs a value: [${c.field}, ${c.operator}, ${c.operator === 'MAX_PER' ? '2' : '"value"'}]`);
  if (NO_VALUE.has(c.operator) && c.value !== undefined) return at(`${c.operator} takes no value: [${c.field}, ${c.operator}]`);
  if (INTEGER_VALUE.has(c.operator) && c.value !== undefined && !/^[1-9]\d*$/.test(c.value)) return at(`${c.operator} takes a positive whole number, not "${c.value}"`);
  if (REGEX_VALUE.has(c.operator) && c.value !== undefined) {
    const compiled = patternOf(c.value);
    if (compiled.kind === 'refused') return { code: 'spec/bad-regex', severity: 'error', message: `${c.operator} value "${c.value}" is not a valid regular expression (RE2 syntax): ${compiled.reason}`, span: c.valueSpan ?? c.span };
  }
  return undefined;
}

/** What constraints may name: each attribute's values, and the node names. */
interface Names {
  readonly attrs: ReadonlyMap<string, ReadonlySet<string>>;
  readonly nodes: readonly string[];
  readonly nodeSet: ReadonlySet<string>;
}

function namesOf(cluster: ClusterSpec): Names {
  const attrs = new Map<string, Set<string>>();
  for (const n of cluster.nodes) {
    for (const [k, v] of Object.entries(n.attributes)) {
      let s = attrs.get(k);
      if (!s) attrs.set(k, (s = new Set()));
      s.add(v);
    }
  }
  const nodes = cluster.nodes.map((n) => n.name);
  return { attrs, nodes, nodeSet: new Set(nodes) };
}

function reference(c: Constraint, cluster: ClusterSpec, names: Names): Problem | undefined {
  const attrs = names.attrs;
  if (c.field === 'hostname') {
    if ((c.operator === 'IS' || c.operator === 'CLUSTER') && c.value !== undefined && !names.nodeSet.has(c.value)) {
      const candidates = closest(c.value, names.nodes);
      return {
        code: 'spec/unknown-node',
        severity: 'error',
        message: `no node named "${c.value}" in cluster "${cluster.name}"${didYouMean(candidates)}`,
        span: c.span,
        ...valueFix(c, candidates),
      };
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
    const candidates = closestUnique(c.value, values);
    return {
      code: 'spec/unknown-attribute-value',
      severity: 'warning',
      message: `no node has ${c.field} = "${c.value}"${didYouMean(candidates)} (values: ${[...values].sort().join(', ')})`,
      span: c.span,
      ...valueFix(c, candidates),
    };
  }
  return undefined;
}

/** A did-you-mean fix of the constraint's value, when there is a candidate. */
function valueFix(c: Constraint, candidates: readonly string[]): Pick<Problem, 'data'> {
  return candidates.length > 0 ? { data: { kind: 'did-you-mean', span: c.span, candidates, part: 2 } } : {};
}

export const constraints: Rule = {
  codes: ['spec/constraint-value', 'spec/bad-regex', 'spec/unknown-attribute', 'spec/unknown-attribute-value', 'spec/unknown-node'],
  createJobCheck: () => {
    const namesIn = perCluster(namesOf);
    const patternOf = createPatternCheck();
    return ({ job, cluster }) => {
      const out: Problem[] = [];
      const names = cluster ? namesIn(cluster) : undefined;
      for (const t of job.tasks) {
        for (const c of t.constraints) {
          const bad = shape(c, patternOf);
          if (bad) {
            out.push(bad);
            continue;
          }
          const ref = cluster && names ? reference(c, cluster, names) : undefined;
          if (ref) out.push(ref);
        }
      }
      if (names) {
        job.failover.domains.forEach((d, i) => {
          if (names.attrs.has(d) || d === 'hostname') return;
          const candidates = closest(d, names.attrs.keys());
          const span = job.failover.domainSpans[i] ?? job.nameSpan;
          out.push({
            code: 'spec/unknown-attribute',
            severity: 'warning',
            message: `failover domain "${d}" is not an attribute of any node${didYouMean(candidates)}`,
            span,
            ...(candidates.length > 0 && job.failover.domainSpans[i] !== undefined ? { data: { kind: 'did-you-mean' as const, span, candidates } } : {}),
          });
        });
      }
      return out;
    };
  },
};
