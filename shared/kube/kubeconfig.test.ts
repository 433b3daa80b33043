// Which kubeconfig files and context are used, with real files: the precedence of --kubeconfig, the
// `kubeconfig` key, KUBECONFIG and ~/.kube/config, kubectl's merge rules for a KUBECONFIG list, and the errors
// for missing files, broken files and unknown contexts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DoppelError, ErrorCode } from "../errors.ts";
import { createKubeClient } from "./client.ts";
import { chooseContext, kubeconfigSource, readKubeconfig } from "./kubeconfig.ts";

const dir = mkdtempSync(join(tmpdir(), "doppel-kubeconfig-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, options: { server: string; context: string; namespace?: string; current?: string }) {
  const path = join(dir, name);
  const namespace = options.namespace === undefined ? "" : `, namespace: ${options.namespace}`;
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: c, cluster: {server: "${options.server}"}}]`,
      `users: [{name: u-${options.context}, user: {token: t}}]`,
      `contexts: [{name: ${options.context}, context: {cluster: c, user: u-${options.context}${namespace}}}]`,
      `current-context: "${options.current ?? ""}"`,
      "",
    ].join("\n"),
  );
  return path;
}

const first = kubeconfig("first", { server: "https://first:6443", context: "one", current: "one", namespace: "shop" });
const second = kubeconfig("second", { server: "https://second:6443", context: "two", current: "two" });
const missing = join(dir, "missing");

function rejects(call: () => unknown, code: ErrorCode, pattern: RegExp) {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof DoppelError, `expected a DoppelError, got ${error}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("kubeconfig files", () => {
  test("--kubeconfig wins over the kubeconfig key, which wins over KUBECONFIG", () => {
    const env = { KUBECONFIG: second };
    assert.deepEqual(kubeconfigSource({ flag: first, configKey: second, env, cwd: dir }).paths, [first]);
    assert.deepEqual(kubeconfigSource({ flag: null, configKey: "first", env, cwd: dir }).paths, [first]);
    assert.deepEqual(kubeconfigSource({ flag: null, configKey: null, env, cwd: dir }).paths, [second]);
  });

  test("without any, ~/.kube/config", () => {
    const home = join(dir, "home");
    mkdirSync(join(home, ".kube"), { recursive: true });
    const path = kubeconfig("home/.kube/config", { server: "https://home:6443", context: "h", current: "h" });
    assert.deepEqual(kubeconfigSource({ flag: null, configKey: null, env: { HOME: home }, cwd: dir }).paths, [path]);
  });

  test("KUBECONFIG is a list: missing files are skipped, the first file defining a name wins", () => {
    const source = kubeconfigSource({
      flag: null,
      configKey: null,
      env: { KUBECONFIG: `${missing}:${first}:${second}` },
      cwd: dir,
    });
    assert.deepEqual(source.paths, [first, second]);
    const config = readKubeconfig(source);
    assert.equal(config.getCurrentContext(), "one");
    assert.deepEqual(
      config.getContexts().map((c) => c.name),
      ["one", "two"],
    );
    // Both files name their cluster "c": the first file's is kept.
    assert.equal(config.getCluster("c")?.server, "https://first:6443");
  });

  test("a missing file named explicitly, or a KUBECONFIG of only missing files, is KUBECONFIG_NOT_FOUND with the path", () => {
    rejects(
      () => kubeconfigSource({ flag: missing, configKey: null, env: {}, cwd: dir }),
      ErrorCode.KubeconfigNotFound,
      /missing.*--kubeconfig/,
    );
    rejects(
      () => kubeconfigSource({ flag: null, configKey: null, env: { KUBECONFIG: missing }, cwd: dir }),
      ErrorCode.KubeconfigNotFound,
      /missing.*KUBECONFIG/,
    );
  });

  test("a broken file is KUBECONFIG_INVALID naming the file", () => {
    const broken = join(dir, "broken");
    writeFileSync(broken, "clusters: [unclosed\n");
    rejects(() => readKubeconfig({ paths: [broken], origin: "--kubeconfig" }), ErrorCode.KubeconfigInvalid, /broken/);
    const empty = join(dir, "empty");
    writeFileSync(empty, "\n");
    rejects(() => readKubeconfig({ paths: [empty], origin: "--kubeconfig" }), ErrorCode.KubeconfigInvalid, /empty/);
  });
});

describe("context and namespace", () => {
  const source = { paths: [first, second], origin: "KUBECONFIG" };

  test("--context picks another context of the merged files", () => {
    const config = readKubeconfig(source);
    const chosen = chooseContext(config, "two", source);
    assert.equal(chosen.cluster.server, "https://first:6443");
    assert.equal(config.getCurrentContext(), "two");
  });

  test("an unknown context lists the known ones and the closest", () => {
    rejects(
      () => chooseContext(readKubeconfig(source), "tow", source),
      ErrorCode.KubeContextNotFound,
      /"tow".*did you mean "two"/,
    );
  });

  test("no current-context and no --context is KUBECONFIG_INVALID saying to pass --context", () => {
    const bare = kubeconfig("bare", { server: "https://bare:6443", context: "b" });
    const only = { paths: [bare], origin: "--kubeconfig" };
    rejects(() => chooseContext(readKubeconfig(only), null, only), ErrorCode.KubeconfigInvalid, /--context/);
  });

  test("the namespace: -n, else the context's, else default", () => {
    const base = { kubeconfigFlag: first, kubeconfigKey: null, env: {}, cwd: dir };
    assert.equal(createKubeClient({ ...base, context: null, namespace: "other" }).namespace, "other");
    assert.equal(createKubeClient({ ...base, context: null, namespace: null }).namespace, "shop");
    const both = { ...base, kubeconfigFlag: null, env: { KUBECONFIG: `${first}:${second}` } };
    assert.equal(createKubeClient({ ...both, context: "two", namespace: null }).namespace, "default");
  });
});

describe("credentials", () => {
  test("a credential plugin that cannot run is KUBE_CREDENTIALS_FAILED naming the user and context", async () => {
    const path = join(dir, "exec-plugin");
    writeFileSync(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        "users: [{name: sso, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/dpl-auth-plugin}}}]",
        "contexts: [{name: corp, context: {cluster: c, user: sso}}]",
        "current-context: corp",
        "",
      ].join("\n"),
    );
    const kube = createKubeClient({
      kubeconfigFlag: path,
      kubeconfigKey: null,
      context: null,
      namespace: null,
      env: {},
      cwd: dir,
    });
    await assert.rejects(
      kube.request({ verb: "list", resource: "namespaces", namespace: null }, () => kube.core.listNamespace()),
      (error: unknown) => {
        assert.ok(error instanceof DoppelError, `expected a DoppelError, got ${error}`);
        assert.equal(error.code, ErrorCode.KubeCredentialsFailed);
        assert.match(error.message, /credentials of user "sso" \(context "corp"\): .*dpl-auth-plugin/);
        return true;
      },
    );
  });
});
