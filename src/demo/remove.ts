// Removes exactly the demo estate: the demo's clients (by name) with everything under them, and
// nothing else. A client the user renamed is no longer the demo's and stays; a demo client the
// user added devices to goes with them (docs/console.md "Lifecycle").
import type { LifecycleService } from '../catalog/lifecycle.js';
import type { Principal } from '../domain/access.js';
import { DEMO_CLIENTS } from './estate.js';

export function removeDemo(lifecycle: LifecycleService, actor: Principal): Promise<string[]> {
  return lifecycle.deleteClientsNamed(actor, DEMO_CLIENTS.map((c) => c.name), 'demo.remove');
}
