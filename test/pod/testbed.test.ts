// Self-tests of the pod test bed: every promise the README makes, checked against the real kernel objects.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sweepScript } from "./cleanup.ts";
import { runCommand } from "./command.ts";
import { createTestBed, findLeftovers, isRunning, type Pod, type TestBed, TestBedErrorCode } from "./index.ts";

const podOnlyPath = "/etc/dpl-pod-only.conf";
const podOnlyContent = "this file exists only inside pod web\n";
const podOnlyEnv = { DPL_ONLY_IN_POD: "pod-secret-value", DPL_WITH_SPACES: "a b  c" };

function environOf(pid: number): Promise<Record<string, string>> {
  return readFile(`/proc/${pid}/environ`, "utf8").then((text) =>
    Object.fromEntries(
      text
        .split("\0")
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    ),
  );
}

/** Resolves "connected" or the error code; a silent drop ends as "timeout". */
function tryConnect(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done("timeout"));
    socket.once("connect", () => done("connected"));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

describe("a pod on the test bed", () => {
  let bed: TestBed;
  let web: Pod;
  let peer: Pod;

  before(async () => {
    bed = await createTestBed();
    web = await bed.pod({ name: "web", env: podOnlyEnv, files: { [podOnlyPath]: podOnlyContent } });
    peer = await bed.pod({ name: "peer", namespace: "shop" });
  });
  after(() => bed.destroy());

  test("serves its HTTP app to the host and counts the requests it answered", async () => {
    const before = await web.stats();
    const response = await fetch(web.url("/hello?x=1"));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "pod web: GET /hello?x=1\n");
    const after = await web.stats();
    assert.equal(after.requests, before.requests + 1);
    assert.equal(after.byPath["/hello?x=1"], 1);
  });

  test("has its own root: /proc/<pid>/root shows the pod's files, the host does not have them", async () => {
    assert.equal(await readFile(`${web.rootPath}${podOnlyPath}`, "utf8"), podOnlyContent);
    assert.equal(existsSync(podOnlyPath), false, `${podOnlyPath} must not exist on the host`);
    assert.equal((await web.exec(["cat", podOnlyPath])).stdout, podOnlyContent);
    assert.equal(existsSync(`${peer.rootPath}${podOnlyPath}`), false, "another pod must not see it either");
    const resolvConf = await readFile(`${web.rootPath}/etc/resolv.conf`, "utf8");
    assert.match(resolvConf, new RegExp(`^nameserver ${bed.dns.ip.replaceAll(".", "\\.")}$`, "m"));
    assert.match(resolvConf, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(resolvConf, /^options ndots:5$/m);
    assert.match(await readFile(`${peer.rootPath}/etc/resolv.conf`, "utf8"), /^search shop\.svc\.cluster\.local /m);
    assert.equal(await readFile(`${web.rootPath}/etc/hostname`, "utf8"), "web\n");
    assert.match(await readFile(`${web.rootPath}/etc/hosts`, "utf8"), new RegExp(`^${web.ip}\\tweb$`, "m"));
  });

  test("writes inside the pod stay inside the pod", async () => {
    await web.exec(["sh", "-c", "echo written-in-pod > /tmp/dpl-written"]);
    assert.equal(await readFile(`${web.rootPath}/tmp/dpl-written`, "utf8"), "written-in-pod\n");
    assert.equal(existsSync("/tmp/dpl-written"), false);
  });

  test("its main process has exactly the pod's environment, visible in /proc/<pid>/environ", async () => {
    const environ = await environOf(web.pid);
    assert.deepEqual(environ, web.env);
    assert.equal(environ.DPL_ONLY_IN_POD, "pod-secret-value");
    assert.equal(environ.DPL_WITH_SPACES, "a b  c");
    assert.equal(environ.HOSTNAME, "web");
    assert.equal(process.env.DPL_ONLY_IN_POD, undefined);
    const { stdout } = await web.exec(["sh", "-c", 'echo "$DPL_ONLY_IN_POD"; hostname']);
    assert.equal(stdout, "pod-secret-value\nweb\n");
  });

  test("cluster DNS names resolve inside the pod, through the search list too, but not on the host", async () => {
    const backend = bed.backend;
    for (const name of [backend.dnsName, "backend", "backend.default", "peer.shop"]) {
      const { stdout } = await web.exec(["getent", "hosts", name]);
      const expected = name === "peer.shop" ? peer.ip : backend.ip;
      assert.equal(stdout.split(/\s+/)[0], expected, `getent hosts ${name} inside pod web`);
    }
    const viaNode = await web.exec([
      process.execPath,
      "-e",
      "require('dns').lookup(process.argv[1], (e, a) => console.log(e ? e.code : a))",
      backend.dnsName,
    ]);
    assert.equal(viaNode.stdout.trim(), backend.ip);
    const viaPython = await web.exec([
      "python3",
      "-c",
      "import socket,sys; print(socket.gethostbyname(sys.argv[1]))",
      "backend",
    ]);
    assert.equal(viaPython.stdout.trim(), backend.ip);
    await assert.rejects(lookup(backend.dnsName), (error: NodeJS.ErrnoException) =>
      ["ENOTFOUND", "EAI_AGAIN"].includes(error.code ?? ""),
    );
    const onHost = await runCommand(["getent", "hosts", backend.dnsName], { allowFailure: true });
    assert.notEqual(onHost.exitCode, 0, `the host resolved ${backend.dnsName}: ${onHost.stdout}`);
  });

  test("names a test registers resolve in pods (forward and reverse); unregistered ones stop resolving", async () => {
    await bed.dns.register("db.default.svc.cluster.local", peer.ip);
    assert.equal((await web.exec(["getent", "hosts", "db"])).stdout.split(/\s+/)[0], peer.ip);
    assert.deepEqual(await bed.dns.lookup("db.default.svc.cluster.local"), [peer.ip]);
    const reverse = await web.exec(["getent", "hosts", bed.backend.ip]);
    assert.match(reverse.stdout, /backend\.default\.svc\.cluster\.local/);
    await bed.dns.unregister("db.default.svc.cluster.local");
    const gone = await web.exec(["getent", "hosts", "db"], { allowFailure: true });
    assert.equal(gone.exitCode, 2, "getent exits 2 for an unknown name");
  });

  test("the backend answers pods (TCP and UDP) but the host cannot reach it", async () => {
    const { stdout } = await web.exec(["curl", "-sS", "--max-time", "5", bed.backend.url("/from-pod")]);
    assert.equal(stdout, "pod backend: GET /from-pod\n");
    const udp = await web.exec([
      "python3",
      "-c",
      [
        "import socket,sys",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.settimeout(5)",
        "s.sendto(b'ping', (sys.argv[1], int(sys.argv[2])))",
        "print(s.recvfrom(100)[0].decode())",
      ].join("\n"),
      "backend",
      String(bed.backend.port),
    ]);
    assert.equal(udp.stdout.trim(), "backend: ping");
    const fromHost = await tryConnect(bed.backend.ip, bed.backend.port, 1500);
    assert.notEqual(fromHost, "connected", "the host must not reach the backend");
    const hostRoute = await runCommand(["ip", "route", "get", bed.backend.ip]);
    assert.match(hostRoute.stdout, new RegExp(`dev ${bed.layout.bridge} `), "no packet to it may leave the machine");
  });

  test("pods reach each other by IP and by DNS name", async () => {
    const byName = await web.exec(["curl", "-sS", "--max-time", "5", `http://peer.shop.svc.cluster.local:8080/hi`]);
    assert.equal(byName.stdout, "pod peer: GET /hi\n");
    const byIp = await peer.exec(["curl", "-sS", "--max-time", "5", web.url("/back")]);
    assert.equal(byIp.stdout, "pod web: GET /back\n");
  });

  test("real runtimes run inside a pod: node, python3, curl, java", async () => {
    assert.equal((await web.exec([process.execPath, "-p", "require('os').hostname()"])).stdout, "web\n");
    assert.equal((await web.exec(["python3", "-c", "import socket; print(socket.gethostname())"])).stdout, "web\n");
    assert.match((await web.exec(["curl", "--version"])).stdout, /^curl /);
    const java = await web.exec(["java", "-version"]);
    assert.match(java.stderr, /version "17/);
  });

  test("a pod can run any command; with a port it is ready once the port accepts connections", async (t) => {
    const started = performance.now();
    const py = await bed.pod({
      name: "py",
      command: ["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", "/etc"],
      port: 8000,
    });
    t.diagnostic(`python pod ready in ${(performance.now() - started).toFixed(0)} ms`);
    const response = await fetch(py.url("/hostname"));
    assert.equal(await response.text(), "py\n");
    await py.destroy();
    await py.destroy();
    assert.equal(existsSync(`/run/netns/${py.netns}`), false);
    assert.deepEqual(await bed.dns.lookup(py.dnsName), []);
    assert.notEqual(await tryConnect(py.ip, 8000, 1000), "connected");
    await assert.rejects(py.exec(["true"]), { code: TestBedErrorCode.Destroyed });
  });

  test("a pod whose app dies before it is ready is refused with its output and leaves nothing", async () => {
    await assert.rejects(
      bed.pod({ name: "crash", command: ["sh", "-c", "echo boom >&2; exit 1"], port: 9 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, TestBedErrorCode.NotReady);
        assert.match(error.message, /boom/);
        return true;
      },
    );
    assert.equal(existsSync(`/run/netns/${bed.layout.podNetns("crash")}`), false);
    assert.equal(existsSync(`${bed.layout.stateDir}/pods/crash`), false);
    const again = await bed.pod({ name: "crash" });
    assert.equal(await (await fetch(again.url("/"))).text(), "pod crash: GET /\n");
    await again.destroy();
    assert.equal(bed.pods.has("crash"), false);
  });

  test("pod.kill ends the main process and pod.exited reports how", async () => {
    const victim = await bed.pod({ name: "victim" });
    await victim.kill("SIGKILL");
    assert.deepEqual(await victim.exited, { code: null, signal: "SIGKILL" });
    await victim.destroy();
  });

  test("a failing command rejects with its stderr unless allowFailure is set", async () => {
    await assert.rejects(web.exec(["sh", "-c", "echo nope >&2; exit 3"]), (error: Error & { code?: string }) => {
      assert.equal(error.code, TestBedErrorCode.CommandFailed);
      assert.match(error.message, /exited with status 3:\nnope/);
      return true;
    });
    const result = await web.exec(["sh", "-c", "exit 3"], { allowFailure: true });
    assert.equal(result.exitCode, 3);
  });

  test("bad requests are refused with a reason", async () => {
    await assert.rejects(bed.pod({ name: "Not_A_Label" }), { code: TestBedErrorCode.BadRequest });
    await assert.rejects(bed.pod({ name: "web" }), { code: TestBedErrorCode.BadRequest });
    await assert.rejects(bed.pod({ name: "relative", files: { "etc/x": "" } }), { code: TestBedErrorCode.BadRequest });
  });
});

describe("destroying a bed", () => {
  test("removes every namespace, link, mount, cgroup, file and process, and can be repeated", async (t) => {
    const bed = await createTestBed();
    const started = performance.now();
    const a = await bed.pod({ name: "a" });
    t.diagnostic(`pod created in ${(performance.now() - started).toFixed(0)} ms`);
    const b = await bed.pod({ name: "b", files: { "/srv/data": "x" } });
    const stray = a.spawn(["sleep", "1000"], { stdio: "ignore" });
    const strayExit = new Promise((resolve) => stray.once("exit", resolve));
    assert.notDeepEqual(await findLeftovers(bed.name), []);
    await bed.destroy();
    await bed.destroy();
    await Promise.all([a.exited, b.exited, bed.dns.process.exited, bed.backend.process.exited, strayExit]);
    assert.deepEqual(await findLeftovers(bed.name), []);
    for (const pid of [a.pid, b.pid, bed.dns.process.pid, bed.backend.process.pid]) {
      assert.equal(await isRunning(pid), false, `process ${pid} still runs`);
    }
    await assert.rejects(bed.pod({ name: "late" }), { code: TestBedErrorCode.Destroyed });
  });

  test("two beds side by side get their own subnet and names", async () => {
    const [one, two] = await Promise.all([createTestBed(), createTestBed()]);
    assert.notEqual(one.name, two.name);
    assert.notEqual(one.layout.subnet, two.layout.subnet);
    const [p1, p2] = await Promise.all([one.pod({ name: "same" }), two.pod({ name: "same" })]);
    assert.equal(await (await fetch(p1.url("/"))).text(), "pod same: GET /\n");
    assert.equal(await (await fetch(p2.url("/"))).text(), "pod same: GET /\n");
    await Promise.all([one.destroy(), two.destroy()]);
    assert.deepEqual([...(await findLeftovers(one.name)), ...(await findLeftovers(two.name))], []);
  });

  for (const mode of ["exit", "throw", "wait"] as const) {
    test(`a test process that dies (${mode}) leaves nothing behind`, async () => {
      const { bed, pids } = await runAbandonedBed(mode, "SIGTERM");
      assert.deepEqual(await findLeftovers(bed), []);
      for (const pid of pids) assert.equal(await isRunning(pid), false, `process ${pid} still runs`);
    });
  }
});

/**
 * Runs test/fixtures/abandoned-testbed.ts, which builds a bed and then dies as `mode` says; in "wait" mode it is
 * sent `signal` once its bed is up. Resolves with the bed's name and pids after the process has ended.
 */
async function runAbandonedBed(
  mode: "exit" | "throw" | "wait",
  signal: NodeJS.Signals,
): Promise<{ bed: string; pids: number[] }> {
  const script = fileURLToPath(new URL("../fixtures/abandoned-testbed.ts", import.meta.url));
  // Without NODE_TEST_CONTEXT the fixture is a plain script, not a node:test file.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", script, mode], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    if (mode === "wait" && stdout.includes("\n")) child.kill(signal);
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  await new Promise((resolve) => child.once("close", resolve));
  assert.match(stdout, /^\{"bed":"dpl\d+"/, `the fixture did not build its bed:\n${stderr}`);
  return JSON.parse(stdout) as { bed: string; pids: number[] };
}

describe("scripts/sweep-testbed", () => {
  test("removes leftovers by prefix: nft tables and iptables chains on the host and in namespaces", async () => {
    // Short enough that `${prefix}-a` fits the 15-character limit of interface names.
    const prefix = `dplsw${process.pid}`;
    const netns = `${prefix}-ns`;
    await runCommand(["ip", "netns", "add", netns]);
    const inNetns = ["ip", "netns", "exec", netns];
    await runCommand([...inNetns, "nft", "add", "table", "inet", `${prefix}_t`]);
    await runCommand([...inNetns, "iptables", "-N", `${prefix}-chain`]);
    await runCommand([...inNetns, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "9", "-j", `${prefix}-chain`]);
    await runCommand(["nft", "add", "table", "ip", `${prefix}_host`]);
    await runCommand(["ip", "link", "add", `${prefix}-a`, "type", "veth", "peer", "name", `${prefix}-b`]);

    const sweep = await runCommand(["bash", sweepScript, "--prefix", prefix]);
    assert.match(sweep.stdout, new RegExp(`deleted nft table inet ${prefix}_t \\(netns ${netns}\\)`));
    assert.match(sweep.stdout, new RegExp(`deleted iptables chain filter/${prefix}-chain \\(netns ${netns}\\)`));
    assert.match(sweep.stdout, new RegExp(`deleted nft table ip ${prefix}_host \\(host\\)`));
    assert.equal((await runCommand(["ip", "netns", "list"])).stdout.includes(prefix), false);
    assert.match(sweep.stdout, new RegExp(`deleted link ${prefix}-[ab]`));
    assert.equal((await runCommand(["ip", "link", "show"])).stdout.includes(prefix), false);
    assert.equal((await runCommand(["nft", "list", "tables"])).stdout.includes(prefix), false);

    const again = await runCommand(["bash", sweepScript, "--prefix", prefix]);
    assert.equal(again.stdout, "", "a second sweep finds nothing");
  });

  test("--stale removes the beds of dead test processes (kill -9) and keeps live ones", async () => {
    const live = await createTestBed();
    const { bed: orphan } = await runAbandonedBed("wait", "SIGKILL");
    assert.notDeepEqual(await findLeftovers(orphan), [], "SIGKILL leaves the bed behind");
    await runCommand(["bash", sweepScript, "--stale", "--quiet"]);
    assert.deepEqual(await findLeftovers(orphan), []);
    assert.equal((await live.dns.lookup(live.backend.dnsName))[0], live.backend.ip, "the live bed still works");
    await live.destroy();
  });

  test("refuses arguments it does not understand", async () => {
    const result = await runCommand(["bash", sweepScript, "--prefix", "notours"], { allowFailure: true });
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /must start with dpl or doppel/);
  });
});
