// `ais-guard plan`: the exact PV set for a multi-target layout, from an AIStore CR and a node/disk map.
export { parseDiskMap, type Disk, type DiskNode } from './diskmap.js';
export { PlanError } from './error.js';
export { planVolumes, type Plan, type PlanOptions } from './plan.js';
export { diffVolumes, differenceCount, type Difference, type VolumeDiff } from './diff.js';
export { readiness, type ReadinessNote } from './readiness.js';
export type { Placement } from './assign.js';
