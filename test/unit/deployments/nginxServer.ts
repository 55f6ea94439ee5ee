// A real nginx (Debian's `nginx` package) on loopback serving a temp folder as static files, byte ranges and all, the
// way a prediction log is often published; with an access log of each request's Range header, status and size.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusedUrl } from './faultServers';
import { startServerProcess } from './serverProcess';

export interface NginxServer {
  url: string;
  /** The folder it serves. */
  root: string;
  /** The requests answered so far: the Range asked for, the status, the body bytes sent. */
  requests(): Promise<{ range: string; status: number; bytes: number }[]>;
  close(): Promise<void>;
}

const BINARY = '/usr/sbin/nginx';

export async function startNginx(): Promise<NginxServer> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing. Install Debian's nginx (the tests start it themselves; no service runs): sudo apt-get install -y nginx`);
  const dir = await mkdtemp(join(tmpdir(), 'mlship-nginx-'));
  const root = join(dir, 'www');
  await mkdir(root);
  const url = await refusedUrl();
  const log = join(dir, 'access.log');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`).join('\n');
  await writeFile(
    join(dir, 'nginx.conf'),
    `daemon off;\nmaster_process off;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections 64; }\nhttp {\n${temp}\n  log_format ranges '"$http_range" $status $body_bytes_sent';\n  access_log ${log} ranges;\n  default_type application/x-ndjson;\n  server {\n    listen ${url.replace('http://', '')};\n    root ${root};\n  }\n}\n`,
  );
  const { child, stderr, close } = startServerProcess(BINARY, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], dir);
  const requests = async (): Promise<{ range: string; status: number; bytes: number }[]> =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const m = /^"([^"]*)" (\d+) (\d+)$/.exec(l);
        if (!m) throw new Error(`Unexpected nginx access log line: ${l}`);
        return { range: m[1] === '-' ? '' : (m[1] as string), status: Number(m[2]), bytes: Number(m[3]) };
      });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${url}/`);
      await writeFile(log, '');
      return { url, root, requests, close };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await close();
  throw new Error(`nginx did not start: ${stderr().slice(-500)}`);
}
