// Data attached to an object of one analysis: a document's clean read for the next version, an
// analysis's parts for the next analysis, results computed on request.

/**
 * A value kept on its owner under a module-local symbol, so that it dies with its owner. In Node 20
 * (V8 11.3) scavenges keep the values of a module-level WeakMap until a full collection, even
 * when their keys are garbage. The property is not enumerable, so a spread does not copy it.
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
    if (Object.hasOwn(owner, this.key)) (owner as unknown as Record<symbol, Value | undefined>)[this.key] = value;
    else Object.defineProperty(owner, this.key, { value, writable: true, configurable: true, enumerable: false });
  }
}
