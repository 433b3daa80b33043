#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx with the arguments given.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("./run.ts", import.meta.url));
const result = spawnSync(process.execPath, ["--import", "tsx", runner, ...process.argv.slice(2)], { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`bench: could not start ${runner}: ${result.error.message}\n`);
  process.exit(2);
}
process.exit(result.status ?? 1);
