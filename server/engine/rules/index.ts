/** Every semantic rule, in the order their problems are reported. Add a rule: one file, one line here. */
import { capacity } from './capacity';
import { constraints } from './constraints';
import { dependencies } from './dependencies';
import { duplicateNames } from './duplicateNames';
import { ports } from './ports';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [duplicateNames, dependencies, constraints, capacity, ports];
export { checkJob, type Rule, type JobCheck, type JobContext, type ClusterContext } from './rule';
