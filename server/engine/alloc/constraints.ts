/**
 * Marathon constraints, compiled once per allocate call.
 *
 * Semantics (Marathon's mesosphere/mesos/Constraints.scala, latest):
 * - field `hostname` is the node's name; any other field is a node attribute;
 * - a node that lacks the attribute fails every operator except UNLIKE, which it satisfies;
 * - LIKE / UNLIKE are full-match regular expressions (RE2, linear time: fullMatch.ts); a bad or
 *   missing pattern fails on every node (Marathon rejects such an app up front, so it never meets a
 *   node; the rules report it here);
 * - IS compares values (numbers compared as numbers: "1.0" IS "1"), CLUSTER with a value is plain equality;
 * - UNIQUE, MAX_PER, CLUSTER without value and GROUP_BY count the instances of the same task
 *   (a Marathon app) already placed per value.
 * Static parts (that depend only on the node) are checked once per task group; the counting
 * operators are checked against the allocator state (see search.ts).
 */
import { compileFullMatch, type FullMatch } from '../util/fullMatch';
import { attributeOf, type ClusterNode, type Constraint, type ConstraintOperator } from '../model';

/** One field's values over the nodes: `valueOf[node]` is an index into `values`, or -1 when missing. */
export interface FieldTable {
  readonly name: string;
  readonly values: string[];
  readonly valueOf: Int32Array;
}

/** The counting part of a constraint. */
export const Dyn = { None: 0, Unique: 1, MaxPer: 2, Cluster: 3, GroupBy: 4 } as const;
export type Dyn = (typeof Dyn)[keyof typeof Dyn];

export interface CompiledConstraint {
  readonly source: Constraint;
  readonly field: number;
  readonly operator: ConstraintOperator;
  /** The counting part, if any. */
  readonly dyn: Dyn;
  /** MAX_PER limit, or GROUP_BY minimum number of groups (0 when not given). */
  readonly n: number;
  /** False for a bad regex, a missing LIKE/UNLIKE/IS value, a bad MAX_PER number: fails everywhere. */
  readonly valid: boolean;
  /** Per value of the field: does the static part accept it. */
  readonly staticOk: Uint8Array;
}

export class FieldRegistry {
  readonly fields: FieldTable[] = [];
  private readonly byName = new Map<string, number>();
  private readonly patterns = new Map<string, FullMatch>();

  constructor(private readonly nodes: readonly ClusterNode[]) {}

  field(name: string): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const values: string[] = [];
    const valueOf = new Int32Array(this.nodes.length);
    if (name === 'hostname') {
      this.nodes.forEach((n, i) => {
        values.push(n.name);
        valueOf[i] = i;
      });
    } else {
      const ids = new Map<string, number>();
      this.nodes.forEach((n, i) => {
        const v = attributeOf(n, name);
        if (typeof v !== 'string') {
          valueOf[i] = -1;
          return;
        }
        let id = ids.get(v);
        if (id === undefined) {
          id = values.length;
          ids.set(v, id);
          values.push(v);
        }
        valueOf[i] = id;
      });
    }
    const index = this.fields.length;
    this.fields.push({ name, values, valueOf });
    this.byName.set(name, index);
    return index;
  }

  /** Full-match pattern, compiled once. */
  pattern(pattern: string): FullMatch {
    let compiled = this.patterns.get(pattern);
    if (compiled === undefined) this.patterns.set(pattern, (compiled = compileFullMatch(pattern)));
    return compiled;
  }

  compile(c: Constraint): CompiledConstraint {
    const field = this.field(c.field);
    const table = this.fields[field];
    const staticOk = new Uint8Array(table.values.length);
    const value = c.value;
    const hasValue = value !== undefined && value !== '';
    let dyn: Dyn = Dyn.None;
    let n = 0;
    let valid = true;
    let test: (v: string) => boolean = () => true;
    switch (c.operator) {
      case 'UNIQUE':
        dyn = Dyn.Unique;
        break;
      case 'MAX_PER': {
        dyn = Dyn.MaxPer;
        const parsed = hasValue && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
        if (Number.isSafeInteger(parsed)) n = parsed;
        else valid = false;
        break;
      }
      case 'GROUP_BY':
        dyn = Dyn.GroupBy;
        n = hasValue ? groupCount(value) : 0;
        break;
      case 'CLUSTER':
        if (hasValue) test = (v) => v === value;
        else dyn = Dyn.Cluster;
        break;
      case 'IS':
        if (hasValue) {
          const want = normaliseScalar(value);
          test = (v) => normaliseScalar(v) === want;
        } else valid = false;
        break;
      case 'LIKE':
      case 'UNLIKE': {
        const p = hasValue ? this.pattern(value) : undefined;
        if (p?.kind !== 'pattern') valid = false;
        else test = c.operator === 'LIKE' ? p.matches : (v) => !p.matches(v);
        break;
      }
      default:
        valid = false;
    }
    if (valid) table.values.forEach((v, i) => (staticOk[i] = test(v) ? 1 : 0));
    return { source: c, field, operator: c.operator, dyn, n, valid, staticOk };
  }
}

/** Marathon's getIntValue: "inf" is unbounded, a number is itself, anything else the default 0. */
function groupCount(value: string): number {
  if (value === 'inf') return Number.MAX_SAFE_INTEGER;
  return /^\s*\d+\s*$/.test(value) ? Number(value) : 0;
}

/** Marathon formats scalars with "0.###": 1.0 → "1", 0.5 → "0.5". Text stays as it is. */
export function normaliseScalar(v: string): string {
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(v)) return v;
  return String(Math.round(Number(v) * 1000) / 1000);
}

/**
 * The static verdict of a constraint on a node: attribute missing → only UNLIKE passes;
 * invalid → fails; otherwise the static part (LIKE, UNLIKE, IS, CLUSTER with value; others pass).
 */
export function staticAccepts(fields: readonly FieldTable[], c: CompiledConstraint, node: number): boolean {
  if (!c.valid) return false;
  const v = fields[c.field].valueOf[node];
  if (v < 0) return c.operator === 'UNLIKE';
  return c.staticOk[v] === 1;
}
