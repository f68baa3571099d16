/** What every feature module receives: the shared state of one server, passed in, never global. */
import type { Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analyses } from '../analysis';
import type { Positions } from '../convert';
import type { LiveStates } from '../liveStates';
import type { Workspace } from '../workspace';

export interface FeatureContext {
  readonly connection: Connection;
  readonly workspace: Workspace;
  readonly analyses: Analyses;
  readonly positions: Positions;
  /** Open documents by URI (all languages; Berth files are also in the workspace). */
  readonly documents: ReadonlyMap<string, TextDocument>;
  readonly log: (message: string) => void;
  /** What the client said runs where (berth/liveState). */
  readonly live: LiveStates;
}
