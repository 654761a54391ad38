// One LampDriver in front of several: a board may wire some lamps to Linux LEDs and others to a
// serial expansion panel, but the scheduler talks to one driver.

import type { LampDriver, LampState } from './frame.js';

export class LampRouter implements LampDriver {
  private readonly routes = new Map<string, LampDriver>();

  /** Send `roles` to `driver` (a later route for the same role replaces the earlier one). */
  route(roles: readonly string[], driver: LampDriver): this {
    for (let i = 0; i < roles.length; i++) this.routes.set(roles[i]!, driver);
    return this;
  }

  /** Roles with no route are dropped: a board may declare lamps no host adapter drives yet. */
  setLamp(role: string, state: LampState): void {
    this.routes.get(role)?.setLamp(role, state);
  }
}
