import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConcurrentSteal, decideSteal, type ExistingSteal } from "./concurrent-steal.ts";
import { tableScript } from "./nft-table.ts";

const filteredA: ExistingSteal = {
  holder: "table doppel_a (agent pid 1)",
  filtered: true,
  precedence: 0,
  listenerPort: 4001,
};
const filteredB: ExistingSteal = {
  holder: "table doppel_b (agent pid 2)",
  filtered: true,
  precedence: 1,
  listenerPort: 4002,
};
const whole: ExistingSteal = {
  holder: "table doppel_w (agent pid 3)",
  filtered: false,
  precedence: 0,
  listenerPort: 4003,
};

describe("sharing a stolen port", () => {
  test("the first steal takes the default place", () => {
    assert.deepEqual(decideSteal(80, false, ConcurrentSteal.abort, []), {
      kind: "steal",
      precedence: 0,
      passOnTo: undefined,
    });
  });
  test("filtered steals chain: the newest goes first and passes the rest to the one before it", () => {
    assert.deepEqual(decideSteal(80, true, ConcurrentSteal.abort, [filteredA, filteredB]), {
      kind: "steal",
      precedence: 2,
      passOnTo: filteredB,
    });
  });
  for (const [name, filtered, existing] of [
    ["a whole-port steal after a filtered one", false, [filteredA]],
    ["a filtered steal after a whole-port one", true, [whole]],
    ["two whole-port steals", false, [whole]],
  ] as const) {
    test(`${name}: abort refuses and names the other session`, () => {
      const decision = decideSteal(8080, filtered, ConcurrentSteal.abort, existing);
      assert.equal(decision.kind, "refuse");
      assert.match(
        decision.kind === "refuse" ? decision.reason : "",
        /port 8080 is already stolen by table doppel_[aw] \(agent pid \d\)/,
      );
      assert.match(decision.kind === "refuse" ? decision.reason : "", /on_concurrent_steal/);
    });
    test(`${name}: continue goes on without the port`, () => {
      assert.equal(decideSteal(8080, filtered, ConcurrentSteal.continue, existing).kind, "skip");
    });
    test(`${name}: override goes first and passes nothing on`, () => {
      assert.deepEqual(decideSteal(8080, filtered, ConcurrentSteal.override, existing), {
        kind: "steal",
        precedence: 1,
        passOnTo: undefined,
      });
    });
  }
});

describe("the steal table", () => {
  const owner = { pid: 7, startTime: "99" };
  test("a redirect ahead of others gets its own chains at a lower priority number", () => {
    const script = tableScript("doppel_x", owner, [
      { port: 80, toPort: 5000 },
      { port: 8080, toPort: 5001, precedence: 2, filtered: true },
    ]);
    assert.match(
      script,
      /chain prerouting \{\n\s+type nat hook prerouting priority -100;[^\n]*\n\s+[^\n]*tcp dport 80 redirect to :5000/,
    );
    assert.match(
      script,
      /chain prerouting_2 \{\n\s+type nat hook prerouting priority -102;[^\n]*\n\s+[^\n]*tcp dport 8080 redirect to :5001/,
    );
    assert.match(script, /chain output_2 \{\n\s+type nat hook output priority -102;/);
    assert.match(script, /set filtered_ports \{\n\s+type inet_service\n\s+elements = \{ 8080 \}/);
  });
  test("without filtered ports there is no set", () => {
    assert.doesNotMatch(tableScript("doppel_x", owner, [{ port: 80, toPort: 5000 }]), /filtered_ports/);
  });
});
