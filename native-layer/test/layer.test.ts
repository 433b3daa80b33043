// The native layer under test: every snippet (one per hooked call family) and real applications must behave
// exactly as without the layer when no session is configured; with a session whose proxy is gone, local work must
// still be identical while pod calls fail with a proper errno; and, as root with the agent built, a local `pid/<N>`
// "pod" (own mount and network namespace) must serve files, DNS and outgoing connections through `doppel exec`.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const layerDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = join(layerDir, "..");
const build = join(layerDir, "build");
const library = join(build, "libdoppel_layer.so");
const appsDir = join(layerDir, "test", "apps");
const snippetNames = readdirSync(join(layerDir, "test", "snippets"))
  .filter((name) => name.endsWith(".c"))
  .map((name) => name.slice(0, -2))
  .sort();
/** Snippets whose calls touch only local paths, so a session without a proxy must not change them. Loopback
 * sockets are not among them: without ignore_localhost, 127.0.0.1 means the pod's loopback. */
const localOnlySnippets = snippetNames.filter((name) => !name.startsWith("net_"));
const runModes = ["plain", "threads", "fork", "ctor"] as const;
const absentProxy = join(tmpdir(), "dpl-layer-test-no-proxy.sock");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = layerDir): Run {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const withLayer = { LD_PRELOAD: library };
const withSessionButNoProxy = { LD_PRELOAD: library, DOPPEL_PROXY_SOCKET: absentProxy };

function snippetCommand(name: string, mode: (typeof runModes)[number]): [string, string[]] {
  return mode === "ctor" ? [join(build, "snippets", `${name}-ctor`), []] : [join(build, "snippets", name), [mode]];
}

/** Runs the same command without and with the layer and checks stdout and exit status are identical. */
function assertSameWithLayer(command: string, args: readonly string[], layerEnv: NodeJS.ProcessEnv): void {
  const plain = run(command, args);
  assert.equal(plain.status, 0, `${command} ${args.join(" ")} failed without the layer: ${plain.stderr}`);
  const layered = run(command, args, layerEnv);
  assert.equal(layered.stdout, plain.stdout, `stdout differs under the layer; stderr: ${layered.stderr}`);
  assert.equal(layered.status, plain.status);
}

before(() => {
  // make rebuilds only what is stale; -j2 because the machine is shared.
  const made = run("make", ["-C", layerDir, "-j2", "all", "snippets"]);
  assert.equal(made.status, 0, `make failed:\n${made.stdout}${made.stderr}`);
});

describe("snippets without a session (pure pass-through)", () => {
  for (const name of snippetNames) {
    for (const mode of runModes) {
      test(`${name} (${mode}) behaves as without the layer`, () => {
        const [command, args] = snippetCommand(name, mode);
        assertSameWithLayer(command, args, withLayer);
      });
    }
  }
});

describe("snippets in a session whose proxy is unreachable (local paths only)", () => {
  for (const name of localOnlySnippets) {
    for (const mode of runModes) {
      test(`${name} (${mode}) behaves as without the layer`, () => {
        const [command, args] = snippetCommand(name, mode);
        assertSameWithLayer(command, args, withSessionButNoProxy);
      });
    }
  }
});

describe("real applications without a session behave as without the layer", () => {
  const dataFile = join(appsDir, "Hello.java");
  test("node: http server and client, fs.readFile, fs.stat, fs.readdir, dns.lookup, child_process", () => {
    assertSameWithLayer(process.execPath, [join(appsDir, "node-app.cjs")], withLayer);
  });
  test("python3: http.server, urllib, open(), os.stat, os.listdir, subprocess", () => {
    assertSameWithLayer("python3", [join(appsDir, "python-app.py")], withLayer);
  });
  test("curl against a local server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dpl-layer-curl-"));
    writeFileSync(join(dir, "index.txt"), "served\n");
    const server = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const port = await waitForPort(server);
      assertSameWithLayer("curl", ["-sS", "-m", "10", `http://127.0.0.1:${port}/index.txt`], withLayer);
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test("java -version", () => {
    const plain = run("java", ["-version"]);
    const layered = run("java", ["-version"], withLayer);
    assert.equal(layered.stderr, plain.stderr);
    assert.equal(layered.status, plain.status);
  });
  test("java: HttpServer, HttpClient, Files.readString", () => {
    assertSameWithLayer("java", [join(appsDir, "Hello.java"), dataFile], withLayer);
  });
});

