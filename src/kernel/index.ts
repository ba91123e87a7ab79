export { EventQueue, type EventHandler } from './event-queue.ts';
export { Rng } from './rng.ts';
export { Simulation, type Source, type RunHooks, PRIO_DATA, PRIO_VENUE, PRIO_RESPONSE, PRIO_TIMER } from './simulation.ts';
