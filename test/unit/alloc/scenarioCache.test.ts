/**
 * Greedy choices (planHints.ts) and failover scenarios (scenarioCache.ts) kept across an edit give the plan
 * and the scans a fresh call computes: random workspaces, then random edits as the language server
 * sees them (editWorld.ts), each planned and scanned twice, with the previous call's memo and
 * without. Checked: plans and every report deep-equal, and that the run kept a fair share of
 * scenarios and choices (else it would prove nothing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { createContext, planAndSimulate, type FailoverOptions, type PlanScanMemo } from '../../../server/engine/alloc';
import { applyEdit, createKept, editArb, toInput, worldArb, type World } from './editWorld';

function scansOf(world: World): FailoverOptions[] {
  // Single nodes for every job; zones for the first (scenario keys of several nodes).
  return world.jobs.map((j, ji) => ({ job: j.name, tolerate: 1, domains: ji === 0 ? ['zone'] : [], suggest: false }));
}

describe('choices and failover scenarios kept across edits', () => {
  it('equal a fresh plan and scan after every edit of a random sequence', () => {
    const totals = { kept: 0, run: 0, choicesKept: 0, searched: 0 };
    // Two fixed seeds: together they catch each of these rules broken on purpose (neither alone
    // does): scanReuse's range, taken-node and lost-node checks; replay's changed-node loop,
    // taken-node, in-use, empty-node and blocked-task rules.
    for (const seed of [1, 7]) assertProperty(
      fc.property(worldArb('light'), fc.array(editArb('light'), { minLength: 1, maxLength: 6 }), (start, edits) => {
        let kept = createKept();
        let world = start;
        let memo: PlanScanMemo | undefined = planAndSimulate(toInput(world, kept), scansOf(world), undefined, {}).memo;
        for (const e of edits) {
          world = applyEdit(world, e);
          // An edit that moves every later item: new instances for every task.
          if (e.kind === 'respan') kept = createKept();
          const input = toInput(world, kept);
          const reused = planAndSimulate(input, scansOf(world), createContext(input), { previous: memo });
          const fresh = planAndSimulate(input, scansOf(world), createContext(input));
          assert.deepStrictEqual(reused.plan, fresh.plan, `plan after ${e.kind}`);
          assert.deepStrictEqual(reused.reports, fresh.reports, `failover after ${e.kind}`);
          totals.kept += reused.scenarios.kept;
          totals.run += reused.scenarios.run;
          totals.choicesKept += reused.choices.kept;
          totals.searched += reused.choices.searched;
          memo = reused.memo;
        }
      }),
      { numRuns: 1500, seed },
    );
    // Without scenarios and choices kept the test would compare two fresh runs.
    assert.ok(totals.kept > totals.run / 5, `scenarios kept ${totals.kept}, run ${totals.run}`);
    assert.ok(totals.choicesKept > totals.searched / 10, `choices kept ${totals.choicesKept}, searched ${totals.searched}`);
  });

  it('keep as much when an edit above only moved the tasks (new instances, equal values) as when nothing changed', () => {
    let kept = 0;
    assertProperty(
      fc.property(worldArb('light'), (world) => {
        const same = createKept();
        const input = toInput(world, same);
        const memo = planAndSimulate(input, scansOf(world), undefined, {}).memo;
        // Nothing changed: the same instances.
        const unchanged = planAndSimulate(input, scansOf(world), createContext(input), { previous: memo });
        // What a keystroke above every task gives: every instance new, each equal to the one before.
        const moved = toInput(world, createKept());
        const reused = planAndSimulate(moved, scansOf(world), createContext(moved), { previous: memo });
        const fresh = planAndSimulate(moved, scansOf(world), createContext(moved));
        assert.deepStrictEqual(reused.plan, fresh.plan);
        assert.deepStrictEqual(reused.reports, fresh.reports);
        assert.equal(reused.choices.searched, unchanged.choices.searched, 'greedy searches');
        assert.equal(reused.scenarios.run, unchanged.scenarios.run, 'scenarios run');
        kept += reused.choices.kept + reused.scenarios.kept;
      }),
      { numRuns: 200, seed: 3 },
    );
    assert.ok(kept > 0, 'something was kept');
  });
});
