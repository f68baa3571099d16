/** Every feature, registered on one connection; each returns the capabilities it adds. */
import type { ServerCapabilities } from 'vscode-languageserver';
import type { FeatureContext } from './context';
import { registerPlan } from './plan';
import { registerPreview } from './preview';

export type { FeatureContext } from './context';

export function registerFeatures(ctx: FeatureContext): ServerCapabilities {
  registerPlan(ctx);
  return {
    ...registerPreview(ctx),
  };
}
