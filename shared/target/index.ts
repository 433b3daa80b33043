// The target path grammar: `<kind>/<name>[/container/<container>]`, `pid/<N>` (a local process) or `targetless`.
import { closest, distance } from "fastest-levenshtein";
import { doppelError } from "../errors.ts";

/** Every workload kind with the spellings accepted for it (the canonical one first). */
export const WORKLOAD_KINDS = {
  pod: ["pod"],
  deployment: ["deployment", "deploy"],
  rollout: ["rollout"],
  statefulset: ["statefulset", "sts"],
  job: ["job"],
  cronjob: ["cronjob"],
  replicaset: ["replicaset", "rs"],
  service: ["service", "svc"],
} as const satisfies Record<string, readonly string[]>;

export type WorkloadKind = keyof typeof WORKLOAD_KINDS;

export type Target =
  | { kind: "targetless" }
  | { kind: "pid"; pid: number }
  | { kind: WorkloadKind; name: string; container: string | null };

export const TARGET_GRAMMAR =
  "`<kind>/<name>[/container/<container>]` with kind pod, deployment (deploy), rollout, statefulset (sts), job, " +
  "cronjob, replicaset (rs) or service (svc); `pid/<N>` for a local process; or `targetless`";

const KIND_BY_SPELLING = new Map<string, WorkloadKind>(
  Object.entries(WORKLOAD_KINDS).flatMap(([kind, spellings]) => spellings.map((s) => [s, kind as WorkloadKind])),
);
const SPELLINGS = [...KIND_BY_SPELLING.keys()];

// Kubernetes object names (DNS-1123 subdomain) and container names (DNS-1123 label).
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const CONTAINER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PID = /^[1-9][0-9]*$/;

function nearest(word: string, candidates: readonly string[], within: number): string | undefined {
  const best = closest(word, [...candidates]);
  return distance(word, best) <= within ? best : undefined;
}

/** A name made valid: lower case, anything else than [a-z0-9.-] becomes "-", no leading/trailing separators. */
function repairName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

type Diagnosis = { target: Target } | { reason: string; suggestion: string | null };

const fail = (reason: string, suggestion: string | null): Diagnosis => ({ reason, suggestion });

function diagnoseWorkload(kind: WorkloadKind, rest: string[]): Diagnosis {
  const [name = "", containerWord, container, ...extra] = rest;
  if (name === "") return fail("the name is missing", null);
  if (!NAME.test(name) || name.length > 253) {
    const repaired = repairName(name);
    return fail(
      `"${name}" is not a valid Kubernetes name (lower-case letters, digits, "-" and ".")`,
      repaired === "" ? null : `${kind}/${repaired}`,
    );
  }
  if (containerWord === undefined) return { target: { kind, name, container: null } };
  if (container === undefined) {
    return fail("a container is written `/container/<container>`", `${kind}/${name}/container/${containerWord}`);
  }
  if (containerWord !== "container" || extra.length > 0) {
    return fail("only `/container/<container>` may follow the name", `${kind}/${name}/container/${container}`);
  }
  if (!CONTAINER.test(container) || container.length > 63) {
    const repaired = repairName(container).replaceAll(".", "-");
    return fail(
      `"${container}" is not a valid container name (lower-case letters, digits and "-")`,
      repaired === "" ? null : `${kind}/${name}/container/${repaired}`,
    );
  }
  return { target: { kind, name, container } };
}

function diagnose(input: string): Diagnosis {
  if (input === "targetless") return { target: { kind: "targetless" } };
  const parts = input.split("/");
  const [head = "", ...rest] = parts;
  if (head === "pid") {
    const [pid = "", ...extra] = rest;
    if (!PID.test(pid)) return fail("a local process is `pid/<N>` with N a process id", null);
    if (extra.length > 0) return fail("nothing may follow the process id", `pid/${pid}`);
    return { target: { kind: "pid", pid: Number(pid) } };
  }
  const kind = KIND_BY_SPELLING.get(head);
  if (kind !== undefined) return diagnoseWorkload(kind, rest);
  if (parts.length === 1) {
    const repaired = repairName(input);
    const suggestion = nearest(input.toLowerCase(), ["targetless"], 3) ?? (repaired === "" ? null : `pod/${repaired}`);
    return fail("the kind is missing", suggestion);
  }
  const nearKind = nearest(head.toLowerCase(), SPELLINGS, 3);
  if (nearKind === undefined) return fail(`"${head}" is not a target kind`, null);
  // Suggest the whole path with the kind corrected, and whatever else is wrong after it corrected as well.
  const corrected = diagnose([nearKind, ...rest].join("/"));
  const suggestion = "target" in corrected ? formatTarget(corrected.target) : corrected.suggestion;
  return fail(`"${head}" is not a target kind`, suggestion);
}

/** Parses a target path; throws a DoppelError (TARGET_INVALID) that shows the grammar and the nearest valid form. */
export function parseTarget(input: string): Target {
  const diagnosis = diagnose(input);
  if ("target" in diagnosis) return diagnosis.target;
  throw doppelError.targetInvalid(input, diagnosis.reason, TARGET_GRAMMAR, diagnosis.suggestion);
}

/** The canonical path of a target (full kind names): parseTarget(formatTarget(t)) equals t. */
export function formatTarget(target: Target): string {
  switch (target.kind) {
    case "targetless":
      return "targetless";
    case "pid":
      return `pid/${target.pid}`;
    default:
      return `${target.kind}/${target.name}${target.container === null ? "" : `/container/${target.container}`}`;
  }
}
