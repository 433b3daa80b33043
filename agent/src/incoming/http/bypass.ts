// The loopback source address every doppel agent uses for the connections it makes to the target's own ports on
// behalf of a client (requests an HTTP filter leaves with the target). Every doppel steal table accepts traffic
// from this address before its redirect rules (nft-table.ts), so those connections reach the real app instead of
// looping back into a steal listener — ours or another session's. Any 127/8 address is local on Linux without
// being configured; this one spells "DPL" (68.80.76) and is unlikely to be used by anything else.
export const BYPASS_SOURCE = "127.68.80.76";
