// `mlship status [--format text|json]` polls each deployment of mlship.yaml once and prints its health against its
// budgets; exit code 1 on a breach, so the same check runs in CI or a cron job.
import type { DeploymentConfig, Manifest } from '../core/config/manifest';
import { driftConfigFrom } from '../core/drift/config';
import type { DriftSettings } from '../core/deployments/driftSeries';
import { deploymentDriftSource } from '../core/deployments/driftSource';
import { inProcessScorer, openLiveDrift } from '../core/deployments/liveDrift';
import { DeploymentMonitor } from '../core/deployments/monitor';
import { worstState } from '../core/deployments/health';
import { statusReport } from '../core/present/deployments';
import { findModelVersion, featureNamesOf } from '../core/registry/resolve';
import type { Catalog } from '../core/registry/types';
import { HEALTH_ORDER, type DeploymentStatus, type HealthState } from '../shared/deployments';
import { choice, parseOptions, UsageError, type CliIo, type Subcommand } from './io';
import { discover, readManifest } from './workspace';

const USAGE = `Usage: mlship status [options]

Checks each deployment of mlship.yaml once — server health over Open Inference Protocol v2, latency from its
metrics (or Prometheus), fallback rate from its prediction log, drift of its logged inputs against its baseline
(PSI per feature, and the features the drift report's method flags), accuracy from feedback — against its budgets.

Options:
  --format text|json     output format (default: text)
  --deployment NAME[,NAME…]
                         only these deployments
  --fail-on breaching|unreachable|degraded
                         exit with 1 when a deployment is in this state or worse (default: breaching)
  --config FILE          the mlship.yaml to use (default: ./mlship.yaml)
  -h, --help             show this help

Auth tokens come from the environment: MLSHIP_TOKEN_<NAME> (the deployment name upper-cased, other characters as _)
or MLSHIP_TOKEN for all.

Exit codes: 0 no deployment at or worse than --fail-on; 1 at least one; 2 usage error or invalid mlship.yaml.
`;

type FailOn = 'breaching' | 'unreachable' | 'degraded';

function tokenFor(name: string): string | undefined {
  return process.env[`MLSHIP_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? process.env.MLSHIP_TOKEN;
}

function featureNames(catalog: Catalog | undefined, model: string | undefined, cwd: string): string[] | undefined {
  if (!catalog || !model) return undefined;
  const found = findModelVersion([catalog], model, cwd);
  return found ? featureNamesOf(found.version) : undefined;
}

/** Whether the baseline can only come from the served version's lineage (so the workspace must be discovered). */
function needsLineage(d: DeploymentConfig, manifest: Manifest | undefined): boolean {
  const model = d.model?.replace(/^models:\//, '').split(/[@/]/)[0];
  return !d.baseline && !!model && !manifest?.drift?.baselines?.[model];
}

/** Drift against the deployment's baseline, profiled in this process; or why there is none. */
function driftOf(d: DeploymentConfig, manifest: Manifest | undefined, catalog: Catalog | undefined, root: string): { drift: DriftSettings } | { driftUnavailable: string } {
  const found = catalog && d.model ? findModelVersion([catalog], d.model, root) : undefined;
  const source = deploymentDriftSource(d, manifest?.drift, found, root);
  if ('unavailable' in source) return { driftUnavailable: source.unavailable };
  const config = driftConfigFrom(manifest?.drift);
  return { drift: { scorer: inProcessScorer(async () => (await openLiveDrift(source.baseline, config)).live), reason: source.reason, mode: source.mode } };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--format', '--deployment', '--fail-on', '--config'] });
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument ${parsed.positionals[0]}.`);
  const format = choice(parsed, '--format', ['text', 'json'] as const, 'text');
  const failOn = choice<FailOn>(parsed, '--fail-on', ['breaching', 'unreachable', 'degraded'], 'breaching');
  const only = parsed.values.get('--deployment')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const read = await readManifest(io, 'status', parsed.values.get('--config'));
  if (!read.ok) return read.code;
  let deployments = read.manifest?.deployments ?? [];
  if (only) {
    const unknown = only.filter((n) => !deployments.some((d) => d.name === n));
    if (unknown.length > 0) throw new UsageError(`No deployment named ${unknown.join(', ')} in mlship.yaml (there are: ${deployments.map((d) => d.name).join(', ') || 'none'}).`);
    deployments = deployments.filter((d) => only.includes(d.name));
  }
  // Feature names (for KServe logs) come from the model versions in the workspace; only looked up when needed.
  // and the drift baseline from the served version's lineage when mlship.yaml names none.
  const catalog = deployments.some((d) => d.predictions?.format === 'kserve' || (d.predictions && needsLineage(d, read.manifest))) ? await discover(read.root, read.manifest) : undefined;
  const statuses: DeploymentStatus[] = await Promise.all(
    deployments.map(async (d) => {
      const names = featureNames(catalog, d.model, read.root);
      const token = tokenFor(d.name);
      const monitor = new DeploymentMonitor(d, {
        root: read.root,
        // One poll: read the last 8 MiB of each log, not a whole history.
        tailBytes: 8 * 1024 * 1024,
        ...(token ? { token: () => Promise.resolve(token) } : {}),
        ...(names ? { featureNames: names } : {}),
        ...driftOf(d, read.manifest, catalog, read.root),
        onProblem: (m) => io.stderr(`${m}\n`),
      });
      try {
        return await monitor.poll(io.signal);
      } finally {
        await monitor.close();
      }
    }),
  );
  statuses.sort((a, b) => HEALTH_ORDER.indexOf(a.state) - HEALTH_ORDER.indexOf(b.state) || a.name.localeCompare(b.name));
  const worst = worstState(statuses.map((s) => s.state));
  if (format === 'json') io.stdout(`${JSON.stringify({ worst: worst ?? null, deployments: statuses }, null, 2)}\n`);
  else io.stdout(statusReport(statuses));
  const failing: readonly HealthState[] = failOn === 'breaching' ? ['breaching'] : failOn === 'unreachable' ? ['breaching', 'unreachable'] : ['breaching', 'unreachable', 'degraded'];
  return statuses.some((s) => failing.includes(s.state)) ? 1 : 0;
}

export const status: Subcommand = {
  summary: "check each deployment's health against its budgets (exit 1 on a breach)",
  usage: USAGE,
  run,
};
