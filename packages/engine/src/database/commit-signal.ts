/**
 * Tells live feeds of one database that a batch was committed, or that the database went away. Listeners run
 * synchronously after the commit; they only schedule work.
 */
export class CommitSignal {
  private readonly listeners = new Set<{ onCommit: () => void; onClose: () => void }>();

  subscribe(onCommit: () => void, onClose: () => void): () => void {
    const listener = { onCommit, onClose };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of [...this.listeners]) listener.onCommit();
  }

  /** The database was closed or deleted: every feed completes. */
  close(): void {
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener.onClose();
  }

  get size(): number {
    return this.listeners.size;
  }
}
