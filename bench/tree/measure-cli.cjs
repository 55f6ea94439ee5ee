// Runs a built `mlship` CLI bundle in this process and prints its wall time and peak RSS (for bench/check-tree.ts).
// usage: node measure-cli.cjs <path of the CLI bundle> <cli args…>
const { resolve } = require('node:path');

const [bundle, ...args] = process.argv.slice(2);
const { runCli } = require(resolve(bundle));

const started = performance.now();
let out = '';
runCli(args, { cwd: process.cwd(), stdout: (s) => (out += s), stderr: () => {} }).then((code) => {
  const ms = performance.now() - started;
  let findings = 0;
  let summary = null;
  try {
    const json = JSON.parse(out);
    findings = json.findings.length;
    summary = json.summary;
  } catch {
    // text output
  }
  process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, code, findings, summary }) + '\n');
});
