import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fillDefaults } from "../config/normalize.ts";
import type { ResolvedConfig } from "../config/types.gen.ts";
import { compileHttpFilter } from "../protocol/http-filter.ts";
import { httpFilterFor, unfilteredStealWarning } from "./incoming-filter.ts";

function incoming(raw: Record<string, unknown>) {
  return (fillDefaults({ feature: { network: { incoming: raw } } }) as ResolvedConfig).feature.network.incoming;
}

describe("the http_filter a subscription carries", () => {
  test("a configured rule applies on the default HTTP ports 80 and 8080 only", () => {
    const config = incoming({ mode: "steal", http_filter: { header_filter: "^x-user: alice$" } });
    for (const port of [80, 8080]) {
      assert.deepEqual(JSON.parse(httpFilterFor(config, port)), {
        rule: { header: "^x-user: alice$" },
        pass_probes: false,
      });
    }
    assert.equal(httpFilterFor(config, 5432), "");
  });
  test("http_filter.ports replaces the defaults", () => {
    const config = incoming({ mode: "steal", http_filter: { path_filter: "^/api", ports: [3000] } });
    assert.equal(httpFilterFor(config, 8080), "");
    assert.deepEqual(JSON.parse(httpFilterFor(config, 3000)).rule, { path: "^/api" });
  });
  test("all_of and any_of become nested rules", () => {
    const config = incoming({
      mode: "steal",
      http_filter: { any_of: [{ header: "^x-a: 1$" }, { path: "^/b" }] },
    });
    const compiled = compileHttpFilter(httpFilterFor(config, 80));
    assert.deepEqual(compiled.wire.rule, { any_of: [{ header: "^x-a: 1$" }, { path: "^/b" }] });
    assert.equal(compiled.matches({ url: "/b/c", headers: [] }), true);
  });
  test("an unfiltered steal of an HTTP port lets probes through unless pass_probes is off", () => {
    assert.deepEqual(JSON.parse(httpFilterFor(incoming({ mode: "steal" }), 8080)), { rule: null, pass_probes: true });
    assert.equal(httpFilterFor(incoming({ mode: "steal", pass_probes: false }), 8080), "");
  });
  test("an unfiltered mirror copies the whole port", () => {
    assert.equal(httpFilterFor(incoming({ mode: "mirror" }), 8080), "");
  });
});

describe("the unfiltered-steal warning", () => {
  test("a steal without a filter warns and names the probe ports", () => {
    assert.match(
      unfilteredStealWarning(incoming({ mode: "steal" })) ?? "",
      /takes all traffic .* probes on ports 80, 8080 still reach it.*http_filter/,
    );
  });
  test("a filtered steal and a mirror do not warn", () => {
    assert.equal(unfilteredStealWarning(incoming({ mode: "steal", http_filter: { path_filter: "^/me" } })), undefined);
    assert.equal(unfilteredStealWarning(incoming({ mode: "mirror" })), undefined);
  });
});
