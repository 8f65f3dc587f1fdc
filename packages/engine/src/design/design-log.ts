/** Receives what design functions log (`log()`) and the errors CouchDB would log (a map that throws). */
export type DesignLogger = (message: string) => void;

let logger: DesignLogger = (message) => console.info(`[settee:design] ${message}`);

/** Replaces where design-function log lines go (default: `console.info`). Returns the previous logger. */
export function setDesignLogger(next: DesignLogger): DesignLogger {
  const previous = logger;
  logger = next;
  return previous;
}

/** Logs one line on behalf of a design document. */
export function designLog(ddocId: string, message: string): void {
  logger(`${ddocId}: ${message}`);
}
