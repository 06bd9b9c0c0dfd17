// What a running set of simulators offers. `npm run sim` prints exactly this as its first line
// (SPEC section 5), and the sandbox configuration is built from it.

export interface SimulatorDescription {
  mysql: { host: string; port: number; user: string; password: string };
  oss: {
    /** With scheme, e.g. `http://127.0.0.1:9000`. */
    endpoint: string;
    accessKeyId: string;
    accessKeySecret: string;
    /** Region id (`cn-hangzhou`) to bucket name. */
    buckets: Record<string, string>;
  };
  /** One MySQL port per simulated instance; the first is `mysql.port`. */
  instances: Record<string, { region: string; mysqlPort: number }>;
}
