/**
 * A locked command's decision threw (a refusal such as an illegal transition): the store rolls its
 * transaction back and rethrows the decision's own error, where its own failures become
 * STORE_UNAVAILABLE.
 */
export class DecisionThrew {
  constructor(readonly error: unknown) {}
}

/** `decide(read)`, its error wrapped in DecisionThrew. */
export function deciding<R, W>(decide: (read: R) => W, read: R): W {
  try {
    return decide(read);
  } catch (error) {
    throw new DecisionThrew(error);
  }
}
