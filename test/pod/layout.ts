// Where every object of one test bed lives: its /24, the address of each role in it, and the kernel object names.
// A bed is identified by one number N; its /24 is the (N % 256)th of bedRanges[N / 256], and every name starts with
// `dpl<N>-`, so two beds never share a name and scripts/sweep-testbed can find everything a bed made, by prefix.
//
//   A.B.C.0/24                     the bed's subnet; the host holds .1/24 on the bridge, so it reaches every pod
//   ├─ .1                          host (bridge dpl<N>-br)
//   ├─ .2                          DNS server (netns dpl<N>-dns)
//   ├─ .3 … .125                   pods (netns dpl<N>-pod-<name>), addressed /25, default route via .126
//   ├─ .126                        cluster gateway: the service netns' leg on the bridge
//   └─ .128/25                     service network behind the gateway; only pods route to it. The host's on-link
//        └─ .130                   /24 covers it but nothing answers ARP for it on the bridge, so from the host it is
//                                  unreachable and no packet ever leaves the machine.
import ipaddr from "ipaddr.js";
import { TestBedError, TestBedErrorCode } from "./errors.ts";

/**
 * The private ranges beds take their /24 from, in order. Several, because other test set-ups on the same machine
 * may hold a whole /16 (claimBed skips every /24 a host route touches).
 */
export const bedRanges = ["10.213.0.0/16", "10.157.0.0/16", "172.29.0.0/16", "172.30.0.0/16"] as const;
const rangePrefixes = bedRanges.map((range) => ipaddr.IPv4.parseCIDR(range)[0].octets.slice(0, 2).join("."));
const maxBedIndex = bedRanges.length * 256 - 1;
const firstPodHost = 3;
const lastPodHost = 125;
export const maxPodsPerBed = lastPodHost - firstPodHost + 1;

/** Root of every bed's state directory (a tmpfs per bed is mounted below it). */
export const stateRoot = "/run/dpl-testbed";

export class BedLayout {
  /** `dpl<N>`: names the bed's cgroup and state directory, and starts every other name. */
  readonly name: string;
  readonly prefix: string;
  readonly subnet: string;
  readonly hostIp: string;
  readonly dnsIp: string;
  readonly gatewayIp: string;
  readonly serviceSubnet: string;
  readonly backendIp: string;
  /** Prefix length pods get on their eth0: the pod half of the /24. */
  readonly podPrefixLength = 25;
  readonly bridge: string;
  readonly dnsNetns: string;
  readonly serviceNetns: string;
  readonly stateDir: string;
  /** Name of the bed's cgroup directory (under the cgroup2 mount). */
  readonly cgroup: string;

  constructor(readonly index: number) {
    if (!Number.isInteger(index) || index < 0 || index > maxBedIndex) {
      throw new TestBedError(
        TestBedErrorCode.BadRequest,
        `test bed index ${index} is not an integer in 0..${maxBedIndex}`,
      );
    }
    const net = `${rangePrefixes[Math.floor(index / 256)]}.${index % 256}`;
    this.name = `dpl${index}`;
    this.prefix = `${this.name}-`;
    this.subnet = `${net}.0/24`;
    this.hostIp = `${net}.1`;
    this.dnsIp = `${net}.2`;
    this.gatewayIp = `${net}.126`;
    this.serviceSubnet = `${net}.128/25`;
    this.backendIp = `${net}.130`;
    this.bridge = `${this.prefix}br`;
    this.dnsNetns = `${this.prefix}dns`;
    this.serviceNetns = `${this.prefix}svc`;
    this.stateDir = `${stateRoot}/${this.name}`;
    this.cgroup = this.name;
  }

  /** The address of the pod in slot `slot` (0-based). */
  podIp(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= maxPodsPerBed) {
      throw new TestBedError(
        TestBedErrorCode.BadRequest,
        `test bed ${this.prefix}: no pod slot ${slot}; a bed holds at most ${maxPodsPerBed} pods`,
      );
    }
    return `${this.subnet.slice(0, this.subnet.lastIndexOf(".") + 1)}${firstPodHost + slot}`;
  }

  podNetns(podName: string): string {
    return `${this.prefix}pod-${podName}`;
  }

  /** Host-side veth name of a bridge port; `role` is a pod slot number or a short role name. Kernel limit: 15 chars. */
  hostVeth(role: number | "dns" | "svc"): string {
    return `${this.prefix}v${role}`;
  }
}

/** True when the two IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [addrA, bitsA] = ipaddr.IPv4.parseCIDR(a);
  const [addrB, bitsB] = ipaddr.IPv4.parseCIDR(b);
  return addrA.match(addrB, Math.min(bitsA, bitsB));
}

/** Every usable bed index (third octet 1..254 of each range) in a random order, so parallel runs rarely race. */
export function shuffledBedIndexes(random: () => number = Math.random): number[] {
  const indexes = Array.from({ length: maxBedIndex + 1 }, (_, i) => i).filter((i) => i % 256 !== 0 && i % 256 !== 255);
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j] as number, indexes[i] as number];
  }
  return indexes;
}
