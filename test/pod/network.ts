// The bed's network: claiming a free /24 by creating its bridge, and plugging a network namespace into the bridge
// with a veth pair. Each step is one `ip -batch` so a pod costs two `ip` processes.
import { runCommand } from "./command.ts";
import { TestBedError, TestBedErrorCode } from "./errors.ts";
import { BedLayout, bedRanges, cidrsOverlap, shuffledBedIndexes } from "./layout.ts";

interface IpRoute {
  dst: string;
}

async function hostRoutes(): Promise<string[]> {
  const { stdout } = await runCommand(["ip", "-json", "-4", "route", "show", "table", "main"]);
  return (JSON.parse(stdout) as IpRoute[])
    .map((r) => r.dst)
    .filter((dst) => dst !== "default")
    .map((dst) => (dst.includes("/") ? dst : `${dst}/32`));
}

/**
 * Takes the first free bed index: one whose /24 no host route touches and whose bridge name nobody holds. Creating
 * the bridge is the claim — the kernel refuses a second interface of the same name, so parallel runs cannot collide.
 */
export async function claimBed(): Promise<BedLayout> {
  const routes = await hostRoutes();
  for (const index of shuffledBedIndexes()) {
    const layout = new BedLayout(index);
    if (routes.some((route) => cidrsOverlap(route, layout.subnet))) continue;
    const claim = await runCommand(["ip", "link", "add", "name", layout.bridge, "type", "bridge"], {
      allowFailure: true,
    });
    if (claim.exitCode !== 0) {
      if (claim.stderr.includes("File exists")) continue;
      throw new TestBedError(
        TestBedErrorCode.NotPermitted,
        `test bed: could not create bridge ${layout.bridge}: ${claim.stderr.trim()} (the test bed needs root)`,
      );
    }
    await runCommand(["ip", "-batch", "-"], {
      input: [`addr add ${layout.hostIp}/24 dev ${layout.bridge}`, `link set ${layout.bridge} up`].join("\n"),
    });
    return layout;
  }
  throw new TestBedError(
    TestBedErrorCode.NoFreeSubnet,
    `test bed: every /24 of ${bedRanges.join(", ")} is in use by a bed or a host route; run scripts/sweep-testbed to remove beds ` +
      "left behind by earlier runs",
  );
}

export interface NamespacePlug {
  netns: string;
  /** Host-side veth name; the namespace side is always eth0. */
  hostVeth: string;
  /** Address with prefix length, e.g. 10.213.4.3/25. */
  address: string;
  /** Extra `ip` commands run inside the namespace after eth0 and lo are up (routes, addresses). */
  extraCommands?: string[];
}

/** Creates the named network namespace and connects its eth0 to the bed's bridge. */
export async function plugNamespace(layout: BedLayout, plug: NamespacePlug): Promise<void> {
  await runCommand(["ip", "-batch", "-"], {
    input: [
      `netns add ${plug.netns}`,
      `link add name ${plug.hostVeth} master ${layout.bridge} up type veth peer name eth0 netns ${plug.netns}`,
    ].join("\n"),
  });
  await runCommand(["ip", "-netns", plug.netns, "-batch", "-"], {
    input: [
      `addr add ${plug.address} dev eth0`,
      "link set eth0 up",
      "link set lo up",
      ...(plug.extraCommands ?? []),
    ].join("\n"),
  });
}

/** Deletes a namespace; its veth pair goes with it. Processes inside must be gone first (see Cgroup.destroy). */
export async function unplugNamespace(netns: string): Promise<void> {
  await runCommand(["ip", "netns", "delete", netns]);
}
