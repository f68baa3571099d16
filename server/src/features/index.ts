/** Every feature, registered on one connection; each returns the capabilities it adds. */
import type { ServerCapabilities } from 'vscode-languageserver';
import { registerCodeActions } from './codeActions';
import { registerCompletion } from './completion';
import type { FeatureContext } from './context';
import { registerFolding } from './folding';
import { registerFormatting } from './formatting';
import { registerHover } from './hover';
import { registerNavigation } from './navigation';
import { registerPlan } from './plan';
import { registerPreview } from './preview';
import { registerSymbols } from './symbols';

export type { FeatureContext } from './context';

export function registerFeatures(ctx: FeatureContext): ServerCapabilities {
  registerPlan(ctx);
  return {
    ...registerPreview(ctx),
    ...registerNavigation(ctx),
    ...registerSymbols(ctx),
    ...registerFolding(ctx),
    ...registerFormatting(ctx),
    ...registerCodeActions(ctx),
    ...registerHover(ctx),
    ...registerCompletion(ctx),
  };
}
