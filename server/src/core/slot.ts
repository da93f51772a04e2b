// Data attached to an object of one analysis: a document's clean read for the next version, an
// analysis's parts for the next analysis, results computed on request.

/**
 * A value kept on its owner under a private symbol, so that it dies with its owner. V8's scavenges
 * keep the values of a long-lived WeakMap until the next full collection even when their keys are
 * garbage, so a WeakMap keyed by per-analysis objects kept every earlier analysis alive and copied.
 */
export class Slot<Owner extends object, Value> {
  private readonly key: symbol;

  constructor(description: string) {
    this.key = Symbol(description);
  }

  get(owner: Owner): Value | undefined {
    return (owner as unknown as Record<symbol, Value | undefined>)[this.key];
  }

  set(owner: Owner, value: Value | undefined): void {
    (owner as unknown as Record<symbol, Value | undefined>)[this.key] = value;
  }
}
