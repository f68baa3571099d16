/** `berth-language-server --stdio`: plain LSP over stdio (stdout is the protocol: never print). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeFileSystem } from './fileSystem';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
startServer(connection, nodeFileSystem);
connection.listen();
