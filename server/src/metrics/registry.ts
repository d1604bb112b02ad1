import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per process, imported where the work happens (no constructor plumbing): the API serves it
 * at GET /metrics. A worker process counts its jobs here too; it has no HTTP server, so scrape an API that
 * runs jobs itself (single-node, or ROLE unset) for per-job figures, or rely on the shared queue depth.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
  wsConnections: new Gauge({
    name: 'parley_websocket_connections',
    help: 'Open GraphQL WebSocket connections on this process',
    registers: [registry],
  }),
  subscriptions: new Gauge({
    name: 'parley_active_subscriptions',
    help: 'GraphQL subscriptions running on this process',
    registers: [registry],
  }),
  messagesSent: new Counter({
    name: 'parley_messages_sent_total',
    help: 'Direct messages stored (sendMessage), counted once per new message',
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'parley_job_duration_seconds',
    help: 'Model-call job attempts from start to outcome, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  }),
  jobFailures: new Counter({
    name: 'parley_job_failures_total',
    help: 'Failed model-call attempts by error code (last = no retry follows)',
    labelNames: ['code', 'last'] as const,
    registers: [registry],
  }),
  modelTokens: new Counter({
    name: 'parley_model_tokens_total',
    help: 'Tokens the model reported, by kind (prompt or completion)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  sessionChecks: new Counter({
    name: 'parley_session_checks_total',
    help: 'Token checks by where the session was found live or not (memory: no statement; postgres: one)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  sessionCacheTrusted: new Gauge({
    name: 'parley_session_cache_trusted',
    help: "1 while PostgreSQL's session change notifications reach this process (checked sessions are remembered)",
    registers: [registry],
  }),
  graphqlDuration: new Histogram({
    name: 'parley_graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name, type and transport (subscriptions: lifetime)',
    labelNames: ['operation', 'type', 'transport', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  }),
};

/** Set by the process that owns the queue: the scrape asks it for waiting and active jobs. */
export function registerQueueDepth(read: () => Promise<{ waiting: number; active: number }>) {
  registry.removeSingleMetric('parley_queue_jobs');
  new Gauge({
    name: 'parley_queue_jobs',
    help: 'Model-call jobs in the queue, by state (waiting includes delayed retries)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const depth = await read().catch(() => null);
      if (!depth) return;
      this.set({ state: 'waiting' }, depth.waiting);
      this.set({ state: 'active' }, depth.active);
    },
  });
}

/** The process's PostgreSQL pool (pg's counters): connections by state, and statements waiting for one. */
export function registerDbPool(pool: { totalCount: number; idleCount: number; waitingCount: number }) {
  registry.removeSingleMetric('parley_db_connections');
  registry.removeSingleMetric('parley_db_waiting_statements');
  new Gauge({
    name: 'parley_db_connections',
    help: 'Connections of this process to PostgreSQL, by state (at most DATABASE_POOL_SIZE)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'busy' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'parley_db_waiting_statements',
    help: 'Statements of this process waiting for a free PostgreSQL connection',
    registers: [registry],
    collect() {
      this.set(pool.waitingCount);
    },
  });
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_NAMES = 200;
const seenNames = new Set<string>();

/**
 * A label for the operation name: clients choose names, so a made-up or endless stream of them must not
 * grow the registry without bound. Past MAX_NAMES distinct names, new ones are counted as "other".
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!NAME.test(name)) return 'invalid';
  if (seenNames.has(name)) return name;
  if (seenNames.size >= MAX_NAMES) return 'other';
  seenNames.add(name);
  return name;
}
