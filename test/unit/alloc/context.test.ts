/**
 * createContext reuses what it compiled for the previous input on the same nodes array (the
 * editor's next keystroke). Over random instances and random sequences of edits made the way the
 * editor makes them (unchanged tasks keep their TaskInstance objects, an unchanged cluster keeps
 * its nodes array), the context of the reusing path must equal, field by field, the context of a
 * deep copy of the same input (a nodes array never seen: compiled from nothing), and both must give
 * the same plan and failover scan. Contexts already handed out must not change under later ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProperty, sampleArbitrary } from '../../testSeed';
import { allocate, createContext, planAndSimulate, type CompiledInput } from '../../../server/engine/alloc';
import { applyEdit, createKept, editArb, toInput, worldArb } from './editWorld';
import { comparableConstraint } from '../spec/comparable';
import { Gi, node } from './fixtures';

/** The context with each compiled constraint's source reduced to what compiling reads (no span). */
function withoutSourceSpans(ctx: CompiledInput): unknown {
  const strip = (c: CompiledInput['groups'][number]['constraints'][number]): unknown => ({ ...c, source: comparableConstraint(c.source) });
  return { ...ctx, groups: ctx.groups.map((g) => ({ ...g, constraints: g.constraints.map(strip), dynamic: g.dynamic.map(strip) })) };
}

describe('createContext reuse', () => {
  it('after any sequence of edits equals a context compiled from nothing, and plans the same', () => {
    let nodesShared = 0;
    let tasksShared = 0;
    let groupsShared = 0;
    assertProperty(
      fc.property(worldArb('mixed'), fc.array(editArb('mixed'), { minLength: 1, maxLength: 8 }), (start, edits) => {
        let kept = createKept();
        let world = start;
        let input = toInput(world, kept);
        let ctx = createContext(input);
        let plan = allocate(input, ctx);
        for (const e of edits) {
          world = applyEdit(world, e);
          // An edit that moves every later item: new instances and new Constraint objects, equal but
          // for spans (which compiling does not read: a reused compiled constraint keeps its source).
          if (e.kind === 'respan') kept = createKept();
          const next = toInput(world, kept);
          const warm = createContext(next);
          const copy = structuredClone(next);
          const fresh = createContext(copy);
          assert.deepStrictEqual(withoutSourceSpans(warm), withoutSourceSpans(fresh), `after ${e.kind}`);
          // The reusing path was taken where it could be, and scratch is never shared.
          if (next.nodes === input.nodes) {
            assert.equal(warm.cap, ctx.cap, 'the same nodes array shares its tables');
            nodesShared++;
          }
          if (warm.taskIndex === ctx.taskIndex) tasksShared++;
          if (warm.groups.some((g, i) => g === ctx.groups[i])) groupsShared++;
          assert.notEqual(warm.share, ctx.share);
          assert.notEqual(warm.domDim, ctx.domDim);
          assert.notEqual(warm.nodeScratch, ctx.nodeScratch);
          const warmPlan = allocate(next, warm);
          assert.deepStrictEqual(warmPlan, allocate(copy, fresh), `plan after ${e.kind}`);
          const scans = next.jobs.map((j) => ({ job: j.name, tolerate: 1, domains: ['zone'], suggest: false }));
          assert.deepStrictEqual(planAndSimulate(next, scans, warm), planAndSimulate(copy, scans, fresh), `failover after ${e.kind}`);
          // The previous context, still alive, is untouched by the new one and by planning with it.
          assert.deepStrictEqual(allocate(input, ctx), plan, `previous plan after ${e.kind}`);
          input = next;
          ctx = warm;
          plan = warmPlan;
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    // Otherwise the property compared two contexts compiled from nothing and proved little.
    assert.ok(nodesShared > 300, `nodes tables shared ${nodesShared} times`);
    assert.ok(tasksShared > 100, `task index shared ${tasksShared} times`);
    assert.ok(groupsShared > 100, `groups shared ${groupsShared} times`);
  });

  it('the same input twice gives equal contexts that share everything but the scratch arrays', () => {
    const kept = createKept();
    const world = sampleArbitrary(worldArb('mixed'), 1, 7)[0];
    const nodes = [...world.nodes];
    // The first call on a nodes array keeps only the node tables; the second the task side too.
    const first: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    const a: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    const b: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    assert.equal(a.cap, first.cap);
    assert.notEqual(a.taskIndex, first.taskIndex);
    assert.deepStrictEqual(a, b);
    for (const key of ['nodes', 'nodeIndex', 'cap', 'invCap', 'ranges', 'taskIndex', 'taskGroup', 'cyclic', 'cycleNames'] as const) assert.equal(a[key], b[key], key);
    assert.ok(a.groups.every((g, i) => g.constraints.length > 0 || g === b.groups[i]));
    assert.notEqual(a.share, b.share);
    assert.notEqual(a.domDim, b.domDim);
  });

  it('notices a nodes array whose elements were replaced in place', () => {
    const world = sampleArbitrary(worldArb('mixed'), 1, 11)[0];
    const nodes = [...world.nodes];
    const input = toInput({ ...world, nodes }, createKept());
    const before = createContext(input);
    nodes[0] = node(nodes[0].name, 64, 64 * Gi, 64 * Gi, { attributes: { zone: 'z' } });
    const after = createContext(input);
    assert.notEqual(after.cap, before.cap);
    assert.deepStrictEqual(after, createContext(structuredClone(input)));
  });
});
