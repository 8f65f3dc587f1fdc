import { randomBytes } from 'node:crypto';

/**
 * CouchDB's default `sequential` uuid algorithm: a random 26-hex-digit prefix and a 6-hex-digit suffix that grows
 * by a random step, with a fresh prefix when it overflows. Ids made close in time sort close together, which keeps
 * inserts near the end of the id index (fast, compact) while staying unguessable across prefixes.
 */
export class SequentialUuids {
  private prefix = SequentialUuids.newPrefix();
  private suffix = SequentialUuids.randomStep() * 0x100;

  next(): string {
    this.suffix += SequentialUuids.randomStep();
    if (this.suffix > 0xfff000) {
      this.prefix = SequentialUuids.newPrefix();
      this.suffix = SequentialUuids.randomStep();
    }
    return this.prefix + this.suffix.toString(16).padStart(6, '0');
  }

  private static newPrefix(): string {
    return randomBytes(13).toString('hex');
  }

  /** A step in 1..0xFFE, like CouchDB's. */
  private static randomStep(): number {
    return 1 + (randomBytes(2).readUInt16BE(0) % 0xffe);
  }
}
