// End-to-end (issue 8 item 7): real applications run under `doppel exec -t pid/<pod>` against a namespaced pod of
// the test bed. Each app proves that the pod's incoming traffic is mirrored to it (while the pod still answers) or
// stolen by it; that its outgoing connections leave from the pod and getpeername reports the remote address; that
// a name only the pod's DNS knows resolves; that a file only in the pod's root and a variable only in the pod's
// environment are visible — and that its children (sh -c, subprocess, child_process, ProcessBuilder) keep all of it.
// Root and Linux only; needs `npm run build -w agent` and `make -C native-layer` first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { type DoppelRun, doppelExec, type Line, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const app = (name: string) => fileURLToPath(new URL(`./apps/${name}`, import.meta.url));
const podFile = "/srv/dpl-e2e/pod-only.txt";
const podFileContent = "written only into the pod's root";
const podVariable = "DPL_E2E_POD_ONLY";
const podVariableValue = "set only in the pod";

interface AppRow {
  name: string;
  /** argv of `probe URL HOST FILE VAR` */
  probe(url: string, host: string): string[];
  /** argv of `serve PORT LABEL` */
  serve(port: number, label: string): string[];
}

let bed: TestBed;
let pod: Pod;
/** Compiled Java classes and config files of this run. */
let scratch: string;
let python: string;

const apps: AppRow[] = [
  {
    name: "node",
    probe: (url, host) => [process.execPath, app("probe.mjs"), "probe", url, host, podFile, podVariable],
    serve: (port, label) => [process.execPath, app("probe.mjs"), "serve", String(port), label],
  },
  {
    name: "python",
    probe: (url, host) => [python, app("probe.py"), "probe", url, host, podFile, podVariable],
    serve: (port, label) => [python, app("probe.py"), "serve", String(port), label],
  },
  {
    name: "java",
    probe: (url, host) => ["java", "-cp", scratch, "Probe", "probe", url, host, podFile, podVariable],
    serve: (port, label) => ["java", "-cp", scratch, "Probe", "serve", String(port), label],
  },
];

before(async () => {
  buildPrerequisites();
  scratch = mkdtempSync(join(tmpdir(), "dpl-e2e-"));
  execFileSync("javac", ["-d", scratch, app("Probe.java")]);
  // pyenv's python3 is a shell shim; run the interpreter itself so the test measures python, not bash.
  python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  bed = await createTestBed();
  pod = await bed.pod({
    name: "web",
    env: { [podVariable]: podVariableValue },
    files: { [podFile]: podFileContent },
  });
  assert.equal(existsSync(podFile), false, `${podFile} must exist only in the pod`);
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * One GET on a fresh connection. A pooled keep-alive connection stays with whoever served it first: a steal only
 * takes connections opened after it started.
 */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 5000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("no answer within 5 s")));
    request.on("error", reject);
  });
}

/** Sends requests to the pod until `done` says one of them arrived where it should; returns the last answer. */
async function requestUntil(
  run: DoppelRun,
  path: (attempt: number) => string,
  done: (answer: string) => boolean,
): Promise<string> {
  let answer = "";
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const url = pod.url(path(attempt));
    try {
      answer = await get(url);
    } catch (error) {
      throw new Error(`GET ${url} failed: ${String(error)}; doppel said: ${run.stderr}`);
    }
    if (done(answer)) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return answer;
}

function assertProbe(result: Line): void {
  const backend = bed.backend;
  assert.equal(result.fetch, `pod backend: GET /from-${result.app}\n`, "outgoing request by DNS name, from the pod");
  assert.equal(result.peer, `${backend.ip}:${backend.port}`, "getpeername reports the remote address");
  assert.equal(result.dns, backend.ip, "a name only the pod's DNS knows resolves");
  assert.equal(result.file, podFileContent, "a file only in the pod's root is read");
  assert.equal(result.size, podFileContent.length, "stat sees the pod's file");
  assert.equal(result.env, podVariableValue, "a variable only the pod has is present");
  assert.equal(
    result.child,
    `${podFileContent} ${podVariableValue} pod backend: GET /from-${result.app}\n`,
    "a child (sh -c → cat, printenv, curl) keeps files, env, DNS and outgoing",
  );
}

