export declare const INSTANCES: 2;
export declare function readDeployEnv(name: string): Readonly<Record<string, string>>;
export declare const DIRECTUS_CLUSTER_ENV: Readonly<Record<string, string>>;
export declare const APP_CLUSTER_ENV: Readonly<Record<string, string>>;
export declare const TEST_DIRECTUS_ENV: Readonly<Record<string, string>>;
export declare const BURST_DIRECTUS_ENV: Readonly<Record<string, string>>;

export interface Instance {
  /** directus1, directus2, app1, app2: also the server names in HAProxy. */
  name: string;
  port: number;
  /** The instance itself, bypassing the proxy. */
  url: string;
  dataDir: string;
}

export interface ClusterSettings {
  dir: string;
  /** Where saveSettings() writes them: <dir>/cluster.json. */
  file: string;
  logDir: string;
  mail: { port: number; dir: string };
  postgres: { host: string; port: number; database: string; user: string; password: string; dataDir: string };
  /** `appPort`: the app instances' link to Redis, which the cluster tests can cut. */
  redis: { host: string; port: number; appPort: number; dataDir: string };
  proxy: { directusPort: number; appPort: number; statsSocket: string; logFile: string };
  directus: {
    /** The proxy in front of the instances. */
    url: string;
    instances: Instance[];
    adminEmail: string;
    adminPassword: string;
    secret: string;
    storageDir: string;
    /** Extra Directus settings (TEST_DIRECTUS_ENV by default; restartDirectus() changes them). */
    env: Record<string, string>;
  };
  /** The local OpenID Connect provider (development and tests only) behind "Continue with …". */
  identityProvider?: { port: number; url: string; callbackUrl: string; env: Record<string, string> };
  app: { url: string; instances: Instance[]; sessionSecret: string };
}

export declare function createSettings(dir: string, options?: { directusEnv?: Record<string, string> }): Promise<ClusterSettings>;
export declare function directusEnv(settings: ClusterSettings): Record<string, string>;
export declare function appEnv(settings: ClusterSettings): Record<string, string>;
export declare function haproxyEnv(settings: ClusterSettings): Record<string, string>;
export declare function saveSettings(settings: ClusterSettings): Promise<string>;
export declare function loadSettings(file: string | undefined): ClusterSettings;
