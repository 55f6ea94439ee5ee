// `mlship rollout <flag> [<percent>|off|on]` shows or changes a rollout flag in the flagd flag file, behind the
// rollout guard, printing the diff of what it changed and appending the change to the rollout log.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  addRolloutFlag,
  createFlagFile,
  describeRollout,
  DEFAULT_FLAG_FILE,
  FlagFileError,
  formatIssue,
  parseFlagFile,
  readRollout,
  type FlagFileChange,
  type RolloutState,
} from '../core/scaffold/flagFile';
import {
  applyRolloutTarget,
  budgetsOf,
  decideRollout,
  DEFAULT_VERDICT_MAX_AGE_MS,
  MIN_OVERRIDE_REASON_LENGTH,
  parseHealthVerdict,
  polledHealth,
  rolloutLogLine,
  rolloutLogPath,
  rolloutLogRecord,
  targetPercent,
  type DeploymentHealth,
  type RolloutOverride,
  type RolloutTarget,
} from '../core/scaffold/rollout';
import type { DeploymentConfig, Manifest } from '../core/config/manifest';
import { errorMessage } from '../core/util/concurrency';
import { unifiedDiff } from '../core/util/diff';
import { parseOptions, shownPath, UsageError, type CliIo, type Subcommand } from './io';
import { pollDeployments } from './status';
import { readManifest } from './workspace';

const USAGE = `Usage: mlship rollout <flag> [<percent>|off|on] [options]

Shows or changes the rollout of a flag in the flagd flag file. <percent> (a whole number from 0 to 100, e.g. 5, 25, 50,
100) sets the share of targeting keys that get "on"; off turns the kill switch on ("state": "DISABLED", the percentage
is kept); on releases it. With no percentage it prints the flag's current rollout.

Raising the percentage is refused while the linked deployment breaches its latency, drift or fallback-rate budget.
The linked deployment is the one whose flag: in mlship.yaml names this flag; it is polled once, as mlship status
does (server, metrics, prediction log, drift of its logged inputs), unless --health gives a verdict.

Options:
  --flags FILE          the flag file (default: flags: in mlship.yaml, else ${DEFAULT_FLAG_FILE})
  --config FILE         the mlship.yaml to read (default: ./mlship.yaml when present)
  --health FILE         a health verdict (JSON, below) instead of polling the linked deployment; budgets it leaves
                        out come from the deployment of that name in mlship.yaml. A raise is refused when the verdict
                        is for another deployment than the flag's (flag: in mlship.yaml), does not say when it was
                        measured, or is older than --max-age
  --max-age MINUTES     the oldest health verdict used (default: ${DEFAULT_VERDICT_MAX_AGE_MS / 60_000})
  --require-healthy     refuse to raise unless a health verdict shows every budgeted metric measured and within budget
  --override "WHY"      raise despite the guard; recorded with who (--by) and when in the rollout log
  --by NAME             who makes the change (default: the OS user)
  --create              add the flag at <percent> when it does not exist (creating the file if needed)
  --dry-run             print the change, write nothing
  -h, --help            show this help

Health verdict: {"deployment": "credit-risk-prod", "measuredAt": "2026-05-01T12:00:00Z",
                 "metrics": {"latency_p95_ms": 42, "drift_psi": 0.05, "fallback_rate": 0.01},
                 "budgets": {"latency_p95_ms": 50, "drift_psi": 0.2, "fallback_rate": 0.05}}

Every change is appended to rollout-log.jsonl next to the flag file.
Exit codes: 0 changed (or nothing to change); 1 refused by the guard (a breach, or a verdict of another deployment,
undated or too old); 2 usage, flag-file or health-file error (a health file that cannot be read stops only a raise:
lowering and the kill switch warn and go ahead), a flag file that cannot be written (nothing changed), or a rollout
log that cannot be written (the flag was changed: the line to add to the log is printed).
`;

/** A problem with the command's inputs: printed as is, exit 2. */
class InputError extends Error {}

/** A file system error's message without Node's `CODE: ` prefix and the call that failed. */
function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = errorMessage(err);
  return code ? message.replace(new RegExp(`^${code}: `), '').replace(/, \w+ '[^']*'$/, '') : message;
}

