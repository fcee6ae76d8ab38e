/** Thrown inside an undo step when AWS makes us wait; the undo engine collects these and its caller comes back later. */
export class StillInUse extends Error {
  override readonly name = 'StillInUse';
}
