// A real Prometheus (Debian's `prometheus` package, 2.42) on loopback, with a temp config that scrapes the given
// targets every second and a temp data folder; stopped by its pid.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusedUrl } from './faultServers';
import { startServerProcess } from './serverProcess';

export interface PrometheusServer {
  url: string;
  close(): Promise<void>;
}

const BINARY = '/usr/bin/prometheus';

export async function startPrometheus(targets: string[], job = 'mlship'): Promise<PrometheusServer> {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing. Install Debian's Prometheus (the tests start it themselves; no service runs): sudo apt-get install -y prometheus`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mlship-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: ${job}\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
  );
  const url = await refusedUrl();
  const { child, stderr, close } = startServerProcess(BINARY, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${url.replace('http://', '')}`, '--log.level=warn'], dir);
  // Ready, and every target scraped once (Prometheus picks static targets up a few seconds after it starts).
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok && (await targetsUp(url, targets.length))) return { url, close };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await close();
  throw new Error(`Prometheus did not become ready: ${stderr().slice(-500)}`);
}

async function targetsUp(url: string, count: number): Promise<boolean> {
  const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data?: { activeTargets?: { health: string }[] } };
  const targets = body.data?.activeTargets ?? [];
  return targets.length === count && targets.every((t) => t.health === 'up');
}