async function readText(path: string, shown: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${what} ${shown}${code === 'ENOENT' ? ': no such file' : `: ${errorText(err)}`}.`);
  }
}

function parseTarget(arg: string | undefined): RolloutTarget | undefined {
  if (arg === undefined) return undefined;
  if (arg === 'off') return { kind: 'kill' };
  if (arg === 'on') return { kind: 'release' };
  const m = /^(\d{1,3})%?$/.exec(arg);
  const percent = m ? Number(m[1]) : NaN;
  if (!(percent >= 0 && percent <= 100)) throw new UsageError(`the rollout must be a whole percentage from 0 to 100, off or on (got "${arg}").`);
  return { kind: 'percent', percent };
}

/**
 * A health verdict file. Budgets it leaves out come from the deployment it names in mlship.yaml (else the linked one);
 * a verdict that names none is taken as the linked deployment's. Whether it is that deployment's, and recent enough,
 * is the guard's to check. Throws InputError naming the file and what is wrong.
 */
async function readVerdict(path: string, cwd: string, manifest: Manifest | undefined, linked: DeploymentConfig | undefined): Promise<DeploymentHealth> {
  const file = shownPath(cwd, path);
  const text = await readText(path, file, 'the health verdict');
  try {
    const name = parseHealthVerdict(text, file).deployment;
    const named = name === undefined ? linked : manifest?.deployments?.find((d) => d.name === name);
    const health = parseHealthVerdict(text, file, named ? budgetsOf(named) : {});
    if (health.deployment === undefined && linked) health.deployment = linked.name;
    return health;
  } catch (err) {
    throw new InputError(err instanceof Error ? err.message : String(err));
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--flags', '--config', '--health', '--max-age', '--override', '--by'], flags: ['--require-healthy', '--create', '--dry-run'] });
  const [flagKey, targetArg, ...extra] = parsed.positionals;
  if (!flagKey) throw new UsageError('name the flag: mlship rollout <flag> [<percent>|off|on].');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}".`);
  const target = parseTarget(targetArg);
  const override = parsed.values.get('--override');
  if (override !== undefined && override.trim().length < MIN_OVERRIDE_REASON_LENGTH) {
    throw new UsageError(`--override needs a reason of at least ${MIN_OVERRIDE_REASON_LENGTH} characters (got "${override.trim()}"), e.g. --override "p95 spike is a known cold start; approved by on-call".`);
  }
  if (parsed.flags.has('--create') && target?.kind !== 'percent') throw new UsageError('--create needs the percentage to create the flag at.');
  const maxAgeArg = parsed.values.get('--max-age');
  const maxAgeMinutes = maxAgeArg === undefined ? DEFAULT_VERDICT_MAX_AGE_MS / 60_000 : Number(maxAgeArg.trim());
  if (maxAgeArg !== undefined && (maxAgeArg.trim() === '' || !(maxAgeMinutes > 0) || !Number.isFinite(maxAgeMinutes))) {
    throw new UsageError(`--max-age is the oldest health verdict used, in minutes: a number above 0, e.g. 15 (got "${maxAgeArg}").`);
  }

  try {
    const read = await readManifest(io, 'rollout', parsed.values.get('--config'));
    if (!read.ok) return read.code;
    const manifest = read.manifest;
    const flagsArg = parsed.values.get('--flags') ?? manifest?.flags ?? DEFAULT_FLAG_FILE;
    const flagPath = resolve(io.cwd, flagsArg);
    const shown = shownPath(io.cwd, flagPath);

    let before: string | undefined;
    try {
      before = await readFile(flagPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !parsed.flags.has('--create')) {
        throw new InputError(`cannot read the flag file ${shown}${(err as NodeJS.ErrnoException).code === 'ENOENT' ? ': no such file (set flags: in mlship.yaml, pass --flags, or --create it)' : `: ${errorText(err)}`}.`);
      }
    }
    if (before !== undefined) {
      for (const w of parseFlagFile(before).issues.filter((i) => i.severity === 'warning')) io.stderr(`${formatIssue(shown, w)}\n`);
    }

    const exists = before !== undefined && parseFlagFile(before).flags.some((f) => f.key === flagKey);
    if (!target) {
      const state = readRollout(before ?? '', shown, flagKey);
      io.stdout(`${flagKey}: ${describeRollout(state)} (${shown})\n`);
      return 0;
    }

    let current: RolloutState | null = null;
    let result: FlagFileChange;
    let action: 'create' | 'set' | 'kill' | 'release';
    if (!exists && parsed.flags.has('--create') && target.kind === 'percent') {
      action = 'create';
      result = before === undefined ? { text: createFlagFile(flagKey, target.percent), edits: [] } : addRolloutFlag(before, shown, flagKey, target.percent);
    } else {
      current = readRollout(before ?? '', shown, flagKey);
      action = target.kind === 'percent' ? 'set' : target.kind;
      result = applyRolloutTarget(before as string, shown, flagKey, target);
    }
    // The deployment mlship.yaml links to this flag (`flag:`): its health gates a raise.
    const linked = manifest?.deployments?.find((d) => d.flag === flagKey);
    const from = current ?? { flagKey, state: 'ENABLED' as const, percent: 0, effectivePercent: 0, killSwitch: false };
    const raise = targetPercent(from, target) > from.effectivePercent;
    let health: DeploymentHealth | undefined;
    const healthArg = parsed.values.get('--health');
    if (healthArg) {
      try {
        health = await readVerdict(resolve(io.cwd, healthArg), io.cwd, manifest, linked);
      } catch (err) {
        // Lowering and the kill switch never wait on health: a verdict they cannot read is not a reason to refuse them.
        if (raise || !(err instanceof InputError)) throw err;
        io.stderr(`mlship rollout: ${err.message} Ignored: ${target.kind === 'kill' ? 'the kill switch' : 'lowering'} needs no health.\n`);
      }
    } else if (target.kind !== 'kill') {
      // Polled once, as `mlship status` does.
      if (linked) {
        const root = read.root;
        const [status] = await pollDeployments([linked], manifest, root, io);
        if (status) {
          io.stderr(`${linked.name}: ${status.state} — ${status.reason}\n`);
          health = polledHealth(status, linked);
        }
      }
    }

    const next = readRollout(result.text, shown, flagKey);
    const ts = new Date().toISOString();
    const by = parsed.values.get('--by') ?? (userInfo().username || 'unknown');
    const overrideRecord: RolloutOverride | undefined = override !== undefined ? { by, at: ts, reason: override.trim() } : undefined;
    const decision = decideRollout({
      current: from,
      target,
      ...(health ? { health } : {}),
      requireHealthy: parsed.flags.has('--require-healthy'),
      ...(overrideRecord ? { override: overrideRecord } : {}),
      ...(linked ? { linkedDeployment: linked.name } : {}),
      maxVerdictAgeMs: maxAgeMinutes * 60_000,
    });
    if (!decision.allowed) {
      io.stderr(`mlship rollout: ${flagKey}: ${decision.message}\n`);
      const hint = decision.verdictProblem
        ? `Pass a recent verdict of ${linked ? `deployment "${linked.name}"` : 'the flag\'s deployment'} with --health${linked ? ', or leave --health out to poll it' : ''}, or re-run with --override "WHY" to raise anyway`
        : health ? 'Re-run with --override "WHY" to raise anyway' : 'Link the deployment to the flag (flag: in mlship.yaml) or pass its health with --health FILE, or re-run with --override "WHY" to raise anyway';
      io.stderr(`Nothing was written. ${hint} (an override is recorded in the rollout log).\n`);
      return 1;
    }

    const diff = unifiedDiff(before ?? '', result.text, before === undefined ? '/dev/null' : `a/${shown}`, `b/${shown}`);
    if (!diff) {
      io.stdout(`${flagKey}: already ${describeRollout(next)}; nothing to change.\n`);
      return 0;
    }
    io.stdout(diff);
    if (parsed.flags.has('--dry-run')) {
      io.stdout(`${flagKey}: ${current ? describeRollout(current) : 'new'} → ${describeRollout(next)} (dry run, nothing written). ${decision.message}\n`);
      return 0;
    }
    // The file may have changed since it was read — during the poll, say, the kill switch from the editor: writing the
    // text made from what was read would undo that.
    const changedMeanwhile = new InputError(`${shown} changed while mlship rollout was deciding; nothing was written. Run the command again.`);
    if ((await readFile(flagPath, 'utf8').catch(() => undefined)) !== before) throw changedMeanwhile;
    const unwritable = (err: unknown) => new InputError(`cannot write ${shown}: ${errorText(err)}. Nothing was changed; make the file and its folder writable and run the command again.`);
    await mkdir(dirname(flagPath), { recursive: true }).catch((err: unknown) => {
      throw unwritable(err);
    });
    try {
      await writeFile(flagPath, result.text, { flag: before === undefined ? 'wx' : 'w' });
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? changedMeanwhile : unwritable(err);
    }
    const record = rolloutLogRecord({ ts, flag: flagKey, file: shown, action, from: current, to: next, by, ...(health ? { health } : {}), decision, ...(overrideRecord ? { override: overrideRecord } : {}) });
    const logPath = rolloutLogPath(flagPath);
    const done = `${flagKey}: ${current ? describeRollout(current) : 'new'} → ${describeRollout(next)}. ${decision.message}`;
    try {
      await appendFile(logPath, rolloutLogLine(record));
    } catch (err) {
      // The flag changed: said first, then that the change is missing from the log (the audit trail of rollouts).
      io.stdout(`${done}\n`);
      io.stderr(`mlship rollout: ${shown} was changed, but the change could not be recorded in ${shownPath(io.cwd, logPath)}: ${errorText(err)}. Make the log writable and add this line to it:\n${rolloutLogLine(record)}`);
      return 2;
    }
    io.stdout(`${done}\nRecorded in ${shownPath(io.cwd, logPath)}.\n`);
    return 0;
  } catch (err) {
    if (err instanceof FlagFileError || err instanceof InputError) {
      io.stderr(`mlship rollout: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

export const rollout: Subcommand = {
  summary: 'show or change a flagd rollout flag (percentage, kill switch), gated on deployment health',
  usage: USAGE,
  run,
};
