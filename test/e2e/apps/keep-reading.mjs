// Fault-test app: reads a pod file and fetches a pod-only URL every 100 ms, forever, reporting each round as a
// JSON line with its pid. When the session proxy dies the rounds must turn into errors, and the app must go on.
//   node keep-reading.mjs FILE URL
import { readFile } from "node:fs/promises";

const [file, url] = process.argv.slice(2);

async function outcome(job) {
  try {
    await job();
    return "ok";
  } catch (error) {
    return `error: ${error.cause?.code ?? error.code ?? error.message}`;
  }
}

for (let round = 1; ; round++) {
  const read = await outcome(() => readFile(file, "utf8"));
  const fetched = await outcome(async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).text());
  const session = process.env.DOPPEL_PROXY_SOCKET;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, session, round, read, fetch: fetched })}\n`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
