/**
 * The local multi-node Docker cluster (SPEC.md §6): Node only, no vscode. The extension and the
 * command line call this API; errors are `ClusterError`s with a stable `code`.
 */
export { ClusterError, isClusterError, type ClusterErrorCode } from './errors';
export { connect, createDocker, endpointOf, type DockerOptions } from './docker';
export { LABEL, networkName, nodeContainerName, taskContainerName, leaseContainerName, type FailoverRecord, type NodeRecord, type TaskRecord } from './labels';
export { up, DEFAULT_IMAGE, type UpOptions, type UpProgress, type UpResult } from './up';
export { deploy, type DeployOptions, type DeployProgress, type DeployResult, type DeployedTask } from './deploy';
export { diffSummary, type DeployChange, type DeployDiff } from './deployPlan';
export { clusterStatus, type ClusterStatus, type NodeStatus, type TaskStatus } from './status';
export { createStatsReader, startStatsSampler, type StatsSampler, type StatsSnapshot, type Usage } from './stats';
export { findTask, streamLogs, type FoundTask, type LogsOptions } from './logs';
export { findNode, startNode, stopNode, type FoundNode } from './nodes';
export { down, type DownResult } from './down';
export { startController, type Controller, type ControllerEvent, type ControllerOptions } from './controller';
export { watchCluster, type ClusterChange, type ClusterWatch } from './watch';
export { listClusters, readCluster, type LiveCluster, type LiveNode, type LiveTask } from './state';
export { ensureImage, type PullProgress } from './image';
export { clusterNameOf, loadSpecs, SpecInvalidError, type LoadedSpecs, type SpecError } from './specs';
export { deployCluster, diffCluster, engineHolding, engineOf, engineOfNow, listAllClusters, localEngine, parseEngine, upCluster, type EngineOptions, type EngineUp, type UpEngineOptions } from './engine';
export type { ClusterEngine, EngineDown, NodeChange } from './clusterEngine';
export { readRecord, listRecords, stateRoot, type SwarmRecord } from './registry';
export { importCluster, connectManager } from './swarm/existing';
export { toStack } from './swarm/stack';
export { runDrill, type DrillOptions, type DrillProgress, type DrillReport, type DrillScenario, type DrillTask } from './drill';
export { differingTasks, drillNodeText, drillSummary, touchedTasks } from './drillSummary';
