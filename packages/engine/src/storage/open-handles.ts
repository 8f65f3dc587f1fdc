/**
 * The storages a provider has handed out, by database name, so that `destroy` and `close` can close every handle
 * still open (a handle removes itself when closed on its own).
 */
export class OpenHandles<H extends { close(): void }> {
  private readonly byName = new Map<string, Set<H>>();

  /** Opens a handle through `open`, passing it the callback to run when it closes, and tracks it. */
  track(name: string, open: (onClose: (closed: H) => void) => H): H {
    const handle = open((closed) => this.byName.get(name)?.delete(closed));
    let handles = this.byName.get(name);
    if (handles === undefined) {
      handles = new Set();
      this.byName.set(name, handles);
    }
    handles.add(handle);
    return handle;
  }

  /** Closes every handle of `name`. */
  closeAll(name: string): void {
    const handles = this.byName.get(name);
    if (handles === undefined) return;
    this.byName.delete(name);
    for (const handle of [...handles]) handle.close();
  }

  /** Closes every handle of every database. */
  closeEverything(): void {
    for (const name of [...this.byName.keys()]) this.closeAll(name);
  }
}
