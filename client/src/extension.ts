/** The VS Code extension's composition root (SPEC.md §5). */
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