describe("real apps under doppel exec against a namespaced pod", () => {
  for (const row of apps) {
    describe(row.name, () => {
      let probed: Promise<Line> | undefined;
      /** One probe run per app; its result feeds the tests below. */
      const probe = () => {
        probed ??= (async () => {
          const url = `http://${bed.backend.dnsName}/from-${row.name}`;
          const run = doppelExec(["-t", `pid/${pod.pid}`, "--", ...row.probe(url, bed.backend.dnsName)]);
          const result = await run.line((line) => line.app === row.name, 45_000);
          assert.equal(await run.finish(), 0, run.stderr);
          return result;
        })();
        return probed;
      };

      test("outgoing, getpeername, DNS, files, env — also from its children", { timeout: 120_000 }, async () => {
        assertProbe(await probe());
      });

      test("UDP to a service only the pod reaches, and its answer", { timeout: 120_000 }, async () => {
        assert.equal((await probe()).udp, "backend: ping");
      });

      test("mirror: the pod answers and the local app receives a copy", { timeout: 120_000 }, async (t) => {
        const label = `local-${row.name}`;
        const run = doppelExec(["-t", `pid/${pod.pid}`, "--", ...row.serve(8080, label)]);
        t.after(() => run.stop());
        await run.line((line) => line.listening === 8080, 45_000);
        const mirrored = run.line(
          (line) => typeof line.served === "string" && line.served.startsWith(`/mirror-${row.name}-`),
        );
        const answer = await requestUntil(
          run,
          (attempt) => `/mirror-${row.name}-${attempt}`,
          () => run.lines.some((line) => typeof line.served === "string"),
        );
        assert.match(answer, /^pod web: GET \/mirror-/, "the pod itself still answers");
        const copy = await mirrored;
        const stats = await pod.stats();
        assert.ok((stats.byPath[copy.served as string] ?? 0) >= 1, "the mirrored request was served by the pod too");
        await run.stop();
      });

      test("steal: the local app answers the pod's traffic; afterwards the pod answers again", {
        timeout: 120_000,
      }, async (t) => {
        const label = `local-${row.name}`;
        const run = doppelExec(["-t", `pid/${pod.pid}`, "--steal", "--", ...row.serve(8080, label)]);
        t.after(() => run.stop());
        await run.line((line) => line.listening === 8080, 45_000);
        const answer = await requestUntil(
          run,
          (attempt) => `/steal-${row.name}-${attempt}`,
          (text) => text.startsWith(label),
        );
        assert.match(answer, new RegExp(`^${label} /steal-${row.name}-\\d+$`));
        await run.stop();
        const after = await get(pod.url("/after-steal"));
        assert.equal(after, "pod web: GET /after-steal\n", "the steal redirect is gone after the session");
      });
    });
  }

  test("node: an fd libuv closed (syscall(SYS_close)) is local again when reused for a local file", {
    timeout: 120_000,
  }, async () => {
    const script = [
      'const fs = require("node:fs");',
      `const pod = fs.openSync(${JSON.stringify(podFile)}, "r");`,
      "fs.readFileSync(pod);",
      "fs.closeSync(pod);",
      'const local = fs.openSync("/usr/lib/os-release", "r");',
      'console.log(JSON.stringify({ reused: local === pod, local: fs.readFileSync(local, "utf8") }));',
    ].join(" ");
    const run = doppelExec(["-t", `pid/${pod.pid}`, "--", process.execPath, "-e", script]);
    const result = await run.line((line) => "reused" in line, 45_000);
    assert.equal(result.local, readFileSync("/usr/lib/os-release", "utf8"), `fd reused: ${result.reused}`);
  });

  test("a child still running when the app exits keeps the session until it is done; the exit code is the app's", {
    timeout: 120_000,
  }, async () => {
    const config = join(scratch, "doppel.json");
    writeFileSync(config, JSON.stringify({ internal_proxy: { idle_timeout: 1 } }));
    const run = doppelExec([
      "-f",
      config,
      "-t",
      `pid/${pod.pid}`,
      "--",
      "sh",
      "-c",
      `(sleep 1; cat ${podFile}; echo) & exit 3`,
    ]);
    assert.equal(await run.finish(), 3, run.stderr);
    assert.deepEqual(run.lines, [{ text: podFileContent }], "the orphaned child still read the pod's file");
  });

  test("curl: DNS, outgoing with the remote address, a pod file, and all of it from sh -c", {
    timeout: 120_000,
  }, async () => {
    const url = `http://${bed.backend.dnsName}/from-curl`;
    const script = [
      `curl -s --max-time 30 -w ' %{remote_ip}:%{remote_port}\\n' ${url}`,
      `curl -s file://${podFile}; echo`,
      `sh -c 'curl -s --max-time 30 ${url}'`,
    ].join("; ");
    const run = doppelExec(["-t", `pid/${pod.pid}`, "--", "sh", "-c", script]);
    assert.equal(await run.finish(), 0, run.stderr);
    const text = run.lines.map((line) => line.text).join("\n");
    assert.equal(
      text,
      [
        `pod backend: GET /from-curl`,
        ` ${bed.backend.ip}:${bed.backend.port}`,
        podFileContent,
        "pod backend: GET /from-curl",
      ].join("\n"),
    );
  });
});
