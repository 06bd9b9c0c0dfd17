// What a running set of simulators offers. `npm run sim` prints exactly this as its first line
// (SPEC section 5), and the sandbox configuration is built from it. The type is the core's.

export type { SimulatorDescription } from '../src/config/sandbox';
