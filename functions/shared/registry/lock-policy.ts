/**
 * How long executions hold and wait for the network lock. The lease outlasts the longest hold (lock -> record
 * the membership, unlock: the NAT wait, the probe's ENIs and the function update, each bounded by its loop) with
 * room to spare, because it only matters when an execution vanished without its end event: the status-change
 * rule frees a dead execution's locks at once. A waiter polls every LOCK_WAIT_SECONDS (a Wait state: no busy
 * Lambda) and gives up after LOCK_MAX_ATTEMPTS, about 20 minutes.
 */
export const LOCK_LEASE_SECONDS = 3600;
export const LOCK_WAIT_SECONDS = 15;
export const LOCK_MAX_ATTEMPTS = 80;

/** Execution statuses after which an execution can no longer release its own locks (the stale-lock rule's). */
export const ENDED_WITHOUT_UNLOCK = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;
