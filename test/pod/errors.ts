// Every failure of the test bed is a TestBedError with a stable code, so tests (and the bed's own self-tests) match
// on the code and the message can say what failed, where, and what to do.

export const TestBedErrorCode = {
  /** Not root, or a kernel feature (netns, overlay, cgroup2) is missing. */
  NotPermitted: "DPL_TESTBED_NOT_PERMITTED",
  /** Every /24 in the bed's private range is taken by another bed or a host route. */
  NoFreeSubnet: "DPL_TESTBED_NO_FREE_SUBNET",
  /** A system command (ip, nsenter, mount, dnsmasq …) exited non-zero. */
  CommandFailed: "DPL_TESTBED_COMMAND_FAILED",
  /** A pod, the DNS server or the backend did not become ready in time. */
  NotReady: "DPL_TESTBED_NOT_READY",
  /** The caller passed a bad pod name, a duplicate name, a relative file path or similar. */
  BadRequest: "DPL_TESTBED_BAD_REQUEST",
  /** The bed (or pod) was already destroyed. */
  Destroyed: "DPL_TESTBED_DESTROYED",
} as const;
export type TestBedErrorCode = (typeof TestBedErrorCode)[keyof typeof TestBedErrorCode];

export class TestBedError extends Error {
  constructor(
    readonly code: TestBedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TestBedError";
  }
}
