import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DoppelError, ErrorCode } from "../errors.ts";
import { formatTarget, parseTarget, type Target } from "./index.ts";

describe("valid target paths", () => {
  const cases: [string, Target, string][] = [
    ["targetless", { kind: "targetless" }, "targetless"],
    ["pid/4242", { kind: "pid", pid: 4242 }, "pid/4242"],
    ["pod/api-7d9f", { kind: "pod", name: "api-7d9f", container: null }, "pod/api-7d9f"],
    ["deployment/api", { kind: "deployment", name: "api", container: null }, "deployment/api"],
    ["deploy/api", { kind: "deployment", name: "api", container: null }, "deployment/api"],
    ["rollout/web", { kind: "rollout", name: "web", container: null }, "rollout/web"],
    ["statefulset/db", { kind: "statefulset", name: "db", container: null }, "statefulset/db"],
    ["sts/db", { kind: "statefulset", name: "db", container: null }, "statefulset/db"],
    ["job/migrate", { kind: "job", name: "migrate", container: null }, "job/migrate"],
    ["cronjob/nightly", { kind: "cronjob", name: "nightly", container: null }, "cronjob/nightly"],
    ["replicaset/api-1", { kind: "replicaset", name: "api-1", container: null }, "replicaset/api-1"],
    ["rs/api-1", { kind: "replicaset", name: "api-1", container: null }, "replicaset/api-1"],
    ["service/front", { kind: "service", name: "front", container: null }, "service/front"],
    ["svc/front", { kind: "service", name: "front", container: null }, "service/front"],
    ["deploy/api/container/app", { kind: "deployment", name: "api", container: "app" }, "deployment/api/container/app"],
    ["pod/a.b.c", { kind: "pod", name: "a.b.c", container: null }, "pod/a.b.c"],
  ];
  for (const [input, target, canonical] of cases) {
    test(input, () => {
      assert.deepEqual(parseTarget(input), target);
      assert.equal(formatTarget(target), canonical);
      assert.deepEqual(parseTarget(formatTarget(target)), target);
    });
  }
});

describe("a malformed target path shows the grammar and the nearest valid form", () => {
  const cases: [string, string | null][] = [
    ["deploymnt/api", "deployment/api"],
    ["Deployment/api", "deployment/api"],
    ["deplymnt/API_v2", "deployment/api-v2"],
    ["pod/API", "pod/api"],
    ["api", "pod/api"],
    ["targetles", "targetless"],
    ["pod/api/app", "pod/api/container/app"],
    ["pod/api/containr/app", "pod/api/container/app"],
    ["pod/api/container/app/x", "pod/api/container/app"],
    ["pod/api/container/App_1", "pod/api/container/app-1"],
    ["pid/abc", null],
    ["pid/12/x", "pid/12"],
    ["pod/", null],
    ["widget/api", null],
    ["", null],
  ];
  for (const [input, suggestion] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseTarget(input),
        (error: unknown) => {
          assert.ok(error instanceof DoppelError);
          assert.equal(error.code, ErrorCode.TargetInvalid);
          assert.match(error.hint ?? "", /<kind>\/<name>\[\/container\/<container>\]/);
          if (suggestion === null) assert.doesNotMatch(error.message, /did you mean/);
          else {
            assert.ok(error.message.includes(`did you mean "${suggestion}"?`), error.message);
            assert.doesNotThrow(() => parseTarget(suggestion));
          }
          return true;
        },
      );
    });
  }
});
