// The engine demo (`scripts/demo` runs it after building): a local "pod" on real kernel namespaces, then the same
// small app run twice — plainly, and under `doppel exec -t pid/<pod>` — so the difference shows what doppel does.
// Root and Linux only. Usage: node --import tsx scripts/demo-engine.ts
import { spawnSync } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { type DoppelRun, doppelExec, type Line, stopAllRuns } from "../test/e2e/doppel-run.ts";
import { createTestBed, type Pod, type TestBed } from "../test/pod/index.ts";

const probeApp = fileURLToPath(new URL("../test/e2e/apps/probe.mjs", import.meta.url));
const podFile = "/srv/demo/settings.json";
const podVariable = "DEMO_API_KEY";

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = "") => process.stdout.write(`${text}\n`);

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 5000 }, (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve(body.trim()));
      })
      .on("error", reject);
  });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "(not set)";
  return String(value).trim().replace(/\s+/g, " ");
}

async function compareProbes(bed: TestBed, pod: Pod): Promise<void> {
  const url = `http://${bed.backend.dnsName}/hello-from-my-laptop`;
  const args = ["probe", url, bed.backend.dnsName, podFile, podVariable];
  say(bold("2. The same app, run twice on this machine"));
  say(`   It fetches ${url}, connects to it, looks the name up, reads ${podFile} and $${podVariable}.`);
  const { [podVariable]: _notHere, ...localEnv } = process.env;
  const plain = JSON.parse(
    spawnSync(process.execPath, [probeApp, ...args], { encoding: "utf8", env: localEnv }).stdout,
  ) as Line;
  const run = doppelExec(["-t", `pid/${pod.pid}`, "--", process.execPath, probeApp, ...args], {}, "built");
  const inside = await run.line((line) => line.app === "node", 60_000);
  await run.exited;
  const rows: [string, string][] = [
    ["HTTP to a service only the pod reaches", "fetch"],
    ["the peer address of that connection", "peer"],
    ["DNS name only the pod's DNS knows", "dns"],
    [`file only in the pod (${podFile})`, "file"],
    [`variable only in the pod ($${podVariable})`, "env"],
    ["the same from a child (sh -c → cat, curl)", "child"],
  ];
  const width = 50;
  say(
    `   ${"".padEnd(width)}${bold("node probe.mjs".padEnd(34))}${bold(`doppel exec -t pid/${pod.pid} -- node probe.mjs`)}`,
  );
  for (const [label, key] of rows) {
    say(`   ${label.padEnd(width)}${show(plain[key]).slice(0, 32).padEnd(34)}${show(inside[key])}`);
  }
  say();
}

async function serveUnderDoppel(pod: Pod, mode: "mirror" | "steal"): Promise<DoppelRun> {
  const flags = mode === "steal" ? ["--steal"] : [];
  const run = doppelExec(
    [
      "-t",
      `pid/${pod.pid}`,
      ...flags,
      "--",
      process.execPath,
      probeApp,
      "serve",
      "8080",
      "answered by the app on your laptop:",
    ],
    {},
    "built",
  );
  await run.line((line) => line.listening === 8080, 60_000);
  return run;
}

async function incoming(pod: Pod): Promise<void> {
  say(bold("3. Incoming traffic, mirrored"));
  say(`   A local HTTP server runs under doppel; the pod keeps serving its clients on ${pod.ip}:8080.`);
  const mirror = await serveUnderDoppel(pod, "mirror");
  const copy = mirror.line((line) => typeof line.served === "string", 15_000);
  let answer = "";
  for (let attempt = 0; !mirror.lines.some((line) => line.served); attempt++) {
    answer = await get(pod.url(`/orders/${attempt}`));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  say(`   a client asked the pod for /orders/...  → the pod answered: "${answer}"`);
  say(`   and the local app received a copy:       GET ${(await copy).served}`);
  await mirror.stop();
  say();

  say(bold("4. Incoming traffic, stolen (--steal)"));
  const steal = await serveUnderDoppel(pod, "steal");
  const stolen = await get(pod.url("/checkout"));
  say(`   a client asked the pod for /checkout    → "${stolen}"`);
  await steal.stop();
  say(`   after doppel exits, the pod answers again: "${await get(pod.url("/checkout"))}"`);
  say();
}

let bed: TestBed | undefined;
try {
  say(bold("doppel engine demo: run a local process as if it ran inside a pod"));
  say();
  say(bold('1. A local "pod"'));
  bed = await createTestBed();
  const pod = await bed.pod({
    name: "shop",
    env: { [podVariable]: "key-that-only-the-pod-has" },
    files: { [podFile]: '{"currency":"EUR"}' },
  });
  say(`   pod "shop": its own network (${pod.ip}), DNS server and root file system; main process pid ${pod.pid}.`);
  say(`   The service ${bed.backend.dnsName} answers only inside the pod network.`);
  say(`   From this machine, the pod's own app says: "${await get(pod.url("/"))}"`);
  say();
  await compareProbes(bed, pod);
  await incoming(pod);
  say("Everything doppel started (agent, proxy, redirect) is gone; now removing the pod.");
} finally {
  await stopAllRuns();
  await bed?.destroy();
}
