/** The local multi-node Docker cluster (SPEC.md §6): Node only, no vscode. */
export {};
