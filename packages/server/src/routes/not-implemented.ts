import { SetteeError } from '@settee/core';

/** 501 for a design-document endpoint the engine does not serve yet. */
export class NotImplementedDesignError extends SetteeError {
  constructor(endpoint: string) {
    super(501, 'not_implemented', `${endpoint} is not implemented by this server yet.`);
  }
}
