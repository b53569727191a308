// An admission app over plain HTTP for supertest, with a fixed cluster and silent logs.
import { pino } from 'pino';
import type { KubeObject } from '../../src/policy/index.js';
import { createApp, type AppState } from '../../src/server/app.js';
import { DEFAULTS, type ServerConfig } from '../../src/server/config.js';
import type { ClusterSource } from '../../src/server/cluster-source.js';
import { Metrics } from '../../src/server/metrics.js';
import { fixedCluster } from './review.js';

export function testApp(
  o: {
    context?: KubeObject[];
    synced?: boolean;
    config?: Partial<ServerConfig>;
    cluster?: ClusterSource;
  } = {},
) {
  const metrics = new Metrics();
  const state: AppState = { tlsReady: true, draining: false };
  const cluster = o.cluster ?? fixedCluster(o.context ?? [], o.synced ?? true);
  const config = { ...DEFAULTS, ...o.config };
  const app = createApp({ config, cluster, metrics, logger: pino({ level: 'silent' }), state });
  return { app, metrics, state, cluster };
}