/** `python3 -u -m http.server` prints "Serving HTTP on 127.0.0.1 port N" once it listens. */
function waitForPort(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`http.server did not report its port within 15 s: ${seen}`)),
      15_000,
    );
    server.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(/port (\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.once("exit", (code) => reject(new Error(`http.server exited (${code}) before listening: ${seen}`)));
  });
}

describe("a session whose proxy is gone: pod calls fail with errno, the process keeps running", () => {
  test("a pod path fails with EIO, then the process carries on with local work", () => {
    const result = run(
      "sh",
      ["-c", "cat /srv/dpl-layer-test/file; echo after=$?; cat /etc/passwd >/dev/null && echo local-ok"],
      withSessionButNoProxy,
    );
    assert.match(result.stderr, /Input\/output error/);
    assert.match(result.stdout, /after=1\nlocal-ok/);
    assert.match(result.stderr, /session proxy at .*dpl-layer-test-no-proxy\.sock: cannot connect/);
  });
  test("local cluster and cloud credentials are hidden (ENOENT) even though they exist locally", () => {
    const home = mkdtempSync(join(tmpdir(), "dpl-layer-home-"));
    try {
      writeFileSync(join(home, "kubeconfig"), "local");
      spawnSync("mkdir", ["-p", join(home, ".kube")]);
      writeFileSync(join(home, ".kube", "config"), "local credentials");
      const result = run("cat", [join(home, ".kube", "config")], { ...withSessionButNoProxy, HOME: home });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /No such file or directory/);
      assert.equal(run("cat", [join(home, "kubeconfig")], { ...withSessionButNoProxy, HOME: home }).stdout, "local");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
  test("an outgoing connection to the pod fails with ECONNREFUSED at once", () => {
    const result = run("curl", ["-sS", "-m", "5", "http://10.255.255.1:80/"], withSessionButNoProxy);
    assert.equal(result.status, 7, result.stderr);
  });
  test("a pod DNS lookup fails with EAI_AGAIN", () => {
    const script = 'require("dns").lookup("dpl-layer-test.internal", (e) => console.log(e && e.code))';
    assert.equal(run(process.execPath, ["-e", script], withSessionButNoProxy).stdout.trim(), "EAI_AGAIN");
  });
  test("children started with a custom environment keep LD_PRELOAD, DOPPEL_* and UV_USE_IO_URING=0", () => {
    const script = 'import subprocess; print(subprocess.check_output(["/usr/bin/env"], env={"ONLY": "1"}).decode())';
    const lines = run("python3", ["-c", script], withSessionButNoProxy).stdout.trim().split("\n").sort();
    assert.deepEqual(lines, [
      `DOPPEL_PROXY_SOCKET=${absentProxy}`,
      `LD_PRELOAD=${library}`,
      "ONLY=1",
      "UV_USE_IO_URING=0",
    ]);
  });
  test("without a session nothing is injected (pass-through)", () => {
    const script = 'import subprocess; print(subprocess.check_output(["/usr/bin/env"], env={"ONLY": "1"}).decode())';
    assert.equal(run("python3", ["-c", script], withLayer).stdout.trim(), "ONLY=1");
  });
});

describe("dpl-explain-fs shares the layer's classifier", () => {
  const explain = join(build, "dpl-explain-fs");
  const cases: [string[], string][] = [
    [["/etc/resolv.conf"], "/etc/resolv.conf → remote because built-in: the pod's name resolution file"],
    [["/usr/../etc/passwd"], "/usr/../etc/passwd → local because built-in: local system configuration"],
    [
      ["--home", "/home/dev", "/home/dev/.aws/credentials"],
      "→ not_found because built-in: local cloud credentials are hidden",
    ],
    [["/srv/app/config.yaml"], "/srv/app/config.yaml → remote because fs mode read (fallback)"],
    [["--write", "/srv/app/out.log"], "→ local because fs mode read (fallback: writes stay local)"],
    [["--mode", "write", "--write", "/srv/app/out.log"], "→ remote because fs mode write (fallback)"],
    [["--read-only", "^/data/\\d+$", "/data/42"], "/data/42 → remote because fs.read_only matches: ^/data/\\d+$"],
    [["--not-found", "(?:secret|token)s?", "/var/run/secrets/x"], "→ not_found because fs.not_found matches"],
    [["--local", "\\.ya?ml$", "/etc/hosts.yaml"], "→ local because fs.local matches"],
    [["rel/path"], "rel/path → local because a relative path (resolved locally)"],
    [["//etc/./hosts"], "//etc/./hosts → remote because built-in: the pod's name resolution file"],
    [["/tmp/../srv/x"], "/tmp/../srv/x → remote because fs mode read (fallback)"],
    [["/srv/lib/libx.so.1"], "→ local because built-in: shared library"],
    [["--mode", "local", "/etc/hosts"], "/etc/hosts → local because fs mode is local"],
  ];
  for (const [args, expected] of cases) {
    test(`${args.join(" ")}`, () => {
      const result = run(explain, ["--cwd", "/work/app", ...args]);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(result.stdout.includes(expected), `${result.stdout} should contain ${expected}`);
    });
  }
  test("lookaround is refused with a message naming the construct", () => {
    const result = run(explain, ["--read-only", "^/data/(?!tmp)", "/data/x"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /lookaround .* is not supported/);
  });
});

/** A local "pod": a process in its own mount and network namespaces with a file, a host name and an HTTP
 * server that exist only there. */
const canRunSessions =
  process.getuid?.() === 0 &&
  existsSync(join(repoDir, "agent", "dist", "agent.js")) &&
  existsSync(join(repoDir, "shared", "dist", "cli.js"));

describe("under `doppel exec` against a local namespaced pod", {
  skip: !canRunSessions && "needs root and `npm run build` (agent and CLI bundles)",
}, () => {
  let pod: ChildProcess;
  let podDir: string;
  before(async () => {
    podDir = mkdtempSync(join(tmpdir(), "dpl-layer-pod-"));
    writeFileSync(join(podDir, "hosts"), "127.0.0.1 localhost\n10.99.0.7 dpl-pod-only.internal\n");
    writeFileSync(
      join(podDir, "udp-echo.py"),
      [
        "import socket",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        's.bind(("127.0.0.1", 5353))',
        "while True:",
        "    data, peer = s.recvfrom(2048)",
        '    s.sendto(b"pod-echo:" + data, peer)',
      ].join("\n"),
    );
    const setup = [
      "ip link set lo up",
      `mount --bind ${podDir}/hosts /etc/hosts`,
      "mount -t tmpfs dpl-layer-pod /srv",
      "mkdir /srv/data /srv/scratch && echo only-in-the-pod > /srv/data/file.txt",
      `(python3 ${podDir}/udp-echo.py &)`,
      "exec python3 -u -m http.server 8099 --bind 127.0.0.1 --directory /srv/data",
    ].join(" && ");
    pod = spawn("unshare", ["--net", "--mount", "--propagation", "private", "sh", "-c", setup], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await waitForPort(pod);
  });
  after(() => {
    // The UDP echo server is the http server's sibling in the pod's namespaces; killing every process that
    // runs its script ends it too.
    spawnSync("pkill", ["-f", join(podDir, "udp-echo.py")]);
    pod.kill("SIGKILL");
    rmSync(podDir, { recursive: true, force: true });
  });

  function doppelArgs(flags: readonly string[], command: readonly string[]): string[] {
    return [join(repoDir, "shared", "bin", "doppel.js"), "exec", ...flags, "-t", `pid/${pod.pid}`, "--", ...command];
  }

  function doppelExec(command: string[], configFile?: string, flags: readonly string[] = []): Run {
    const config = configFile ? ["-f", configFile] : [];
    return run(process.execPath, doppelArgs([...config, ...flags], command), {}, repoDir);
  }

  test("cat, node, python3 and java read a file that exists only in the pod", () => {
    assert.equal(doppelExec(["cat", "/srv/data/file.txt"]).stdout, "only-in-the-pod\n");
    // The apps also talk to their own loopback server, which must stay local for that.
    const localLoopback = join(podDir, "local-loopback.json");
    writeFileSync(localLoopback, JSON.stringify({ feature: { network: { outgoing: { ignore_localhost: true } } } }));
    const node = doppelExec(
      [process.execPath, join(appsDir, "node-app.cjs"), "/srv/data/file.txt"],
      localLoopback,
    ).stdout;
    assert.match(node, /readFile bytes=16\nstat isFile=true size=16[\s\S]*http 200 hello \/node\nasync readFile 16/);
    assert.match(
      doppelExec(["python3", join(appsDir, "python-app.py"), "/srv/data/file.txt"], localLoopback).stdout,
      /open bytes=16\nstat size=16[\s\S]*http 200 hello \/python/,
    );
    assert.match(
      doppelExec(["java", join(appsDir, "Hello.java"), "/srv/data/file.txt"], localLoopback).stdout,
      /readString chars=16\nhttp 200 hello \/java/,
    );
  });
  test("a directory listing comes from the pod (readdir, scandir, ls -l)", () => {
    assert.equal(doppelExec(["ls", "/srv/data"]).stdout, "file.txt\n");
    const script = 'console.log(require("fs").readdirSync("/srv/data").join(","))';
    assert.equal(doppelExec([process.execPath, "-e", script]).stdout, "file.txt\n");
    assert.match(doppelExec(["ls", "-l", "/srv/data"]).stdout, /^-.* 16 .* file\.txt$/m);
  });
  test("a host name only the pod knows resolves, and a server reachable only from the pod answers", () => {
    const script = 'require("dns").lookup("dpl-pod-only.internal", (e, a) => console.log(e ? e.code : a))';
    assert.equal(doppelExec([process.execPath, "-e", script]).stdout, "10.99.0.7\n");
    assert.equal(doppelExec(["curl", "-sS", "-m", "10", "http://127.0.0.1:8099/file.txt"]).stdout, "only-in-the-pod\n");
  });
  test("children (sh -c, python subprocess, node child_process) keep the session", () => {
    assert.equal(doppelExec(["sh", "-c", "cat /srv/data/file.txt"]).stdout, "only-in-the-pod\n");
    const py =
      'import subprocess; print(subprocess.check_output(["cat", "/srv/data/file.txt"], env={}).decode().strip())';
    assert.equal(doppelExec(["python3", "-c", py]).stdout, "only-in-the-pod\n");
    const js = 'console.log(require("child_process").execFileSync("cat", ["/srv/data/file.txt"]).toString().trim())';
    assert.equal(doppelExec([process.execPath, "-e", js]).stdout, "only-in-the-pod\n");
  });

  for (const name of ["fs_open_read", "fs_dir", "fs_copy"]) {
    for (const mode of runModes) {
      test(`snippet ${name} (${mode}) gives the same results on pod files (fs mode write) as on local ones`, () => {
        const [command, args] = snippetCommand(name, mode);
        const local = run(command, args);
        const inPod = doppelExec(["env", "DPL_SNIPPET_ROOT=/srv/scratch", command, ...args], undefined, [
          "--fs-mode",
          "write",
        ]);
        assert.equal(inPod.stdout, local.stdout, inPod.stderr);
        assert.equal(inPod.status, 0);
      });
    }
  }

  test("UDP datagrams to an address only the pod reaches come back through the stand-in", () => {
    const script = [
      "import os, socket",
      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
      's.sendto(b"hi", ("127.0.0.1", 5353))',
      "data, peer = s.recvfrom(2048)",
      "print(data.decode(), peer)",
      "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
      'c.connect(("127.0.0.1", 5353))',
      'c.send(b"connected")',
      "print(c.recv(2048).decode(), c.getpeername())",
      'os.write(c.fileno(), b"write")',
      "print(os.read(c.fileno(), 2048).decode())",
    ].join("\n");
    assert.equal(
      doppelExec(["timeout", "20", "python3", "-c", script]).stdout,
      "pod-echo:hi ('127.0.0.1', 5353)\npod-echo:connected ('127.0.0.1', 5353)\npod-echo:write\n",
    );
  });

  test("with --steal, a request made inside the pod to port 8099 is answered by the local app", async () => {
    const server = 'require("http").createServer((q, s) => s.end("answered locally")).listen(8099)';
    const app = spawn(process.execPath, doppelArgs(["--steal"], [process.execPath, "-e", server]), {
      cwd: repoDir,
      stdio: "ignore",
    });
    try {
      const deadline = Date.now() + 30_000;
      let body = "";
      while (Date.now() < deadline && body !== "answered locally") {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const curl = run("nsenter", ["-t", String(pod.pid), "-n", "curl", "-sS", "-m", "3", "http://127.0.0.1:8099/"]);
        body = curl.stdout;
      }
      assert.equal(body, "answered locally");
    } finally {
      app.kill("SIGINT");
      await new Promise((resolve) => app.once("exit", resolve));
    }
  });

  test("a process named in skip_processes is left alone; its siblings still see the pod", () => {
    const config = join(podDir, "skip-cat.json");
    writeFileSync(config, JSON.stringify({ skip_processes: ["cat"] }));
    const result = doppelExec(["sh", "-c", "cat /srv/data/file.txt; head -c 16 /srv/data/file.txt"], config);
    assert.match(result.stderr, /cat: \/srv\/data\/file\.txt: No such file or directory/);
    assert.equal(result.stdout, "only-in-the-pod\n");
  });

  test("when the session proxy is killed, pod reads fail with EIO and the app keeps running", async () => {
    const status = join(podDir, "status.txt");
    const script = [
      "import os, time",
      `out = open(${JSON.stringify(status)}, "w", buffering=1)`,
      'out.write("pid %d\\n" % os.getpid())',
      "while True:",
      "    try:",
      '        out.write("read %s\\n" % open("/srv/data/file.txt").read().strip())',
      "    except OSError as e:",
      '        out.write("errno %d\\n" % e.errno)',
      "    time.sleep(0.2)",
    ].join("\n");
    const session = spawn(process.execPath, doppelArgs([], ["python3", "-c", script]), {
      cwd: repoDir,
      stdio: "ignore",
    });
    const lines = async (match: RegExp) => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const text = existsSync(status) ? readFileSync(status, "utf8") : "";
        if (match.test(text)) return text;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`status file never matched ${match}`);
    };
    let appPid = 0;
    try {
      const before = await lines(/read only-in-the-pod/);
      appPid = Number(before.match(/pid (\d+)/)?.[1]);
      session.kill("SIGKILL"); // the CLI process holds the session proxy
      await lines(/errno 5\n/);
      assert.doesNotThrow(() => process.kill(appPid, 0), "the app died with its proxy");
    } finally {
      session.kill("SIGKILL");
      if (appPid) process.kill(appPid, "SIGKILL");
    }
  });

  test("the layer's proxy socket survives the app closing and dup2-ing over every fd it can see", () => {
    const script = [
      "import os",
      'read = lambda: open("/srv/data/file.txt").read().strip()',
      'fds = [int(name) for name in os.listdir("/proc/self/fd") if int(name) > 2]',
      "for fd in fds:",
      "    try:",
      "        os.dup2(0, fd)",
      "    except OSError:",
      "        pass",
      'print("after dup2", read())',
      "for fd in fds:",
      "    try:",
      "        os.close(fd)",
      "    except OSError:",
      "        pass",
      'print("after close", read())',
      "os.closerange(3, 1 << 20)",
      'print("after closerange", read())',
    ].join("\n");
    const result = doppelExec(["python3", "-c", script]);
    assert.equal(
      result.stdout,
      "after dup2 only-in-the-pod\nafter close only-in-the-pod\nafter closerange only-in-the-pod\n",
      result.stderr,
    );
  });
});
